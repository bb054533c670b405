"""The retention pages' parameters (kernel/params.py): a month or date the analysis and the
at-risk list cannot show is refused with a 400 that says why, for the page and each export
alike, and nothing is kept; a request number that is no number links nothing."""

import pytest
from django.urls import reverse

from retention.models import MonthlyReport
from tests.builders import new_request, page

pytestmark = pytest.mark.django_db

ANALYSIS = [
    "retention_analysis",
    "retention_analysis_csv",
    "retention_analysis_xlsx",
    "retention_analysis_pdf",
]


@pytest.mark.parametrize("name", ANALYSIS)
@pytest.mark.parametrize("month", ["0001-01", "9999-12", "2026-13", "a/b", "2026-11-25"])
def test_the_analysis_and_its_exports_refuse_a_month_they_cannot_show(
    en_client, people, name, month
):
    en_client.force_login(people.md)
    response = en_client.get(reverse(name), {"month": month})
    assert response.status_code == 400
    assert "is not a month between 1990-01 and 2200-12" in page(response)
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("month", ["1990-01", "2200-12"])
def test_the_analysis_shows_the_first_and_last_month_of_the_span(en_client, people, month):
    en_client.force_login(people.md)
    response = en_client.get(reverse("retention_analysis"), {"month": month})
    assert response.status_code == 200
    assert response.context["month"].isoformat() == f"{month}-01"


def test_preparing_a_report_for_a_month_out_of_the_span_keeps_nothing(en_client, people):
    en_client.force_login(people.md)
    response = en_client.post(reverse("retention_analysis_prepare"), {"month": "0001-01"})
    assert response.status_code == 400
    assert "is not a month" in page(response)
    assert not MonthlyReport.objects.exists()


@pytest.mark.parametrize(
    ("day", "reason"),
    [("a/b", "is not a date"), ("0000-00-00", "is not a date"), ("0001-01-01", "outside")],
)
def test_the_at_risk_list_refuses_a_date_it_cannot_show(en_client, people, day, reason):
    en_client.force_login(people.am)
    response = en_client.get(reverse("retention_at_risk"), {"date": day})
    assert response.status_code == 400
    assert reason in page(response)


@pytest.mark.parametrize("pk", ["²", "١", "99999999999999999999999", "-1"])
def test_a_request_number_that_is_no_number_links_no_request(en_client, people, pk):
    customer = people.customer("ordinary")
    new_request(people, customer)
    en_client.force_login(people.am)
    for name in ("retention_commitment_create", "retention_commission_agree"):
        response = en_client.get(reverse(name, args=[customer.pk]), {"request": pk})
        assert response.status_code == 200, name


@pytest.mark.parametrize("source", ["²", "99999999999999999999999", "abc"])
def test_the_playbook_admin_ignores_a_revision_source_that_is_no_number(en_client, people, source):
    en_client.force_login(people.md)
    response = en_client.get(reverse("admin:retention_playbook_add"), {"from": source})
    assert response.status_code == 200


@pytest.mark.parametrize("playbook", ["abc", "²", "99999999999999999999999", ""])
def test_an_attempt_for_a_playbook_that_is_no_number_finds_none_and_keeps_nothing(
    en_client, people, playbook
):
    from retention.models import RetentionAttempt

    req = new_request(people, people.customer("ordinary"))
    en_client.force_login(people.clerk)
    response = en_client.post(
        reverse("retention_attempt_record", args=[req.pk]), {"playbook": playbook}
    )
    assert response.status_code == 404
    assert not RetentionAttempt.objects.exists()
