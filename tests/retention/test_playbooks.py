"""Playbooks (Art. 20–29): the checklist for the customer's reason, versioned."""

import pytest
from django.urls import reverse
from django.utils import translation

from kernel.errors import ApplicationError
from retention.admin import _steps_text
from retention.models import Playbook, RetentionAttempt
from retention.selectors import playbook_current
from retention.services import StepText, attempt_record, playbook_publish
from tests.builders import in_retention, reason, tick
from tests.builders import page as text
from transfers import services
from transfers.models import ChurnReason, TransferState

# The first step of each seeded playbook, as the clerk reads it in English.
FIRST_STEPS = {
    "moved_away": "Show online trading in person",
    "equipment": "Listen to the faults or slowness",
    "environment": "Listen to what the customer finds lacking",
    "staff_attitude": "Apologise in person",
    "research": "Take the customer's suggestions",
    "products": "Find out which product",
    "competition": "Present the firm's standing",
    "commission": "Explain that a higher rate comes with a higher level of service",
    "staff_left": "Talk with the departed employee or broker",
    "other": "Find out the customer's real thinking",
}


def test_every_reason_of_the_taxonomy_has_a_seeded_playbook(db):
    codes = set(ChurnReason.objects.values_list("code", flat=True))
    assert codes == set(FIRST_STEPS)
    for code in codes:
        playbook = playbook_current(reason=reason(code), branch=None)
        assert playbook is not None and playbook.version == 1
        assert playbook.steps.count() >= 3


@pytest.mark.parametrize("code", sorted(FIRST_STEPS))
def test_the_counter_page_shows_the_playbook_of_the_recorded_reason(people, en_client, code):
    req = in_retention(people, reason_code=code)
    en_client.force_login(people.clerk)
    page = text(en_client.get(reverse("retention_request", args=[req.pk])))
    assert FIRST_STEPS[code] in page
    others = [text for c, text in FIRST_STEPS.items() if c != code]
    assert not any(text in page for text in others)
    assert 'id="playbook-form"' in page


def test_the_panel_include_renders_for_a_request_page(people, rf):
    """The lead's request page includes it with `request_obj`."""
    from html import unescape

    from django.template.loader import render_to_string

    req = in_retention(people, reason_code="commission", others=["competition"])
    http = rf.get(f"/requests/{req.pk}/")
    http.user = people.clerk
    html = unescape(
        render_to_string("retention/_playbook_panel.html", {"request_obj": req}, request=http)
    )
    assert FIRST_STEPS["commission"] in html
    assert FIRST_STEPS["competition"] in html  # the other reason's checklist, folded
    assert "Agree a commission rate" in html


def test_an_attempt_records_the_version_it_followed_and_keeps_it_after_a_revision(people):
    req = in_retention(people)
    attempt = tick(people, req, "show_online", "give_numbers", answer="会考虑网上交易")
    first = attempt.playbook
    assert first.version == 1

    revised = playbook_publish(
        reason=reason("moved_away"),
        branch=people.branch,
        steps=[
            StepText("当面演示手机App交易", "Show the mobile app"),
            *[StepText(s.text_zh, s.text_en) for s in first.steps.all()],
        ],
        actor=people.md,
        note="加入手机App",
    )
    assert revised.version == 1  # the branch's first own version
    assert playbook_current(reason=reason("moved_away"), branch=people.branch) == revised

    attempt.refresh_from_db()
    assert attempt.playbook_id == first.pk
    assert [s.key for s in attempt.steps_done.order_by("position")] == [
        "show_online",
        "give_numbers",
    ]
    assert first.steps.count() == 5  # the old version is untouched
    # Unchanged wording keeps the step's key; the new step gets a new one.
    keys = list(revised.steps.values_list("key", flat=True))
    assert keys[1:] == list(first.steps.values_list("key", flat=True))
    assert keys[0] not in keys[1:]

    second = tick(people, req, "show_online")
    assert second.playbook == revised


def test_a_second_branch_revision_is_version_two_and_other_branches_keep_the_firms(
    people, other_branch
):
    firm = playbook_current(reason=reason("equipment"), branch=None)
    steps = [*[StepText(s.text_zh, s.text_en) for s in firm.steps.all()], StepText("第一步")]
    playbook_publish(reason=reason("equipment"), branch=people.branch, steps=steps, actor=people.md)
    v2 = playbook_publish(
        reason=reason("equipment"), branch=people.branch, steps=steps, actor=people.gm
    )
    assert v2.version == 2
    theirs = playbook_current(reason=reason("equipment"), branch=other_branch.branch)
    assert theirs.branch_id is None and theirs.version == 1


def test_only_the_branch_managers_publish_and_only_head_office_the_firm_version(people):
    steps = [StepText("第一步")]
    with pytest.raises(ApplicationError, match="marketing director or general manager"):
        playbook_publish(
            reason=reason("research"), branch=people.branch, steps=steps, actor=people.clerk
        )
    with pytest.raises(ApplicationError, match="head office"):
        playbook_publish(reason=reason("research"), branch=None, steps=steps, actor=people.md)
    with pytest.raises(ApplicationError, match="at least one step"):
        playbook_publish(reason=reason("research"), branch=people.branch, steps=[], actor=people.md)


def test_an_attempt_refuses_steps_of_another_playbook(people):
    req = in_retention(people, reason_code="moved_away")
    commission = playbook_current(reason=reason("commission"), branch=None)
    moved = playbook_current(reason=reason("moved_away"), branch=None)
    with pytest.raises(ApplicationError, match="not for this customer's reasons"):
        attempt_record(
            request=req, actor=people.clerk, playbook=commission, steps_done=[], customer_answer="x"
        )
    with pytest.raises(ApplicationError, match="not in this playbook"):
        attempt_record(
            request=req,
            actor=people.clerk,
            playbook=moved,
            steps_done=[commission.steps.first().pk],
        )
    with pytest.raises(ApplicationError, match="Tick what was done"):
        attempt_record(request=req, actor=people.clerk, playbook=moved, steps_done=[])


def test_going_on_never_waits_for_an_attempt(people):
    req = in_retention(people)
    assert not RetentionAttempt.objects.filter(request=req).exists()
    req = services.transfer_go_on(request=req, actor=people.clerk)
    assert req.state == TransferState.AWAITING_APPROVAL
    # ...and the talk may still be recorded while the request goes on.
    tick(people, req, "show_phone", answer="still leaving")
    assert RetentionAttempt.objects.filter(request=req).count() == 1


def test_nothing_is_recorded_on_a_request_that_has_ended(people):
    req = in_retention(people)
    services.transfer_customer_stays(request=req, actor=people.clerk)
    req.refresh_from_db()
    with pytest.raises(ApplicationError, match="has ended"):
        tick(people, req, "show_online")


def test_the_auditor_reads_but_records_no_attempt(people):
    req = in_retention(people)
    with pytest.raises(ApplicationError, match="role does not allow"):
        tick(people, req, "show_online", actor=people.auditor)


def test_posting_the_panel_records_the_ticks_and_returns_to_the_page(people, en_client):
    req = in_retention(people)
    playbook = playbook_current(reason=reason("moved_away"), branch=people.branch)
    step = playbook.steps.get(key="show_bank_transfer")
    en_client.force_login(people.clerk)
    back = f"/requests/{req.pk}/"
    response = en_client.post(
        reverse("retention_attempt_record", args=[req.pk]),
        {"playbook": playbook.pk, "steps": [step.pk], "customer_answer": "试试看", "next": back},
    )
    assert response.status_code == 302 and response["Location"] == back
    attempt = RetentionAttempt.objects.get(request=req)
    assert list(attempt.steps_done.all()) == [step]
    assert attempt.customer_answer == "试试看" and attempt.recorded_by == people.clerk
    page = text(en_client.get(reverse("retention_request", args=[req.pk])))
    assert "1 attempt recorded" in page and "done before" in page


def test_revising_in_the_admin_publishes_a_new_version(people, en_client):
    first = playbook_current(reason=reason("products"), branch=None)
    en_client.force_login(people.md)
    add = reverse("admin:retention_playbook_add")
    form = en_client.get(add + f"?from={first.pk}")
    assert form.status_code == 200
    assert "Find out which product" in text(form)
    response = en_client.post(
        add,
        {
            "reason": first.reason_id,
            "branch": people.branch.pk,
            "note": "加一步",
            "steps_text": _steps_text(first) + "\n新的一步 | A new step",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mine = Playbook.objects.get(reason=first.reason, branch=people.branch)
    assert mine.version == 1 and mine.published_by == people.md
    assert [s.text_en for s in mine.steps.all()] == [
        *[s.text_en for s in first.steps.all()],
        "A new step",
    ]
    assert first.steps.count() == 4
    # A published version cannot be changed in place.
    change = en_client.post(reverse("admin:retention_playbook_change", args=[mine.pk]), {})
    assert change.status_code == 403


def test_a_branch_leaving_out_a_step_of_the_firms_playbook_is_refused(people):
    firm = playbook_current(reason=reason("equipment"), branch=None)
    kept = [StepText(s.text_zh, s.text_en) for s in firm.steps.all()][1:]
    with translation.override("en"), pytest.raises(ApplicationError) as refused:
        playbook_publish(
            reason=reason("equipment"), branch=people.branch, steps=kept, actor=people.md
        )
    assert "Art. 21" in refused.value.message and "Art. 35" in refused.value.message
    assert not Playbook.objects.filter(branch=people.branch).exists()


def test_a_firm_step_added_later_overtakes_the_branchs_version_until_it_publishes_again(
    people, hq_marketing
):
    firm = playbook_current(reason=reason("equipment"), branch=None)
    steps = [StepText(s.text_zh, s.text_en, s.key) for s in firm.steps.all()]
    mine = playbook_publish(
        reason=reason("equipment"),
        branch=people.branch,
        steps=[*steps, StepText("本营业部加一步")],
        actor=people.md,
    )
    assert playbook_current(reason=reason("equipment"), branch=people.branch) == mine
    newer = playbook_publish(
        reason=reason("equipment"),
        branch=None,
        steps=[*steps, StepText("总部新增一步")],
        actor=hq_marketing,
    )
    assert playbook_current(reason=reason("equipment"), branch=people.branch) == newer
