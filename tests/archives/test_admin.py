"""The archives in the admin: read-only and branch-scoped."""

import pytest
from django.urls import reverse

from archives.models import AccessLogEntry, ArchiveRecord, RetentionRule
from tests.builders import filed_record, granted

pytestmark = pytest.mark.django_db


def test_a_filed_record_is_read_only_in_the_admin(client, arch):
    record = filed_record(arch)
    client.force_login(arch.archivist)
    url = reverse("admin:archives_archiverecord_change", args=[record.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"title": "改过的标题"})
    assert ArchiveRecord.objects.get(pk=record.pk).title == "个人客户档案"
    delete = reverse("admin:archives_archiverecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ArchiveRecord.objects.filter(pk=record.pk).exists()


def test_the_access_log_has_no_change_or_delete_path_in_the_admin(client, arch):
    from archives import services

    record = filed_record(arch)
    granted(arch, record, arch.lead)
    services.document_open(document=record.documents.get(), actor=arch.lead)
    entry = AccessLogEntry.objects.get()
    client.force_login(arch.auditor)
    assert client.get(reverse("admin:archives_accesslogentry_changelist")).status_code == 200
    delete = reverse("admin:archives_accesslogentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert AccessLogEntry.objects.filter(pk=entry.pk).exists()


def test_another_branchs_record_is_a_404_in_the_admin(client, arch, other):
    theirs = filed_record(other)
    client.force_login(arch.archivist)
    url = reverse("admin:archives_archiverecord_change", args=[theirs.pk])
    assert client.get(url).status_code == 404


def test_retention_rules_never_go_below_twenty_years(client, arch):
    rule = RetentionRule.objects.get(category="transaction")
    client.force_login(arch.head)
    url = reverse("admin:archives_retentionrule_change", args=[rule.pk])
    response = client.post(url, {"years": 15, "note": "缩短"})
    assert response.status_code == 200  # the form comes back with the error
    rule.refresh_from_db()
    assert rule.years == 20
    client.post(url, {"years": 30, "note": "延长"})
    rule.refresh_from_db()
    assert rule.years == 30
