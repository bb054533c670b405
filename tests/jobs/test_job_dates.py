"""The jobs page's dates (kernel.params.DayField): a run for a business date outside the span
the calendar and the pages know is a form error and records no run, rather than a run that
fails on date arithmetic; a filter for such a date is a form error on the list."""

import pytest
from django.urls import reverse
from django.utils import translation

from jobs.models import JobRun
from tests.builders import page

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1989-12-31"])
def test_a_run_for_a_date_out_of_the_span_is_refused_and_records_nothing(
    people, client, day, django_capture_on_commit_callbacks
):
    client.force_login(people.gm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("job_run_now"), {"name": "branch_ops.calendar_watch", "business_date": day}
        )
    assert response.status_code == 400
    assert "Enter a date between 1990-01-01 and 2200-12-31." in page(response)
    assert not JobRun.objects.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "9999-99-99"])
def test_a_filter_for_a_date_out_of_the_span_is_a_form_error(people, client, day):
    client.force_login(people.gm)
    response = client.get(reverse("job_list"), {"business_date": day})
    assert response.status_code == 200
    assert response.context["filters"].errors["business_date"]
