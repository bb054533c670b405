"""The go-live guide (README, "Going live at a branch") walked from an empty database: the
branch set up, its account managers known from the directory, the first full export loaded,
a director of the directory sees the tiers, and the next night's delta dropped in the folder
is applied by the scheduled job."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from accounts.models import Branch, Customer, Staff, Tier
from core_system.models import CoreFile, CoreFileState, CustomerImport, ImportState
from jobs.models import JobOutcome, JobTrigger
from jobs.registry import job_run
from tests.builders import TODAY

from .slapd import PASSWORD

pytestmark = pytest.mark.django_db

CUSTOMERS = 400


def command(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_branch_goes_live_from_an_empty_database(
    directory, client, tmp_path, settings, django_capture_on_commit_callbacks
):
    assert not Branch.objects.exists()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # 1. The branch and its Art. 17 thresholds.
    command("branch_setup", "SZ001", "--name", "深圳福华路营业部")
    branch = Branch.objects.get(code="SZ001")

    # 2. Staff sign in through the directory; their staff numbers come with them.
    for username in ("li", "wang"):
        response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
        assert response.status_code == 302
        client.logout()
    li = Staff.objects.get(username="li")
    assert li.branch == branch and li.staff_number == "E-li"

    # 3. The first full export: previewed, then loaded.
    full = tmp_path / "full.csv"
    command("customer_master_export", str(full), "--branch", "SZ001", "--customers", str(CUSTOMERS))
    said = command("import_customers", str(full), "--branch", "SZ001", "--full", "--apply-now")
    assert Customer.objects.filter(branch=branch).count() == CUSTOMERS, said
    first = CustomerImport.objects.get()
    assert first.state == ImportState.APPLIED

    # 4. A director from the directory sees the tiers the figures give.
    client.post(reverse("login"), {"username": "wang", "password": PASSWORD})
    core = next(c for c in Customer.objects.filter(branch=branch) if c.tier == Tier.CORE)
    page = client.get(reverse("customer_detail", args=[core.pk])).content.decode()
    assert "Core" in page and "Tier history" in page

    # 5. The next night's delta, dropped in the folder, is taken by the scheduled job.
    drop = tmp_path / "drop"
    drop.mkdir()
    delta = drop / f"SZ001_{TODAY:%Y%m%d}_customers.csv"
    command(
        "customer_master_export",
        str(delta),
        "--branch",
        "SZ001",
        "--customers",
        str(CUSTOMERS),
        "--changed",
        "20",
    )
    before = dict(Customer.objects.filter(branch=branch).values_list("fund_account", "assets"))
    # The file moves once the run commits (a test's transaction never does by itself).
    with override_settings(CORE_DROP_DIR=drop), django_capture_on_commit_callbacks(execute=True):
        run = job_run(
            name="core_system.nightly_files",
            business_date=TODAY,
            trigger=JobTrigger.SCHEDULE,
            branch=branch,
        )
    assert run.outcome == JobOutcome.SUCCEEDED, run.message
    taken = CoreFile.objects.get(branch=branch, business_date=TODAY)
    assert taken.state == CoreFileState.LOADED
    assert (drop / "processed" / delta.name).exists() and not delta.exists()
    after = dict(Customer.objects.filter(branch=branch).values_list("fund_account", "assets"))
    changed = {account for account in after if after[account] != before[account]}
    assert 0 < len(changed) <= 20
    assert Customer.objects.filter(branch=branch).count() == CUSTOMERS
