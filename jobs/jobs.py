"""The installation's own jobs and the core system's: the scheduler's heartbeat, the
calendar's horizon, the check of the directory's people, the nightly files and the sweep of
the customer master's kept files."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.directory import directory_enabled, directory_staff, open_work_of, staff_deactivate
from accounts.models import Staff
from accounts.roles import CALENDAR_WATCHERS, Role
from accounts.selectors import staff_with_roles
from core_system.models import CoreFileKind
from core_system.nightly import core_files_overdue, core_files_take
from core_system.staging import staging_sweep
from kernel.calendar import calendar_outlook

from .registry import JobContext, JobSkipped, PerChoice, job, notify_once


def _branch(ctx: JobContext) -> Any:
    assert ctx.branch is not None
    return ctx.branch


@job(
    "branch_ops.heartbeat",
    title=gettext_lazy("Scheduler heartbeat"),
    figures={"alive": gettext_lazy("Answered")},
    description=gettext_lazy("Check that the scheduler and its workers are alive (does no work)."),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def heartbeat(ctx: JobContext) -> dict[str, int]:
    return {"alive": 1}


@job(
    "branch_ops.calendar_watch",
    title=gettext_lazy("Trading calendar's horizon"),
    figures={
        "days_left": gettext_lazy("Days until the confirmed calendar ends"),
        "told": gettext_lazy("People told"),
    },
    description=gettext_lazy("Warn when the confirmed trading calendar is about to end"),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def calendar_watch(ctx: JobContext) -> dict[str, int]:
    """From CALENDAR_WARNING_DAYS before the confirmed calendar ends, every general manager and
    calendar keeper is told each day, until next year's holidays are entered."""

    outlook = calendar_outlook(today=ctx.business_date)
    if not outlook.warns:
        return {"days_left": outlook.days_left, "told": 0}
    watchers = Staff.objects.filter(is_active=True, groups__name__in=CALENDAR_WATCHERS).distinct()
    told = notify_once(
        kind="calendar_ending",
        ref=str(outlook.next_year),
        recipients=watchers,
        business_date=ctx.business_date,
        subject=_("The trading calendar ends on {last}: enter {year}'s holidays").format(
            last=outlook.last_confirmed_day.isoformat(), year=outlook.next_year
        ),
        body=_(
            "After {last} no deadline can be computed and the counter refuses new requests. "
            "The calendar keeper enters the exchanges' announcement on the calendar page."
        ).format(last=outlook.last_confirmed_day.isoformat()),
        link=reverse("calendar_overview"),
        email=True,
    )
    return {"days_left": outlook.days_left, "told": told}


@job(
    "accounts.directory_sync",
    title=gettext_lazy("Staff against the directory"),
    figures={
        "checked": gettext_lazy("Directory staff checked"),
        "deactivated": gettext_lazy("Removed or disabled, deactivated"),
        "told": gettext_lazy("Marketing directors told"),
    },
    description=gettext_lazy(
        "Deactivate the staff the firm's directory no longer holds, or holds disabled, and "
        "tell their branch's marketing director what open work they leave"
    ),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def directory_sync(ctx: JobContext) -> dict[str, int]:
    """A person the directory removed or disabled can no longer sign in, but a session or an
    API token outlives that: here their account is closed too, and whoever now answers for
    their open work (the branch's marketing director) is told what it is. A directory that
    does not answer fails the run and changes nothing: nobody is judged gone on its silence."""
    if not directory_enabled():
        raise JobSkipped(_("No directory is configured (LDAP_SERVER_URI is not set)."))
    from accounts.ldap_backend import DirectoryBackend, DirectoryStatus

    backend = DirectoryBackend()
    people = list(directory_staff())
    counts = {"checked": 0, "deactivated": 0, "told": 0}
    for done, staff in enumerate(people):
        ctx.progress(done, len(people))
        counts["checked"] += 1
        if backend.directory_status(staff) == DirectoryStatus.PRESENT:
            continue
        work = open_work_of(staff)  # before deactivating: an inactive person's queue is empty
        staff_deactivate(staff)
        counts["deactivated"] += 1
        # A head-office person has no branch, so no branch director to tell.
        directors = staff_with_roles(staff.branch_id, Role.MARKETING_DIRECTOR)
        if work:
            body = (
                _("They leave open work to hand over:")
                + "\n"
                + "\n".join(f"- {label}: {n}" for _key, label, n in work)
            )
        else:
            body = _("They leave no open work.")
        counts["told"] += notify_once(
            kind="directory_left",
            ref=f"staff:{staff.pk}",
            recipients=directors,
            business_date=ctx.business_date,
            subject=_("{person} left the firm's directory and can no longer sign in").format(
                person=staff
            ),
            body=body,
            email=True,
        )
    return counts


@job(
    "core_system.staging_sweep",
    title=gettext_lazy("Customer master's kept files"),
    figures={"swept": gettext_lazy("Files past their time, deleted")},
    description=gettext_lazy(
        "Delete the customer-master exports kept for an apply that did not come within a day"
    ),
    trading_days_only=False,
    per_branch=False,
    needs_calendar=False,
)
def customer_master_staging_sweep(ctx: JobContext) -> dict[str, int]:
    """A previewed export holds identity numbers and phones in clear: kept encrypted, and no
    longer than the import needs (PIPL Art. 19)."""
    return staging_sweep()


# The core system's nightly files: the work is core_system's (core_system/nightly.py), the
# schedule's here, above it.


@job(
    "core_system.nightly_files",
    title=gettext_lazy("Core system's nightly files"),
    figures={
        "loaded": PerChoice(gettext_lazy("Files loaded"), CoreFileKind),
        "refused": PerChoice(gettext_lazy("Files refused"), CoreFileKind),
        "rows": gettext_lazy("Lines loaded"),
        "duplicates": gettext_lazy("Copies of a file already loaded, set aside"),
        "moved_late": gettext_lazy("Files taken earlier, moved now"),
    },
    description=gettext_lazy(
        "Load the customer master, account states and daily figures the core system drops "
        "after the close, each file once; refuse a file that is incomplete, bad or not the "
        "branch's"
    ),
)
def nightly_files(ctx: JobContext) -> dict[str, int]:
    return core_files_take(
        branch=_branch(ctx),
        business_date=ctx.business_date,
        run_id=ctx.run_id,
        progress=ctx.progress,
    )


@job(
    "core_system.nightly_files_late",
    title=gettext_lazy("Core system's files not in by their time"),
    figures={
        "missing": PerChoice(gettext_lazy("Files not loaded"), CoreFileKind),
        "told": gettext_lazy("General managers told"),
    },
    description=gettext_lazy(
        "Tell the general manager which of the night's files has not loaded by its due time "
        "(CORE_FILES_DUE_AT)"
    ),
)
def nightly_files_late(ctx: JobContext) -> dict[str, int]:
    branch = _branch(ctx)
    counts: dict[str, int] = {"told": 0}
    managers = Staff.objects.filter(
        branch=branch, is_active=True, groups__name=Role.GENERAL_MANAGER
    ).distinct()
    for overdue in core_files_overdue(branch=branch, business_date=ctx.business_date):
        counts[f"missing.{overdue.kind}"] = 1
        kind = CoreFileKind(overdue.kind).label
        due = overdue.due_at.strftime("%H:%M")
        if overdue.refused_reason:
            subject = _("The core system's {kind} file for {date} was refused").format(
                kind=kind, date=ctx.business_date.isoformat()
            )
            body = _(
                "{name} was not loaded: {reason} A corrected file dropped as {name} loads at "
                "the job's next run."
            ).format(name=overdue.expected_name, reason=overdue.refused_reason)
        else:
            subject = _("The core system's {kind} file for {date} has not arrived").format(
                kind=kind, date=ctx.business_date.isoformat()
            )
            body = _(
                "{name} was due in the drop folder by {due} and has not loaded. Until it does, "
                "the branch works on the previous day's data. Ask the core system's operators "
                "to send it; it loads at the job's next run."
            ).format(name=overdue.expected_name, due=due)
        counts["told"] += notify_once(
            kind="core_file_missing",
            ref=overdue.kind,
            recipients=managers,
            business_date=ctx.business_date,
            subject=subject,
            body=body,
            link=reverse("job_list"),
            email=True,
        )
    return counts
