"""The archive index cards over the API say what the caller may do with each record now
(archives/permissions.py, as the record page's `can`), and never hand out its files."""

import pytest
from django.urls import reverse

from archives import services
from tests.builders import filed_record, granted, session_client

pytestmark = pytest.mark.django_db


def test_one_record_offers_the_archivist_and_the_auditor_what_each_may_do(arch):
    record = filed_record(arch)
    granted(arch, record, arch.auditor)
    url = reverse("api-archive-record-detail", args=[record.pk])

    archivist = session_client(arch.archivist).get(url)
    auditor = session_client(arch.auditor).get(url)

    assert archivist.status_code == auditor.status_code == 200
    assert archivist.json()["available_actions"] == ["read_register", "request_access"]
    assert auditor.json()["available_actions"] == ["open_files", "read_register"]


def test_the_list_offers_a_draft_to_the_archivist_to_file(arch):
    draft = services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium="electronic",
        title="草稿",
    )
    listing = session_client(arch.archivist).get(reverse("api-archive-record-list"))
    assert listing.status_code == 200
    rows = {row["id"]: row for row in listing.json()["results"]}
    assert rows[draft.pk]["available_actions"] == ["add_scans", "discard", "file", "read_register"]
    auditor = session_client(arch.auditor).get(reverse("api-archive-record-list"))
    assert {row["id"]: row for row in auditor.json()["results"]}[draft.pk]["available_actions"] == [
        "read_register"
    ]


def _list_queries(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        listing = client.get(reverse("api-archive-record-list"))
    assert listing.status_code == 200
    return len(captured), listing.json()["results"]


def test_the_list_asks_for_the_callers_grants_once_not_once_a_record(arch):
    """Records Art. 6: each row says whether the caller may open its files; the list reads
    the caller's live grants once for the page."""
    first = filed_record(arch)
    granted(arch, first, arch.auditor)
    client = session_client(arch.auditor)
    _list_queries(client)  # the first page of a session moves its expiry (kernel/idle.py)
    few, rows = _list_queries(client)
    for _n in range(4):
        filed_record(arch)
    many, rows = _list_queries(client)
    assert many == few
    opens = {row["id"]: "open_files" in row["available_actions"] for row in rows}
    assert opens.pop(first.pk) is True and not any(opens.values())
