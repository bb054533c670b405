"""Going live, step one: `manage.py branch_setup` creates the branch with its code and name,
changes only what it is given when run again, and refuses a branch without a code, saving
nothing. The new branch works by the firm's norm from its first day (Art. 35–37)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Branch, Tier
from accounts.norm.resolve import rule_set

pytestmark = pytest.mark.django_db


def setup(*args: str) -> str:
    out = StringIO()
    call_command("branch_setup", *args, stdout=out)
    return out.getvalue()


def test_the_branch_is_created_and_follows_the_firms_norm():
    said = setup("sz009", "--name", "深圳测试营业部")
    branch = Branch.objects.get(code="SZ009")
    assert "created branch SZ009" in said and "norm v1" in said
    assert branch.name == "深圳测试营业部"
    rules = rule_set(branch.pk)
    assert rules.tier_for(assets=Decimal(500_000), volume=Decimal(0)) == Tier.IMPORTANT
    assert rules.tier_for(assets=Decimal(5_000_000), volume=Decimal(0)) == Tier.CORE


def test_running_it_again_changes_only_what_is_given():
    setup("SZ009", "--name", "深圳测试营业部")
    said = setup("SZ009")
    branch = Branch.objects.get(code="SZ009")
    assert "updated branch SZ009" in said
    assert branch.name == "深圳测试营业部"
    assert Branch.objects.filter(code="SZ009").count() == 1


def test_a_branch_without_a_code_is_refused_and_nothing_is_saved():
    with pytest.raises(CommandError):
        setup("", "--name", "无代码")
    assert not Branch.objects.filter(name="无代码").exists()


def test_the_old_threshold_options_are_gone():
    with pytest.raises(CommandError):
        setup("SZ009", "--important-assets", "300000")
    assert not Branch.objects.filter(code="SZ009").exists()
