"""PIPL Art. 51 and the firm's data rules: no identity number, phone or customer password is
ever in a log line. A whole transfer, from the request an agent brings to the printed
receipt, is driven through the pages with every logger at DEBUG, and every record is
formatted as production writes it — but without the masking filter, so the test proves the
code logs none of it, not that the last line of defence caught it.

SQL: Django logs queries (django.db.backends) only with DEBUG on, which production never
is (settings/production.py), so the walk runs as production does. Where the values sit in
SQL (encrypted at rest, accounts/pii.py) is the database's business, not the logs'.

The same walk checks the request id: every record logged during a page carries that page's
id, and so does every audit row it wrote."""

import itertools
import json
import logging

import pytest
from django.urls import reverse

from accounts.models import CustomerAccessLog
from kernel.logging import (
    PLAIN_FORMAT,
    JsonFormatter,
    RedactFilter,
    RequestIdFilter,
    redact,
)
from tests.accounts.factories import TRADING_PASSWORD
from tests.builders import WRONG_PASSWORD, reason
from transfers.models import TransferAuditEntry, TransferRequest, required_documents
from transfers.services.processing import required_retained

AGENT_ID_NUMBER = "31010119800101123X"


class Records(logging.Handler):
    """Every record, formatted the moment it is logged: first of the root's handlers, so
    before the console handler's masking filter changes the record in place."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.unmasked = formatted(record)
        self.records.append(record)


@pytest.fixture
def records(settings):
    settings.DEBUG = False  # as production: no SQL is logged
    handler = Records()
    touched = [logging.getLogger(name) for name in ("", "django", "django.request", "celery")]
    touched.append(logging.getLogger("django.db.backends"))
    levels = [logger.level for logger in touched]
    for logger in touched:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().handlers.insert(0, handler)
    try:
        yield handler.records
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, level in zip(touched, levels, strict=True):
            logger.setLevel(level)


def formatted(record: logging.LogRecord) -> str:
    """The record as the console handler writes it, in both formats, exception included."""
    plain = logging.Formatter(PLAIN_FORMAT).format(record)
    return plain + "\n" + JsonFormatter().format(record)


class Walk:
    """The test client, each page under an id of its own, remembering which records and
    which audit rows each page produced."""

    def __init__(self, client, records) -> None:
        self.client, self.records = client, records
        self.ids = (f"walk{n:04d}-request-id" for n in itertools.count())
        self.pages: list[tuple[str, list[logging.LogRecord]]] = []
        self.rows: list[tuple[str, str]] = []

    def call(self, method: str, url: str, data=None, *, user=None):
        if user is not None:
            self.client.force_login(user)
        page_id = next(self.ids)
        before = len(self.records)
        audit_before = TransferAuditEntry.objects.count()
        access_before = CustomerAccessLog.objects.count()
        send = getattr(self.client, method)
        response = send(url, data or {}, follow=True, HTTP_X_REQUEST_ID=page_id)
        assert response.status_code < 500
        self.pages.append((page_id, self.records[before:]))
        for model, count in (
            (TransferAuditEntry, audit_before),
            (CustomerAccessLog, access_before),
        ):
            new = model.objects.order_by("pk").values_list("trace_id", flat=True)[count:]
            self.rows += [(page_id, trace) for trace in new]
        return response

    def post(self, name: str, pk: int, data=None, *, user=None):
        return self.call("post", reverse(name, kwargs={"pk": pk}), data, user=user)


@pytest.fixture
def walked(client, people, records):
    """An agent brings the customer's request; documents, reason, approvals, a mistyped
    and then the right password, processing and the receipt, all through the pages."""
    customer = people.customer("ordinary")
    walk = Walk(client, records)
    # The clerk finds the customer by identity number, then by phone.
    for q in (customer.id_number, customer.phone):
        walk.call("get", reverse("customer_search"), {"q": q}, user=people.clerk)
    walk.call("get", reverse("customer_detail", kwargs={"pk": customer.pk}))
    request_body = {
        "wants_sz_transfer": "on",
        "sz_receiving_broker": "某某证券",
        "sz_receiving_seat": "123456",
        "by_agent": "on",
        "agent_name": "李四",
        "agent_id_type": "resident_id",
    }
    # A mistyped number first: the refusal must not echo it into a log either.
    walk.post("request_create", customer.pk, {**request_body, "agent_id_number": "3101011980"})
    walk.post("request_create", customer.pk, {**request_body, "agent_id_number": AGENT_ID_NUMBER})
    req = TransferRequest.objects.get(customer=customer)
    kinds = required_documents(customer_kind=customer.kind, by_agent=True)
    walk.post("request_documents", req.pk, {"checked": [k.value for k in kinds]})
    walk.post("request_reason", req.pk, {"primary_reason": reason("commission").pk})
    walk.post("request_go_on", req.pk)
    for approver in (people.lead, people.am):
        walk.post("request_approve", req.pk, user=approver)
    walk.post("customer_phone_reveal", customer.pk, {"purpose": "revisit_call"}, user=people.am)
    walk.post("request_start", req.pk, user=people.clerk)
    walk.post("request_password", req.pk, {"password": WRONG_PASSWORD})
    walk.post("request_password", req.pk, {"password": TRADING_PASSWORD})
    req.refresh_from_db()
    walk.post("request_complete", req.pk, {"retained": [r.value for r in required_retained(req)]})
    walk.call("get", reverse("request_receipt_pdf", kwargs={"pk": req.pk}))
    req.refresh_from_db()
    assert req.state == "completed", "the walk must reach the receipt to have logged it all"
    return walk, customer


def test_a_whole_transfer_logs_no_personal_data_and_tags_lines_and_rows_with_the_page(walked):
    """One walk, three rules (the walk is the expensive part)."""
    walk, customer = walked
    # No identity number, phone or password in any line.
    secrets = {
        "the agent's identity number": AGENT_ID_NUMBER,
        "the customer's identity number": customer.id_number,
        "the customer's phone": customer.phone,
        "the customer's trading password": TRADING_PASSWORD,
        "the mistyped password": WRONG_PASSWORD,
    }
    lines = [record.unmasked for _page, records in walk.pages for record in records]
    assert lines, "the walk logged nothing: the capture is broken"
    for what, value in secrets.items():
        assert value and len(value) >= 6
        leaked = [line for line in lines if value in line]
        assert not leaked, f"{what} is in a log line: {leaked[0]}"

    # Every record logged during a page carries that page's id.
    for page_id, records in walk.pages:
        assert {record.request_id for record in records} <= {page_id}

    # Every audit row carries the id of the page that wrote it.
    assert len(walk.rows) >= 8  # create … complete, and the customer's page views
    assert all(trace == page_id for page_id, trace in walk.rows), walk.rows


# --- The formats and the mask ------------------------------------------------------------


def _record(msg, *args, exc_info=None, **extra) -> logging.LogRecord:
    record = logging.LogRecord("branch_ops.test", logging.WARNING, __file__, 1, msg, args, exc_info)
    for name, value in extra.items():
        setattr(record, name, value)
    RequestIdFilter().filter(record)
    return record


def test_the_json_format_is_one_object_with_time_level_logger_message_and_request_id():
    line = JsonFormatter().format(_record("转托管 %s done", 42, status_code=409))
    entry = json.loads(line)
    assert "\n" not in line
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "branch_ops.test"
    assert entry["message"] == "转托管 42 done"
    assert entry["request_id"] == "-"
    assert entry["status_code"] == 409
    assert entry["time"].endswith("+00:00")


def test_the_json_format_carries_the_exception_in_its_own_field():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        entry = json.loads(JsonFormatter().format(_record("failed", exc_info=sys.exc_info())))
    assert "ValueError: boom" in entry["exception"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("agent 31010119800101123X came", "agent [identity number] came"),
        ("call 13800138000 now", "call [phone] now"),
        ("call +86 13800138000", "call [phone]"),
        ("password=135790&next=/", "password=***&next=/"),
        ("{'password': '135790'}", "{'password': '***'}"),
        ("<QueryDict: {'password': ['135790']}>", "<QueryDict: {'password': ['***']}>"),
        ("交易密码: 135790", "交易密码: ***"),
        # Not personal data: left alone.
        ("receipt SH01-2026-000001", "receipt SH01-2026-000001"),
        ("fund account 8800000001", "fund account 8800000001"),
        ("took 12345678901234567890 ns", "took 12345678901234567890 ns"),
    ],
)
def test_the_mask_hides_identity_numbers_phones_and_passwords_only(text, kept):
    assert redact(text) == kept


def test_the_mask_filter_covers_arguments_mapping_keys_and_exceptions():
    try:
        raise RuntimeError("customer 110101199001000001 refused")
    except RuntimeError:
        import sys

        exc_info = sys.exc_info()
    record = _record("login %(user)s with %(password)s", exc_info=exc_info)
    record.args = {"user": "13800138000", "password": "135790"}
    RedactFilter().filter(record)
    line = logging.Formatter(PLAIN_FORMAT).format(record) + JsonFormatter().format(record)
    for value in ("13800138000", "135790", "110101199001000001"):
        assert value not in line
    assert "login [phone] with ***" in line
