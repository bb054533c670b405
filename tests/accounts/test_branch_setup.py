"""Going live, step one: `manage.py branch_setup` creates the branch with its Art. 17 tier
thresholds, changes only what it is given when run again, and refuses thresholds that would
put core below important, saving nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Branch, Tier

pytestmark = pytest.mark.django_db


def setup(*args: str) -> str:
    out = StringIO()
    call_command("branch_setup", *args, stdout=out)
    return out.getvalue()


def test_the_branch_is_created_with_its_thresholds_and_tiers_follow_them():
    said = setup(
        "sz009",
        "--name",
        "深圳测试营业部",
        "--important-assets",
        "300,000",
        "--core-assets",
        "3000000",
    )
    branch = Branch.objects.get(code="SZ009")
    assert "created branch SZ009" in said
    assert branch.name == "深圳测试营业部"
    assert (branch.important_assets, branch.core_assets) == (Decimal(300_000), Decimal(3_000_000))
    assert branch.tier_for(assets=Decimal(300_000), volume=Decimal(0)) == Tier.IMPORTANT
    assert branch.tier_for(assets=Decimal(3_000_000), volume=Decimal(0)) == Tier.CORE


def test_running_it_again_changes_only_what_is_given():
    setup("SZ009", "--name", "深圳测试营业部", "--core-assets", "3000000")
    said = setup("SZ009", "--approval-wait-minutes", "15")
    branch = Branch.objects.get(code="SZ009")
    assert "updated branch SZ009" in said
    assert branch.name == "深圳测试营业部"
    assert branch.core_assets == Decimal(3_000_000)
    assert branch.approval_wait_alert_minutes == 15
    assert Branch.objects.filter(code="SZ009").count() == 1


@pytest.mark.parametrize(
    "args",
    [
        ("SZ009", "--important-assets", "9000000", "--core-assets", "1000000"),
        ("SZ009", "--approval-wait-minutes", "0"),
        ("", "--name", "无代码"),
        ("SZ009", "--core-assets", "abc"),
    ],
)
def test_a_setting_the_branch_cannot_have_is_refused_and_nothing_is_saved(args):
    with pytest.raises(CommandError):
        setup(*args)
    assert not Branch.objects.filter(code="SZ009").exists()
    assert not Branch.objects.filter(name="无代码").exists()
