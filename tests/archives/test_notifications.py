"""Whoever the archives tell is sent to the page where the work is: every link is the URL of
a named archives page (archives/urls.py), for that very object."""

import datetime as dt

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse

from archives import services
from archives.models import IntegrityCheck, Medium
from archives.services import filing
from kernel.errors import ApplicationError
from notifications.models import Notification
from tests.builders import AFTER_CLOSE, TODAY, ask_access, filed_record, granted, to_state
from transfers.models import TransferState

pytestmark = pytest.mark.django_db


def links_of(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("link", flat=True))


def test_an_access_request_and_its_decisions_link_to_the_queue_and_to_the_record(arch):
    record = filed_record(arch)
    asked = ask_access(arch, record, arch.lead)
    assert links_of(arch.archivist) == [reverse("archives:grants")]

    services.access_request_grant(access_request=asked, actor=arch.archivist, days=2)
    refused = ask_access(arch, filed_record(arch), arch.md)
    services.access_request_refuse(access_request=refused, actor=arch.archivist, note="无授权")

    assert links_of(arch.lead) == [reverse("archives:record_detail", args=[record.pk])]
    assert links_of(arch.md) == [reverse("archives:record_detail", args=[refused.record_id])]


def test_a_destruction_links_its_people_to_its_page(arch):
    record = filed_record(arch, relationship_ended_on=dt.date(2005, 6, 30))
    first = services.destruction_request_create(
        actor=arch.archivist, records=[record], reason="保管期满"
    )
    services.destruction_request_reject(destruction_request=first, actor=arch.head, note="暂缓")
    second = services.destruction_request_create(
        actor=arch.archivist, records=[record], reason="保管期满"
    )
    services.destruction_request_approve(destruction_request=second, actor=arch.head)

    page = {d.pk: reverse("archives:destruction_detail", args=[d.pk]) for d in (first, second)}
    assert sorted(links_of(arch.head)) == sorted(page.values())
    assert sorted(links_of(arch.archivist)) == sorted(page.values())  # rejected, approved
    assert links_of(arch.archivist2) == [page[second.pk]]


def test_an_inventory_that_misses_a_record_links_to_its_result(arch):
    filed_record(arch, medium=Medium.PAPER, files=0)
    inventory = services.inventory_start(actor=arch.archivist)
    services.inventory_finish(inventory=inventory, actor=arch.archivist)
    assert links_of(arch.gm) == [reverse("archives:inventory_detail", args=[inventory.pk])]


def test_a_missing_file_links_to_the_integrity_result_and_to_the_record(arch):
    record = filed_record(arch)
    default_storage.delete(record.documents.get().file.name)
    services.archive_integrity_check(branch=arch.branch, business_date=TODAY)
    check = IntegrityCheck.objects.get()
    assert links_of(arch.gm) == [reverse("archives:integrity_detail", args=[check.pk])]

    Notification.objects.all().delete()
    granted(arch, record, arch.lead)
    with pytest.raises(ApplicationError, match="missing"):
        services.document_open(document=record.documents.get(), actor=arch.lead)
    assert links_of(arch.gm) == [reverse("archives:record_detail", args=[record.pk])]


def test_a_failed_nightly_filing_links_to_the_days_filing_report(arch, frozen_now, monkeypatch):
    to_state(arch.people, TransferState.REFUSED)
    frozen_now.move_to(AFTER_CLOSE)

    def broken(entry, **kwargs):
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(filing, "_file_ending", broken)
    assert services.archive_file_day(branch=arch.branch, business_date=TODAY)["failed"] == 1
    assert links_of(arch.archivist) == [reverse("archives:filing_day", args=[TODAY.isoformat()])]
