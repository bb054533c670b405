"""The firm's norm and the branches' refinements (Art. 35–37): who publishes, what a version
may say, how a branch's rule resolves on a day, that a branch tightens and never loosens,
the head office's approval, and that nothing decided before a version is judged again."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.norm.carry_over import first_version
from accounts.norm.catalog import DEFAULTS, RULES
from accounts.norm.models import (
    NormVersion,
    Refinement,
    RefinementAuditEntry,
    RefinementState,
)
from accounts.norm.resolve import rule_set
from accounts.norm.services import norm_publish, refinement_decide, refinement_propose
from accounts.roles import Role
from kernel.calendar import beijing_today
from kernel.errors import Forbidden, InvalidInput, InvalidState, NotFound
from revisits.models import Reason, RevisitTask
from tests.accounts.factories import StaffFactory
from tests.builders import departed, important, page, refine


@pytest.fixture
def today():
    return beijing_today()


def propose(people, rule, value, **kwargs):
    return refinement_propose(
        actor=people.gm, branch=people.branch, rule=rule, value=value, why="本营业部细化", **kwargs
    )


# --- Publishing (Art. 36, 37) -------------------------------------------------------------


def test_the_first_version_holds_the_sources_defaults(people):
    version = NormVersion.objects.get()
    assert version.number == 1 and version.rules == DEFAULTS
    assert rule_set(people.branch.pk)["revisit.left_monthly"] == 30


def test_only_head_office_marketing_publishes(people, hq_marketing):
    compliance = StaffFactory(branch=None, roles=[Role.HQ_COMPLIANCE])
    for actor in (compliance, people.gm):
        with pytest.raises(Forbidden):
            norm_publish(actor=actor, values={"revisit.left_monthly": "20"}, why="x")
    version = norm_publish(actor=hq_marketing, values={"revisit.left_monthly": "20"}, why="更严")
    assert (version.number, version.published_by, version.why) == (2, hq_marketing, "更严")
    assert version.rules["revisit.left_monthly"] == "20"
    assert version.rules["revisit.left_first"] == "5"  # what was not given stays


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"revisit.left_monthly": "45"}, "Art. 31"),  # "每月至少与客户交流一次"
        ({"appointment.lead_trading_days": "0"}, "Art. 18"),
        ({"fee.closure": "5"}, "Art. 12"),
        ({"tier.core_assets": "100000"}, "cannot be above"),
        ({"revisit.left_first": "soon"}, "not a value"),
        ({"no.such.rule": "1"}, "No such rule"),
    ],
)
def test_a_version_outside_the_sources_articles_is_refused_and_nothing_saved(
    hq_marketing, values, says
):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        norm_publish(actor=hq_marketing, values=values, why="x")
    assert says in refused.value.message
    assert NormVersion.objects.count() == 1


def test_a_version_takes_effect_on_its_day_never_on_a_day_past(hq_marketing, people, today):
    with pytest.raises(InvalidInput, match=r"Art\. 36"):
        norm_publish(
            actor=hq_marketing,
            values={"revisit.left_monthly": "20"},
            why="x",
            effective_from=today - dt.timedelta(days=1),
        )
    later = today + dt.timedelta(days=7)
    norm_publish(
        actor=hq_marketing, values={"revisit.left_monthly": "20"}, why="x", effective_from=later
    )
    assert rule_set(people.branch.pk, today)["revisit.left_monthly"] == 30
    assert rule_set(people.branch.pk, later)["revisit.left_monthly"] == 20


# --- Refinements (Art. 35) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "looser", "says"),
    [
        ("revisit.left_monthly", "31", "at most 30"),
        ("revisit.commitment", "1", "at least 2"),
        ("tier.important_assets", "600000", "at most 500,000.00"),
        ("commission.ordinary.floor", "0.0002", "at least 0.00025"),
        ("counter.wait_alert_minutes", "30", "Art. 9, 10"),
    ],
)
def test_a_branch_that_loosens_the_norm_is_refused_with_the_article_named(
    people, rule, looser, says
):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        propose(people, rule, looser)
    message = refused.value.message
    assert says in message and f"Art. {RULES[rule].article}" in message and "Art. 35" in message
    assert not Refinement.objects.filter(branch=people.branch).exists()


def test_a_tightened_rule_applies_at_the_branch_and_nowhere_else(people, other_branch):
    refinement = propose(people, "revisit.left_monthly", "20")
    assert refinement.state == RefinementState.IN_FORCE
    here, there = rule_set(people.branch.pk), rule_set(other_branch.branch.pk)
    assert (here["revisit.left_monthly"], there["revisit.left_monthly"]) == (20, 30)
    entry = here.entries["revisit.left_monthly"]
    assert entry.from_branch and entry.refinement == refinement and entry.norm_value == 30
    assert RefinementAuditEntry.objects.filter(refinement=refinement, action="propose").exists()


def test_an_empty_value_returns_the_rule_to_the_norm(people, today):
    refine(people.branch, "revisit.left_monthly", 20)
    propose(people, "revisit.left_monthly", "")
    assert not rule_set(people.branch.pk).entries["revisit.left_monthly"].from_branch


def test_a_later_stricter_version_overtakes_a_branchs_refinement(people, hq_marketing):
    refine(people.branch, "revisit.left_monthly", 25)
    norm_publish(actor=hq_marketing, values={"revisit.left_monthly": "15"}, why="总部收紧")
    entry = rule_set(people.branch.pk).entries["revisit.left_monthly"]
    assert entry.value == 15 and entry.overtaken and not entry.from_branch


def test_the_head_office_approves_the_groups_it_names(people, hq_marketing, today):
    norm_publish(actor=hq_marketing, values={}, why="阈值细化须总部审批", approval_groups=["tiers"])
    pending = propose(people, "tier.important_assets", "300000")
    assert pending.state == RefinementState.PENDING
    assert rule_set(people.branch.pk)["tier.important_assets"] == Decimal("500000")
    with pytest.raises(Forbidden):
        refinement_decide(refinement=pending, actor=people.gm, approve=True)
    with pytest.raises(InvalidInput):
        refinement_decide(refinement=pending, actor=hq_marketing, approve=False)  # no reason

    refinement_decide(refinement=pending, actor=hq_marketing, approve=True, note="同意")

    assert rule_set(people.branch.pk)["tier.important_assets"] == Decimal("300000")
    assert propose(people, "revisit.left_monthly", "20").state == RefinementState.IN_FORCE
    pending.refresh_from_db()
    assert (pending.decided_by, pending.effective_from) == (hq_marketing, today)
    with pytest.raises(InvalidState):
        refinement_decide(refinement=pending, actor=hq_marketing, approve=True)


def test_only_the_branchs_supervisors_refine(people, other_branch):
    for actor in (people.clerk, people.lead, people.am):
        with pytest.raises(Forbidden):
            refinement_propose(
                actor=actor, branch=people.branch, rule="revisit.left_monthly", value="20", why="x"
            )
    with pytest.raises(NotFound):  # another branch's rules do not exist for them
        refinement_propose(
            actor=people.gm,
            branch=other_branch.branch,
            rule="revisit.left_monthly",
            value="20",
            why="x",
        )
    assert not Refinement.objects.exists()


# --- Nothing already done is judged again ------------------------------------------------


def test_a_planned_revisit_keeps_its_day_when_the_norm_changes(people, hq_marketing):
    customer = important(people)
    departed(people, customer, on=beijing_today())
    from kernel.calendar import TradingCalendar
    from revisits.services import revisits_plan

    revisits_plan(branch=people.branch, business_date=beijing_today(), calendar=TradingCalendar())
    task = RevisitTask.objects.get(customer=customer, reason=Reason.LEFT_FIRST)
    due = task.due_on
    norm_publish(actor=hq_marketing, values={"revisit.left_first": "0"}, why="当日回访")
    revisits_plan(branch=people.branch, business_date=beijing_today(), calendar=TradingCalendar())
    task.refresh_from_db()
    assert task.due_on == due
    assert RevisitTask.objects.filter(customer=customer, reason=Reason.LEFT_FIRST).count() == 1


# --- The first version, from the branches' old settings ------------------------------------


def test_the_first_version_is_the_loosest_each_branch_held_so_none_changes():
    held = {
        1: {"revisit.commitment": 1, "fee.sz_transfer": Decimal("30")},
        2: {"revisit.commitment": 3, "fee.sz_transfer": Decimal("50")},
    }
    version = first_version(held)
    # Branch 1 contacted one trading day ahead, branch 2 charged 50: the norm holds both,
    # and every branch's own value is at least as strict.
    assert version["revisit.commitment"] == 1 and version["fee.sz_transfer"] == Decimal("50")
    assert version["revisit.left_monthly"] == 30
    for values in held.values():
        for key, value in values.items():
            assert RULES[key].tighter_or_equal(value, version[key])


# --- Pages --------------------------------------------------------------------------------


def test_the_rules_page_says_where_each_rule_comes_from(people, client):
    refine(people.branch, "revisit.left_monthly", 20)
    client.force_login(people.md)
    body = page(client.get(reverse("branch_rules"), HTTP_ACCEPT_LANGUAGE="en"))
    assert 'data-rule="revisit.left_monthly"' in body
    row = body.split('data-rule="revisit.left_monthly"')[1].split("</tr>")[0]
    assert 'data-source="branch"' in row and "the norm says 30" in row
    other = body.split('data-rule="revisit.left_first"')[1].split("</tr>")[0]
    assert 'data-source="norm"' in other and "Norm version 1" in other


def test_a_director_loosening_on_the_page_is_refused_and_nothing_saved(people, client):
    client.force_login(people.md)
    response = client.post(
        reverse("branch_rules"),
        {
            "rule": "revisit.left_monthly",
            "value": "45",
            "effective_from": beijing_today().isoformat(),
            "why": "客户太多",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "Art. 31" in page(response) and "never loosen" in page(response)
    assert not Refinement.objects.exists()


def test_the_head_office_publishes_on_its_page_and_sees_every_refinement(
    people, hq_marketing, client
):
    refine(people.branch, "revisit.commitment", 3)
    client.force_login(hq_marketing)
    shown = client.get(reverse("norm"))
    assert shown.status_code == 200 and people.branch.code in page(shown)
    values = {key: RULES[key].text(RULES[key].parse(v)) for key, v in DEFAULTS.items()}
    values.update(
        {
            "revisit.left_monthly": "20",
            "effective_from": beijing_today().isoformat(),
            "why": "每20天联系一次",
        }
    )
    response = client.post(reverse("norm"), values)
    assert response.status_code == 302
    assert NormVersion.objects.get(number=2).rules["revisit.left_monthly"] == "20"
    assert client.get(reverse("norm_branch_rules", args=[people.branch.pk])).status_code == 200
    assert client.get(reverse("norm_branch_rules", args=[999999])).status_code == 404


def test_compliance_reads_the_norm_and_publishes_nothing(db, client):
    client.force_login(StaffFactory(branch=None, roles=[Role.HQ_COMPLIANCE]))
    assert client.get(reverse("norm")).status_code == 200
    assert client.post(reverse("norm"), {"why": "x"}).status_code == 403
    assert NormVersion.objects.count() == 1


def test_the_rules_page_lists_each_reasons_playbook_with_its_source(people, client):
    from retention.selectors import playbook_current
    from retention.services import StepText, playbook_publish
    from transfers.models import ChurnReason

    reason = ChurnReason.objects.get(code="equipment")
    firm = playbook_current(reason=reason, branch=None)
    playbook_publish(
        reason=reason,
        branch=people.branch,
        steps=[*[StepText(s.text_zh, s.text_en) for s in firm.steps.all()], StepText("加一步")],
        actor=people.md,
    )
    client.force_login(people.md)
    body = page(client.get(reverse("branch_rules"), HTTP_ACCEPT_LANGUAGE="en"))
    section = body.split('id="playbooks"')[1].split("</table>")[0]
    row = section.split(reason.name_en)[1].split("</tr>")[0]
    assert 'data-source="branch"' in row and "The branch's version 1" in row
    other = section.split(ChurnReason.objects.get(code="commission").name_en)[1].split("</tr>")[0]
    assert 'data-source="norm"' in other and "Firm version 1" in other
