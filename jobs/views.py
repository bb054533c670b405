"""The jobs page: the general manager (and the auditor) see every run of the scheduled jobs
for their branch — and the whole-installation ones — filtered by job and date; the general
manager can run any job now for a date and watch its outcome."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import Staff
from jobs.models import JobOutcome, JobRun
from jobs.registry import job_enqueue, job_spec_or_none, job_specs
from kernel.calendar import beijing_today
from kernel.errors import ApplicationError
from kernel.params import DayField
from kernel.web import refusal

from .permissions import may_read_runs, may_run_jobs


class DateInput(forms.DateInput):
    input_type = "date"


def _job_choices() -> list[tuple[str, str]]:
    return [(spec.name, f"{spec.shown_title} ({spec.name})") for spec in job_specs()]


class RunFilterForm(forms.Form):
    name = forms.ChoiceField(label=_("Job"), required=False)
    business_date = DayField(label=_("Business date"), required=False, widget=DateInput)
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", "—"), *JobOutcome.choices]
    )

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = [("", "—"), *_job_choices()]  # type: ignore[attr-defined]


class RunNowForm(forms.Form):
    name = forms.ChoiceField(label=_("Job"))
    business_date = DayField(label=_("For the business date"), widget=DateInput)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("initial", {"business_date": beijing_today()})
        super().__init__(*args, **kwargs)
        self.fields["name"].choices = _job_choices()  # type: ignore[attr-defined]


def _viewer(request: HttpRequest) -> Staff:
    user: Staff = request.user  # type: ignore[assignment]
    if not may_read_runs(user):
        raise PermissionDenied
    return user


def _runs(user: Staff):  # type: ignore[no-untyped-def]
    return JobRun.objects.filter(Q(branch_id=user.branch_id) | Q(branch__isnull=True))


def _render_list(
    request: HttpRequest, user: Staff, run_form: RunNowForm | None = None, status: int = 200
) -> HttpResponse:
    filters = RunFilterForm(request.GET or None)
    runs = _runs(user).select_related("branch", "triggered_by")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["name"]:
            runs = runs.filter(name=data["name"])
        if data["business_date"]:
            runs = runs.filter(business_date=data["business_date"])
        if data["outcome"]:
            runs = runs.filter(outcome=data["outcome"])
    page = Paginator(runs.order_by("-queued_at", "-pk"), 50).get_page(request.GET.get("page"))
    can_run = may_run_jobs(user)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/run_list.html",
        {
            "page": page,
            "filters": filters,
            "run_form": (run_form or RunNowForm()) if can_run else None,
            "specs": job_specs(),
            "query": query.urlencode(),
        },
        status=status,
    )


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request, _viewer(request))


@login_required
@require_POST
def job_run_now(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    if not may_run_jobs(user):
        raise PermissionDenied
    form = RunNowForm(request.POST)
    if form.is_valid():
        try:
            run = job_enqueue(
                name=form.cleaned_data["name"],
                business_date=form.cleaned_data["business_date"],
                actor=user,
            )
        except ApplicationError as error:
            refusal(request, error, form)
        else:
            # Without Redis the job has already run by now (on commit, in this process).
            return redirect("job_run_detail", pk=run.pk)
    return _render_list(request, user, run_form=form, status=400)


def _progress(run: JobRun) -> dict | None:  # type: ignore[type-arg]
    """A worker's progress, from the result backend while the run is going."""
    if run.is_finished or not run.task_id:
        return None
    from django.conf import settings

    if not getattr(settings, "CELERY_RESULT_BACKEND", None):
        return None
    from celery.result import AsyncResult

    try:
        result: AsyncResult = AsyncResult(run.task_id)  # type: ignore[type-arg]
        info = result.info if result.state == "PROGRESS" else None
    except Exception:
        return None
    if not isinstance(info, dict):
        return None
    done, total = info.get("done"), info.get("total")
    percent = round(100 * done / total) if done is not None and total else None
    return {"done": done, "total": total, "percent": percent}


@login_required
def job_run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    run = get_object_or_404(_runs(user).select_related("branch", "triggered_by"), pk=pk)
    return render(
        request,
        "jobs/run_detail.html",
        {"run": run, "spec": job_spec_or_none(run.name), "progress": _progress(run)},
    )
