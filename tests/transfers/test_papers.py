"""The papers a branch hands over (Art. 12–14): the receipt in two marked copies with its
amount in figures and in capitals, every print logged and a reprint marked; the business form
without the request's internal states and with its fees; both in Chinese whoever prints them.

Words this suite adds to the papers are compared with their Chinese entry (`zh`), so the tests
hold before and after the catalogue gains them; words the catalogue already has are checked
as the Chinese itself."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from kernel.errors import InvalidState
from tests.builders import confirm_and_complete, refine, to_completed, to_processing, to_state
from transfers import services
from transfers.models import (
    ReceiptCopy,
    ReceiptPrint,
    TransferRequest,
    TransferState,
)
from transfers.pdf import business_form_pdf

S = TransferState
CLIENT_IP = "10.1.2.3"


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def reprint_mark(n: int) -> str:
    return zh("Reprint (no. {n})").format(n=n)


@pytest.fixture
def en_client(client):
    """A member of staff who works in English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.defaults["REMOTE_ADDR"] = CLIENT_IP
    return client


def print_at_counter(client, req, **query):
    return client.get(reverse("request_receipt_pdf", kwargs={"pk": req.pk}), query)


# --- The receipt -----------------------------------------------------------------------


def test_the_receipt_has_the_customers_and_the_branchs_copy_each_marked(people):
    req = to_completed(people, people.customer("ordinary"))

    customer_copy, branch_copy = pages_of(services.receipt_print(request=req, actor=people.clerk))

    # Art. 14: the customer takes their copy; the branch keeps its own (Art. 13).
    assert zh("Customer's copy") in customer_copy
    assert zh("Branch's copy") not in customer_copy
    assert zh("Branch's copy") in branch_copy
    for page in (customer_copy, branch_copy):
        assert req.receipt_number in page
        assert "¥30.00" in page
        assert "人民币叁拾元整" in page  # the amount in capitals beside the figures
        assert reprint_mark(1) not in page


def test_a_closure_alone_is_receipted_as_zero_in_figures_and_in_capitals(people):
    customer = people.customer("ordinary", sz_account="", sh_designated_here=False)
    req = to_completed(people, customer, wants_closure=True)

    text = "".join(pages_of(services.receipt_print(request=req, actor=people.clerk)))

    assert "¥0.00" in text and "人民币零元整" in text


def test_the_second_print_is_marked_as_a_reprint_and_every_print_is_logged(people, en_client):
    req = to_completed(people, people.customer("ordinary"))
    en_client.force_login(people.clerk)

    first = print_at_counter(en_client, req)
    second = print_at_counter(en_client, req)
    third = print_at_counter(en_client, req)

    assert first.status_code == second.status_code == third.status_code == 200
    assert all(reprint_mark(1) not in p for p in pages_of(first.content))
    assert all(reprint_mark(1) in p for p in pages_of(second.content))  # on both copies
    assert all(reprint_mark(2) in p for p in pages_of(third.content))
    log = list(ReceiptPrint.objects.filter(request=req).order_by("number"))
    assert [(e.number, e.copies, e.printed_by, e.client_ip) for e in log] == [
        (1, ReceiptCopy.BOTH, people.clerk, CLIENT_IP),
        (2, ReceiptCopy.BOTH, people.clerk, CLIENT_IP),
        (3, ReceiptCopy.BOTH, people.clerk, CLIENT_IP),
    ]
    assert all(e.printed_at is not None for e in log)


def test_the_receipt_is_in_chinese_when_the_staff_works_in_english(people, en_client):
    req = to_completed(people, people.customer("ordinary"))
    en_client.force_login(people.clerk)

    text = "".join(pages_of(print_at_counter(en_client, req).content))

    assert "收据" in text and "收据编号" in text and "合计" in text
    assert "Receipt" not in text and "Total" not in text
    # The page the clerk returns to stays in their language.
    page = en_client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert "Print receipt" in page


def test_the_customers_lost_copy_alone_can_be_reprinted_and_the_log_says_so(people, en_client):
    req = to_completed(people, people.customer("ordinary"))
    en_client.force_login(people.clerk)
    print_at_counter(en_client, req)

    response = print_at_counter(en_client, req, copy="customer")

    (only,) = pages_of(response.content)
    assert zh("Customer's copy") in only and reprint_mark(1) in only
    assert ReceiptPrint.objects.get(request=req, number=2).copies == ReceiptCopy.CUSTOMER


def test_an_unknown_copy_is_refused_with_a_message_and_nothing_logged(people, en_client):
    req = to_completed(people, people.customer("ordinary"))
    en_client.force_login(people.clerk)

    response = print_at_counter(en_client, req, copy="third")

    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", kwargs={"pk": req.pk})
    assert not ReceiptPrint.objects.filter(request=req).exists()


def test_a_print_from_the_admin_is_logged_and_counted_with_the_counters(people, en_client):
    req = to_completed(people, people.customer("ordinary"))
    en_client.force_login(people.clerk)
    print_at_counter(en_client, req)
    en_client.force_login(people.gm)

    response = en_client.get(reverse("admin:transfers_transferrequest_receipt", args=[req.pk]))

    assert response.status_code == 200
    assert all(reprint_mark(1) in p for p in pages_of(response.content))
    entry = ReceiptPrint.objects.get(request=req, number=2)
    assert (entry.printed_by, entry.client_ip) == (people.gm, CLIENT_IP)
    record = en_client.get(reverse("admin:transfers_transferrequest_change", args=[req.pk]))
    assert "receipt prints" in record.content.decode().lower()


def test_a_receipt_is_refused_before_completion_and_nothing_is_logged(people):
    req = to_processing(people, people.customer("ordinary"))

    with pytest.raises(InvalidState):
        services.receipt_print(request=req, actor=people.clerk)

    assert not ReceiptPrint.objects.filter(request=req).exists()


def test_the_print_log_cannot_be_changed_or_removed(people):
    req = to_completed(people, people.customer("ordinary"))
    services.receipt_print(request=req, actor=people.clerk)
    entry = ReceiptPrint.objects.get(request=req)

    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        ReceiptPrint.objects.filter(pk=entry.pk).update(number=1)


# --- The business form -----------------------------------------------------------------


# Awaiting approval is left out: its name (待审批) is also what the approvals table says of
# a step still open, which the customer signing the form is meant to see.
@pytest.mark.parametrize(
    "state", [S.RETENTION, S.APPROVED, S.BLOCKED, S.DEFERRED, S.PROCESSING, S.COMPLETED]
)
def test_the_business_form_prints_no_internal_state(people, state):
    req = to_state(people, state)

    text = "".join(pages_of(business_form_pdf(req, printed_by=people.clerk)))

    assert zh(TransferState(state).label) not in text
    assert "已记录原因，挽留沟通中" not in text
    assert "状态" not in text  # no "State" row at all
    # What the customer asked for, why, and what it costs.
    assert "某某证券" in text and "123456" in text
    assert req.primary_reason.name_zh in text
    assert "30.00" in text and "人民币叁拾元整" in text


def test_the_business_form_is_in_chinese_when_the_staff_works_in_english(people, en_client):
    req = to_state(people, S.AWAITING_APPROVAL)
    en_client.force_login(people.clerk)

    text = "".join(
        pages_of(en_client.get(reverse("request_form_pdf", kwargs={"pk": req.pk})).content)
    )

    assert "申请编号" in text or "营业部" in text
    assert "Business requested" not in text and "Approvals" not in text


# --- The fee, fixed when processing starts (Art. 12) -------------------------------------


def test_the_fee_is_fixed_and_shown_when_processing_starts(people, en_client):
    req = to_processing(people, people.customer("ordinary"))

    assert TransferRequest.objects.get(pk=req.pk).fee_amount == Decimal("30.00")
    en_client.force_login(people.clerk)
    page = en_client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert 'id="fee"' in page and "¥30.00" in page
    text = "".join(pages_of(business_form_pdf(req, printed_by=people.clerk)))
    assert "30.00" in text and "人民币叁拾元整" in text
    assert zh("Fixed when processing started; paid on completion, against a receipt.") in text


def test_the_fee_told_at_the_start_is_the_fee_charged(people):
    req = to_processing(people, people.customer("ordinary"))
    refine(people.branch, "fee.sz_transfer", "25")

    req = confirm_and_complete(people, req)

    assert req.fee_amount == Decimal("30.00")


def test_before_processing_the_form_shows_the_fee_at_todays_schedule(people):
    req = to_state(people, S.AWAITING_APPROVAL)
    assert req.fee_amount is None

    text = "".join(pages_of(business_form_pdf(req, printed_by=people.clerk)))

    assert "30.00" in text and "人民币叁拾元整" in text
    assert zh("At the branch's fee schedule today; fixed when processing starts.") in text
