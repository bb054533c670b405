"""The archives pages: each works for the roles it serves, a file is only ever delivered
watermarked and registered, and another branch's objects do not exist (404)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from archives import services
from archives.models import (
    AccessLogEntry,
    AccessRequest,
    AccessState,
    ArchiveRecord,
    DestructionRecord,
    DestructionState,
    Medium,
    RecordStatus,
)
from tests.builders import (
    AFTER_CLOSE,
    BEIJING,
    TODAY,
    ask_access,
    built_once,
    filed_record,
    granted,
    make_archives_branch,
    pdf_bytes,
    to_state,
    upload,
)
from transfers.models import TransferState

pytestmark = pytest.mark.django_db

LONG_AGO = "2005-06-30"


def login(client, user):
    client.force_login(user)
    return client


def _their_objects_of(other):
    """One of each object a URL names, all belonging to the other branch."""
    import datetime as dt

    record = filed_record(other, relationship_ended_on=dt.date(2005, 6, 30))
    draft = services.archive_record_create(
        actor=other.archivist,
        customer=other.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="草稿",
    )
    access = ask_access(other, record, other.lead)
    inventory = services.inventory_start(actor=other.archivist)
    destruction = services.destruction_request_create(
        actor=other.archivist, records=[record], reason="期满"
    )
    check = services.archive_integrity_check(branch=other.branch, business_date=TODAY)
    from archives.models import IntegrityCheck

    req = to_state(other.people, TransferState.REFUSED)
    return {
        "record": record,
        "draft": draft,
        "document": record.documents.first(),
        "access": access,
        "inventory": inventory,
        "destruction": destruction,
        "integrity": IntegrityCheck.objects.get(branch=other.branch),
        "request": req,
        "counts": check,
    }


OBJECT_URLS = [
    ("archives:record_detail", "record", "get"),
    ("archives:record_upload", "draft", "post"),
    ("archives:record_file", "draft", "post"),
    ("archives:record_shelve", "record", "post"),
    ("archives:record_discard", "draft", "post"),
    ("archives:access_request", "record", "get"),
    ("archives:access_request", "record", "post"),
    ("archives:document_file", "document", "get"),
    ("archives:document_remove", "document", "post"),
    ("archives:request_scans", "request", "get"),
    ("archives:request_scans", "request", "post"),
    ("archives:grant_access", "access", "post"),
    ("archives:refuse_access", "access", "post"),
    ("archives:revoke_access", "access", "post"),
    ("archives:integrity_detail", "integrity", "get"),
    ("archives:inventory_detail", "inventory", "get"),
    ("archives:inventory_finish", "inventory", "post"),
    ("archives:destruction_detail", "destruction", "get"),
    ("archives:destruction_approve", "destruction", "post"),
    ("archives:destruction_reject", "destruction", "post"),
    ("archives:destruction_execute", "destruction", "post"),
]


class TestAnotherBranchsObjects:
    """Our archivist meets the other branch's objects. One world for the class: our branch
    (arch), the other (other) and one of each of its objects, built once in a transaction
    rolled back after the class; each test runs in a savepoint of it, rolled back after it."""

    @pytest.fixture(scope="class")
    @classmethod
    def _world_once(cls, django_db_setup, django_db_blocker):
        def build():
            arch, other = make_archives_branch(), make_archives_branch("BJ02")
            return {"arch": arch, "other": other, "their_objects": _their_objects_of(other)}

        yield from built_once(django_db_blocker, build)

    @pytest.fixture
    def arch(self, _world_once, db):
        return _world_once["arch"]

    @pytest.fixture
    def other(self, _world_once, db):
        return _world_once["other"]

    @pytest.fixture
    def their_objects(self, _world_once, db):
        return _world_once["their_objects"]

    @pytest.mark.parametrize(("name", "key", "method"), OBJECT_URLS)
    def test_another_branchs_object_is_a_404_on_every_url(
        self, client, arch, their_objects, name, key, method
    ):
        # Our archivist (and our company head for the decisions) ask for their objects.
        user = arch.head if "approve" in name or "reject" in name else arch.archivist
        url = reverse(name, args=[their_objects[key].pk])
        response = getattr(login(client, user), method)(url, {"note": "x", "days": 3})
        assert response.status_code == 404
        assert AccessLogEntry.objects.count() == 0

    def test_another_branchs_records_are_not_listed_or_reported(self, client, arch, their_objects):
        theirs = their_objects["record"]
        card_url = reverse("archives:record_detail", args=[theirs.pk])
        login(client, arch.archivist)
        listing = client.get(reverse("archives:record_list"), {"q": theirs.number})
        assert list(listing.context["records"]) == []
        assert card_url not in listing.content.decode()
        for page in (
            client.get(reverse("archives:filing_day", args=[TODAY.isoformat()])),
            client.get(reverse("archives:grants")),
            client.get(reverse("archives:destruction_list")),
            client.get(reverse("archives:integrity_list")),
        ):
            assert card_url not in page.content.decode()
            assert theirs.number not in page.content.decode()


def test_every_page_opens_for_the_archivist(client, arch):
    filed_record(arch)
    login(client, arch.archivist)
    for name in [
        "archives:index",
        "archives:record_list",
        "archives:record_new",
        "archives:my_access",
        "archives:grants",
        "archives:integrity_list",
        "archives:inventory_list",
        "archives:destruction_list",
    ]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("archives:filing_index")).status_code == 302


def test_staff_without_a_grant_see_the_index_card_but_no_file_link(client, arch):
    record = filed_record(arch)
    page = login(client, arch.lead).get(reverse("archives:record_detail", args=[record.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert record.number in html
    assert "file-link" not in html
    assert reverse("archives:access_request", args=[record.pk]) in html


def test_download_without_a_grant_is_refused_with_403(client, arch):
    record = filed_record(arch)
    url = reverse("archives:document_file", args=[record.documents.first().pk])
    response = login(client, arch.lead).get(url)
    assert response.status_code == 403
    assert "no access grant" in response.content.decode()
    assert AccessLogEntry.objects.get().action == "refused"


def test_access_asked_on_the_page_granted_in_the_queue_then_downloaded_watermarked(
    client, arch, django_capture_on_commit_callbacks
):
    record = filed_record(arch)
    login(client, arch.lead)
    asked = client.post(
        reverse("archives:access_request", args=[record.pk]),
        {
            "purpose": "核对客户转托管资料",
            "consent_by": "张三",
            "consent_relation": "customer",
            "consent_method": "written",
            "consent_at": "2026-11-24T09:30",
            "consent_reference": "同意书 2026-118",
        },
    )
    assert asked.status_code == 302
    access = AccessRequest.objects.get()

    login(client, arch.archivist)
    queue = client.get(reverse("archives:grants"))
    assert "核对客户转托管资料" in queue.content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the copy job, as without Redis
        client.post(reverse("archives:grant_access", args=[access.pk]), {"days": 2, "note": ""})
    access.refresh_from_db()
    assert access.state == AccessState.GRANTED

    login(client, arch.lead)
    card = client.get(reverse("archives:record_detail", args=[record.pk])).content.decode()
    assert "file-link" in card
    url = reverse("archives:document_file", args=[record.documents.first().pk])
    response = client.get(url, {"download": "1"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    content = b"".join(response.streaming_content)  # the stored copy, streamed
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert str(arch.lead) in text and arch.lead.username in text
    entry = AccessLogEntry.objects.get(action="download")
    assert entry.user == arch.lead and entry.purpose == "核对客户转托管资料"


def test_the_access_form_shows_what_is_missing(client, arch):
    record = filed_record(arch)
    response = login(client, arch.lead).post(
        reverse("archives:access_request", args=[record.pk]), {"purpose": ""}
    )
    assert response.status_code == 400
    assert not AccessRequest.objects.exists()


def test_the_grants_queue_is_the_archivists(client, arch):
    assert login(client, arch.clerk).get(reverse("archives:grants")).status_code == 403


def test_a_clerk_cannot_grant_by_posting(client, arch):
    record = filed_record(arch)
    access = ask_access(arch, record, arch.lead)
    login(client, arch.clerk).post(reverse("archives:grant_access", args=[access.pk]), {"days": 3})
    access.refresh_from_db()
    assert access.state == AccessState.PENDING


def test_the_filing_report_shows_the_days_records(client, arch, frozen_now):
    to_state(arch.people, TransferState.REFUSED)
    frozen_now.move_to(AFTER_CLOSE)
    services.archive_file_day(branch=arch.branch, business_date=TODAY)
    record = ArchiveRecord.objects.get()

    page = login(client, arch.lead).get(reverse("archives:filing_day", args=[TODAY.isoformat()]))

    assert page.status_code == 200
    assert record.number in page.content.decode()
    assert page.context["report"].by_outcome == {"refused": 1}


def test_the_archivist_files_a_record_by_hand_through_the_pages(client, arch):
    customer = arch.customer("ordinary")
    login(client, arch.archivist)
    created = client.post(
        reverse("archives:record_new"),
        {
            "fund_account": customer.fund_account,
            "category": "individual",
            "medium": "electronic",
            "title": "个人客户档案",
        },
    )
    record = ArchiveRecord.objects.get()
    assert created.status_code == 302
    client.post(
        reverse("archives:record_upload", args=[record.pk]),
        {"kind": "identity_copy", "file": upload("id.pdf", pdf_bytes())},
    )
    client.post(reverse("archives:record_file", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RecordStatus.FILED
    assert record.number == "SH01-IND-2026-000001"


def test_an_executable_uploaded_on_the_page_is_refused_with_its_message(client, arch):
    req = to_state(arch.people, TransferState.AWAITING_APPROVAL)
    response = login(client, arch.clerk).post(
        reverse("archives:request_scans", args=[req.pk]),
        {"kind": "identity_copy", "file": upload("身份证.pdf", b"MZ\x90\x00" + b"\0" * 100)},
    )
    assert response.status_code == 400
    assert "is a program" in response.content.decode()
    assert not ArchiveRecord.objects.filter(documents__isnull=False).exists()


def test_a_counter_clerk_uploads_a_scan_for_a_request(client, arch):
    req = to_state(arch.people, TransferState.AWAITING_APPROVAL)
    response = login(client, arch.clerk).post(
        reverse("archives:request_scans", args=[req.pk]),
        {"kind": "identity_copy", "file": upload("id.png", pdf_bytes())},
    )
    assert response.status_code == 302
    draft = ArchiveRecord.objects.get(transfer_request=req)
    assert draft.status == RecordStatus.DRAFT
    assert draft.documents.get().content_type == "application/pdf"


def test_inventory_through_the_pages_lists_what_is_missing(client, arch):
    kept = filed_record(arch, medium=Medium.PAPER, files=0, cabinet="A", box="1")
    lost = filed_record(arch, medium=Medium.PAPER, files=0, cabinet="A", box="2")
    login(client, arch.archivist)
    started = client.post(reverse("archives:inventory_list"), {"note": ""})
    inventory_url = started["Location"]
    page = client.get(inventory_url)
    items = {item.record_id: item.pk for _where, group in page.context["groups"] for item in group}
    client.post(inventory_url, {"shown": list(items.values()), "found": [items[kept.pk]]})
    pk = page.context["inventory"].pk
    client.post(reverse("archives:inventory_finish", args=[pk]), {"note": ""})

    result = client.get(inventory_url).content.decode()
    assert "missing-record" in result
    assert lost.number in result.split('id="inventory-result"')[1].split("</div>")[0]


def test_destruction_through_the_pages_needs_the_company_head(client, arch):
    import datetime as dt

    record = filed_record(arch, relationship_ended_on=dt.date(2005, 6, 30))
    login(client, arch.archivist)
    client.post(
        reverse("archives:destruction_list"),
        {"records": [record.pk], "reason": "保管期满", "paper_method": "shredding"},
    )
    from archives.models import DestructionRequest

    destruction = DestructionRequest.objects.get()
    witnesses = {"witnesses": [arch.archivist2.pk, arch.lead.pk]}

    # The archivist cannot approve, and cannot destroy before the approval.
    client.post(reverse("archives:destruction_approve", args=[destruction.pk]))
    client.post(reverse("archives:destruction_execute", args=[destruction.pk]), witnesses)
    destruction.refresh_from_db()
    assert destruction.state == DestructionState.PENDING

    login(client, arch.head)
    client.post(reverse("archives:destruction_approve", args=[destruction.pk]), {"note": "同意"})
    login(client, arch.archivist)
    client.post(reverse("archives:destruction_execute", args=[destruction.pk]), witnesses)

    destruction.refresh_from_db()
    assert destruction.state == DestructionState.EXECUTED
    assert DestructionRecord.objects.get().approved_by == arch.head
    card = client.get(reverse("archives:record_detail", args=[record.pk]))
    assert card.status_code == 200
    assert card.context["record"].status == RecordStatus.DESTROYED


def test_the_company_head_sees_the_destruction_but_not_the_grants_queue(client, arch):
    login(client, arch.head)
    assert client.get(reverse("archives:destruction_list")).status_code == 200
    assert client.get(reverse("archives:grants")).status_code == 403


def test_a_granted_person_sees_the_live_grant_and_a_refused_one_sees_none(client, arch):
    record = filed_record(arch)
    granted(arch, record, arch.lead)
    html = (
        login(client, arch.lead)
        .get(reverse("archives:record_detail", args=[record.pk]))
        .content.decode()
    )
    assert 'id="grant-note"' in html
    html = (
        login(client, arch.md)
        .get(reverse("archives:record_detail", args=[record.pk]))
        .content.decode()
    )
    assert 'id="no-grant"' in html


def test_the_archives_speak_chinese_unless_the_person_chose_english(arch, settings):
    from django.test import Client

    settings.LANGUAGE_CODE = "zh-hans"  # the product's default; the test settings read English
    browser = Client()  # no language cookie: the branch's language
    browser.force_login(arch.archivist)
    page = browser.get(reverse("archives:index"))
    assert page.status_code == 200
    assert "客户档案" in page.content.decode()


def test_the_grants_queue_offers_no_archivist_a_grant_of_their_own_request(client, arch):
    access = ask_access(arch, filed_record(arch), arch.archivist)
    grant_url = reverse("archives:grant_access", args=[access.pk])
    refuse_url = reverse("archives:refuse_access", args=[access.pk])

    own = login(client, arch.archivist).get(reverse("archives:grants")).content.decode()
    assert grant_url not in own
    assert refuse_url in own
    theirs = login(client, arch.archivist2).get(reverse("archives:grants")).content.decode()
    assert grant_url in theirs and refuse_url in theirs
    audited = login(client, arch.auditor).get(reverse("archives:grants")).content.decode()
    assert grant_url not in audited and refuse_url not in audited


def test_the_destruction_page_offers_the_decision_to_the_company_head_only(client, arch):
    import datetime as dt

    record = filed_record(arch, relationship_ended_on=dt.date(2005, 6, 30))
    destruction = services.destruction_request_create(
        actor=arch.archivist, records=[record], reason="保管期满"
    )
    url = reverse("archives:destruction_detail", args=[destruction.pk])

    head = login(client, arch.head).get(url).content.decode()
    assert 'id="decide"' in head and 'id="execute"' not in head
    archivist = login(client, arch.archivist).get(url).content.decode()
    assert 'id="decide"' not in archivist and 'id="execute"' not in archivist
    assert "Waiting for the company head" in archivist

    services.destruction_request_approve(destruction_request=destruction, actor=arch.head)
    assert 'id="execute"' in login(client, arch.archivist).get(url).content.decode()
    assert 'id="execute"' not in login(client, arch.head).get(url).content.decode()


def test_a_scan_of_a_requests_papers_is_offered_for_removal_to_its_uploader(client, arch):
    req = to_state(arch.people, TransferState.AWAITING_APPROVAL)
    document = services.archive_scan_upload(
        request=req, actor=arch.clerk, kind="identity_copy", upload=upload("id.pdf", pdf_bytes())
    )
    card = reverse("archives:record_detail", args=[document.record_id])
    remove = reverse("archives:document_remove", args=[document.pk])

    for user, offered in ((arch.clerk, True), (arch.lead, False), (arch.archivist, True)):
        html = login(client, user).get(card).content.decode()
        assert (remove in html) is offered, user
        assert 'id="upload"' in html  # the counter adds scans to a request's papers
        assert 'id="file-record"' not in html  # filed by the nightly filing, by nobody's hand
        assert "filed by the nightly filing" in html


def test_the_archivist_sees_the_file_it_card_of_a_draft_filed_by_hand(client, arch):
    draft = services.archive_record_create(
        actor=arch.archivist,
        customer=arch.customer("ordinary"),
        category="individual",
        medium=Medium.ELECTRONIC,
        title="草稿",
    )
    card = reverse("archives:record_detail", args=[draft.pk])
    html = login(client, arch.archivist).get(card).content.decode()
    assert 'id="file-record"' in html and 'id="upload"' in html
    assert reverse("archives:record_discard", args=[draft.pk]) in html
    html = login(client, arch.auditor).get(card).content.decode()
    assert 'id="file-record"' not in html and 'id="upload"' not in html
    assert 'id="access-log"' in html  # the auditor reads the register (records Art. 6(2))
    assert 'id="access-log"' not in login(client, arch.clerk).get(card).content.decode()


def test_a_lapsed_grant_reads_expired_in_my_access_requests(client, arch, frozen_now):
    import datetime as dt

    granted(arch, filed_record(arch), arch.lead, days=1)
    url = reverse("archives:my_access")
    assert "Expired" not in login(client, arch.lead).get(url).content.decode()
    frozen_now.move_to(dt.datetime(2026, 11, 26, 10, 30, tzinfo=BEIJING))
    assert "Expired" in login(client, arch.lead).get(url).content.decode()
