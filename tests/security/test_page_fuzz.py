"""Hostile values in the pages' parameters never reach a 500: every page of the project,
fetched by each role that opens it, with NUL characters, a very long string, impossible and
extreme dates, negative and huge numbers, digits int() does not read and unusual unicode in
its query parameters and path converters, answers below 500 — the page, a form error, a 400
with the reason (kernel.params, kernel.web.RefusalMiddleware) or a 404.

PostgreSQL refuses a NUL in text where SQLite stores it, so on SQLite a query that would carry
one counts as a 500 too: what passes here passes on both. The API has its own attack test,
from the OpenAPI schema (tests/api/test_schemathesis.py)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote, urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from archives import services as archive_services
from archives.models import Category, Medium
from revisits.services import event_create
from tests.builders import BEIJING, built_once, granted, pdf_bytes, upload
from tests.postgres_text import nul_queries
from tests.security.policy_matrix import MATRIX, ROLES
from tests.security.test_policy_matrix import _build_world, _url

HOSTILE = [
    "\x00",
    "6600\x000001",
    "x" * 5000,
    "0000-00-00",
    "9999-99-99",
    "0001-01-01",
    "9999-12-31",
    "0001-01",
    "9999-12",
    "a/b",
    "-1",
    "99999999999999999999999999",
    "²",  # a digit to str.isdigit(), not to int()
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "😀",
]
# One value of each kind: for the sweep of every page with every parameter at once, and
# for the second and further roles on a page.
SWEEP = ["\x00", "x" * 5000, "0001-01-01", "9999-99-99", "99999999999999999999999999", "²"]

# The query parameters each page reads: request.GET in its view, or the fields of the form it
# binds to request.GET (archives' RecordSearchForm, jobs' RunFilterForm, revisits'
# InviteFilterForm). test_every_query_parameter_a_view_reads_is_fuzzed keeps it complete.
QUERY_PARAMS: dict[str, tuple[str, ...]] = {
    "customer_search": ("q",),
    "customer_detail": ("full",),
    "request_receipt_pdf": ("copy",),
    "request_list": ("state", "q", "page"),
    "approvals_queue": ("page",),
    "retention_at_risk": ("date",),
    "retention_memos": ("outcome", "mine"),
    "retention_commitment_create": ("request",),
    "retention_commission_agree": ("request",),
    "retention_complaint_create": ("request",),
    "retention_analysis": ("month",),
    "retention_analysis_csv": ("month",),
    "retention_analysis_xlsx": ("month",),
    "retention_analysis_pdf": ("month",),
    "archives:record_list": ("q", "category", "status", "year"),
    "archives:document_file": ("download",),
    "archives:request_scans_lookup": ("number",),
    "archives:filing_index": ("date",),
    "job_list": ("name", "business_date", "outcome", "page"),
    "revisit_event_detail": ("tier", "account_manager", "left_within_months"),
    "headoffice_console": ("month", "from", "to"),
    "headoffice_figure": ("key", "month", "from", "to"),
    "headoffice_branch_figure": ("key", "page", "month", "from", "to"),
    "headoffice_alerts": ("page",),
}
# Read after an action (retention's safe_next), and by the admin's playbook form ("from",
# tests/retention/test_playbooks.py): swept on every page anyway.
ELSEWHERE = {"next", "from"}
EVERY_PARAM = sorted({p for params in QUERY_PARAMS.values() for p in params} | ELSEWHERE)
PAGES = sorted(name for name in MATRIX if not name.startswith("api"))
PK_PAGES = [name for name in PAGES if MATRIX[name].kind not in (None, "day", "path", "figure")]
# The record whose number is in the path of each kind (a branch's figure: the branch).
PK_RECORD = {"branch_figure": "branch"}
HUGE_PKS = ("0", "9223372036854775808", "99999999999999999999999999")
APPS = (
    "accounts",
    "transfers",
    "retention",
    "revisits",
    "archives",
    "jobs",
    "notifications",
    "headoffice",
)


def _build_fuzz_world() -> dict:
    """The policy matrix's two branches, plus the records whose pages read query parameters
    and that the matrix has no builder for: a revisit event and an archived scan."""
    world = _build_world()
    staff, own = world["staff"], world["own"]
    own["revisit_event"] = event_create(
        actor=staff[Role.MARKETING_DIRECTOR],
        title="客户答谢会",
        starts_at=dt.datetime(2026, 12, 5, 14, 0, tzinfo=BEIJING),
        place="营业部大厅",
    )
    record = archive_services.archive_record_create(
        actor=staff[Role.ARCHIVIST],
        customer=own["customer"],
        category=Category.INDIVIDUAL,
        medium=Medium.ELECTRONIC,
        title="个人客户档案",
    )
    own["archive_document"] = archive_services.archive_document_upload(
        record=record,
        actor=staff[Role.ARCHIVIST],
        kind="identity_copy",
        upload=upload("scan.pdf", pdf_bytes("identity")),
    )
    own["archive_record"] = archive_services.archive_record_file(
        record=record, actor=staff[Role.ARCHIVIST]
    )
    # The scan opens only on a grant: the general manager holds one.
    keeper = SimpleNamespace(archivist=staff[Role.ARCHIVIST])
    granted(keeper, own["archive_record"], staff[Role.GENERAL_MANAGER])
    return world


@pytest.fixture(scope="module")
def _world_once(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, _build_fuzz_world)


@pytest.fixture
def world(_world_once, db):
    return _world_once


@pytest.fixture
def client() -> Client:
    """A client that answers a crash with the 500 page, as production does, so that a test
    lists every value that crashes a page instead of stopping at the first."""
    return Client(raise_request_exception=False)


def _as(client: Client, world, role: str) -> Client:
    client.cookies[settings.SESSION_COOKIE_NAME] = world["sessions"][role]
    return client


def _fetch(client: Client, url: str, params: dict[str, str] | None = None) -> int:
    """The page's status; 599 when it sent a NUL to the database."""
    with nul_queries() as carrying_nul:
        status = client.get(f"{url}?{urlencode(params)}" if params else url).status_code
    return 599 if carrying_nul else status


def _readers(client: Client, world, url: str) -> list[str]:
    """The roles that open the page (or are sent on from it) without parameters."""
    return [role for role in ROLES if _fetch(_as(client, world, role), url) < 400]


@pytest.mark.parametrize("name", sorted(QUERY_PARAMS))
def test_a_hostile_query_parameter_never_gives_a_500(client, world, name):
    url = _url(name, MATRIX[name].kind, world["own"])
    readers = _readers(client, world, url)
    assert readers, f"no role opens {url}: the fuzz would test the refusal only"
    failures = []
    for role in readers:
        _as(client, world, role)
        for param in QUERY_PARAMS[name]:
            # Every value for the first role; one of each kind for the others, whose pages
            # differ in what they show, not in how they read the parameter.
            for value in HOSTILE if role == readers[0] else SWEEP:
                if (status := _fetch(client, url, {param: value})) >= 500:
                    failures.append((str(role), param, value[:12], status))
    assert not failures, failures


@pytest.mark.parametrize("name", PAGES)
def test_every_page_survives_every_parameter_at_once(client, world, name):
    url = _url(name, MATRIX[name].kind, world["own"])
    role = next(iter(_readers(client, world, url)), ROLES[0])
    _as(client, world, role)
    failures = []
    for value in SWEEP:
        if (status := _fetch(client, url, dict.fromkeys(EVERY_PARAM, value))) >= 500:
            failures.append((value[:12], status))
    assert not failures, failures


@pytest.mark.parametrize("name", PK_PAGES)
def test_a_hostile_record_number_in_the_path_never_gives_a_500(client, world, name):
    own = _url(name, MATRIX[name].kind, world["own"])
    record = PK_RECORD.get(MATRIX[name].kind, MATRIX[name].kind)
    pk = str(world["own"][record].pk) if record in world["own"] else None
    failures = []
    for role in _readers(client, world, own) or [ROLES[0]]:
        _as(client, world, role)
        for hostile in HUGE_PKS:
            url = (
                own.replace(f"/{pk}/", f"/{hostile}/", 1)
                if pk
                else reverse(name, kwargs={"pk": 1}).replace("/1/", f"/{hostile}/", 1)
            )
            if (status := _fetch(client, url)) >= 500:
                failures.append((str(role), hostile, status))
    assert not failures, failures


def test_a_hostile_filing_day_in_the_path_never_gives_a_500(client, world):
    good = reverse("archives:filing_day", kwargs={"day": "2026-11-24"})
    readers = _readers(client, world, good)
    assert readers
    failures = []
    for role in readers:
        _as(client, world, role)
        for value in HOSTILE:
            url = good.replace("2026-11-24", quote(value, safe=""))
            if (status := _fetch(client, url)) >= 500:
                failures.append((str(role), value[:12], status))
    assert not failures, failures


def test_every_query_parameter_a_view_reads_is_fuzzed():
    """A new request.GET read in a view must join QUERY_PARAMS, or the fuzz misses it."""
    root = Path(settings.BASE_DIR)
    read = re.compile(r"""\.GET(?:\.get\(|\[)\s*["'](\w+)["']""")
    found = {
        (str(path.relative_to(root)), param)
        for app in APPS
        for path in (root / app).rglob("*.py")
        for param in read.findall(path.read_text(encoding="utf-8"))
    }
    unknown = sorted((path, param) for path, param in found if param not in EVERY_PARAM)
    assert not unknown, f"add these parameters to QUERY_PARAMS: {unknown}"
