"""The admin desk's bulk sign-off, recall and substitutes go through the same services and
predicates as the pages and the API (Art. 9, 10, 17): allowed and refused by role, another
branch's rows never shown, and a refusal changes nothing."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.builders import audit_rows, state_of, to_awaiting_approval, to_state
from transfers import services
from transfers.models import Approval, Substitution, TransferRequest, TransferState

S = TransferState

SIGN_OFFS = "admin:transfers_pendingsignoff_changelist"
REQUESTS = "admin:transfers_transferrequest_changelist"
SUBSTITUTIONS = "admin:transfers_substitution_changelist"
SUBSTITUTION_ADD = "admin:transfers_substitution_add"
WHY = "客户补充了新的情况"
YESTERDAY = dt.date(2026, 11, 24)  # the trading day before the frozen Wednesday
FIRST = dt.date(2026, 11, 25)  # the suite's frozen Wednesday
LAST = dt.date(2026, 11, 30)


@pytest.fixture
def en_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def act(client, url_name, action, *pks, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(pk) for pk in pks], "index": "0"}
    return client.post(reverse(url_name), {**data, **extra}, follow=True)


def shown(response, level: str | None = None) -> list[str]:
    return [str(m) for m in response.context["messages"] if level in (None, m.level_tag)]


def list_actions(client, url_name) -> list[str]:
    form = client.get(reverse(url_name)).context["action_form"]
    return [] if form is None else [name for name, _ in form.fields["action"].choices]


def listed(client, url_name) -> list[int]:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return [obj.pk for obj in response.context["cl"].result_list]


# --- Bulk sign-off (补签), all or none ---------------------------------------------------------


def phone_approvals(people, count: int) -> list[Approval]:
    """`count` requests each awaiting approval, with the counter lead's phone approval."""
    return [
        services.transfer_record_phone_approval(
            request=to_awaiting_approval(people, people.customer("ordinary")),
            actor=people.clerk,
            approver=people.lead,
        )
        for _ in range(count)
    ]


def signed(approvals: list[Approval]) -> list[bool]:
    return [Approval.with_withdrawn.get(pk=a.pk).signed_off_at is not None for a in approvals]


def test_admin_sign_off_signs_every_ticked_approval_and_says_how_many(people, en_client):
    approvals = phone_approvals(people, 2)
    en_client.force_login(people.lead)

    response = act(en_client, SIGN_OFFS, "sign_off", *(a.pk for a in approvals))

    assert signed(approvals) == [True, True]
    assert shown(response, "success") == ["Signed off 2 phone approvals."]
    assert listed(en_client, SIGN_OFFS) == []


def test_admin_sign_off_signs_none_when_one_was_signed_meanwhile(people, en_client):
    first, second = phone_approvals(people, 2)
    en_client.force_login(people.lead)
    services.approval_sign_off(approval=second, actor=people.lead)  # from another window

    response = act(en_client, SIGN_OFFS, "sign_off", first.pk, second.pk)

    assert signed([first, second]) == [False, True]
    errors = shown(response, "error")
    assert len(errors) == 1 and "Nothing was signed off" in errors[0]
    assert f"#{second.request_id}" in errors[0]
    assert shown(response, "success") == []


def test_admin_sign_off_signs_none_when_one_was_recalled_meanwhile(people, en_client):
    first, second = phone_approvals(people, 2)
    en_client.force_login(people.lead)
    # The list was loaded; then the lead recalls the second approval on its request's page.
    services.approval_recall(request=second.request, actor=people.lead, reason=WHY)

    response = act(en_client, SIGN_OFFS, "sign_off", first.pk, second.pk)

    assert signed([first, second]) == [False, False]
    errors = shown(response, "error")
    assert len(errors) == 1 and "Nothing was signed off" in errors[0]


def test_admin_sign_off_of_another_branchs_approval_signs_nothing_and_names_none(
    people, other_branch, en_client
):
    (mine,) = phone_approvals(people, 1)
    (theirs,) = phone_approvals(other_branch, 1)
    en_client.force_login(people.lead)
    assert listed(en_client, SIGN_OFFS) == [mine.pk]

    response = act(en_client, SIGN_OFFS, "sign_off", mine.pk, theirs.pk)

    assert signed([mine, theirs]) == [False, False]
    errors = shown(response, "error")
    assert len(errors) == 1 and f"#{theirs.request_id}" not in errors[0]


def test_the_counter_clerk_cannot_sign_off_in_the_admin(people, en_client):
    (phone,) = phone_approvals(people, 1)
    en_client.force_login(people.clerk)

    response = en_client.post(
        reverse(SIGN_OFFS), {"action": "sign_off", ACTION_CHECKBOX_NAME: [str(phone.pk)]}
    )

    assert response.status_code == 403
    assert signed([phone]) == [False]


# --- Recall from the request's admin page ------------------------------------------------------


def change_page(client, req: TransferRequest, model: str = "transferrequest"):
    return client.get(reverse(f"admin:transfers_{model}_change", args=[req.pk]))


def recall(client, req: TransferRequest, reason: str | None = WHY):
    """The change page's button; `reason` None stops at the form that asks why."""
    extra = {} if reason is None else {"apply": "1", "reason": reason}
    return act(client, REQUESTS, "recall", req.pk, **extra)


def director_approved_core_request(people) -> TransferRequest:
    """A core customer's request with the lead, account manager and director signed; the
    general manager's step is open."""
    customer = people.customer("core")
    people.book_appointment(customer, booked_on=YESTERDAY)  # Art. 18
    req = to_awaiting_approval(people, customer)
    for approver in (people.lead, people.am, people.md):
        services.transfer_approve(request=req, actor=approver)
    return req


def standing(req: TransferRequest) -> set[str]:
    fresh = TransferRequest.objects.get(pk=req.pk)
    return set(
        Approval.objects.filter(request=fresh, round=fresh.approval_round).values_list(
            "step", flat=True
        )
    )


def unchanged(req: TransferRequest) -> tuple:
    return state_of(req), standing(req), len(audit_rows(req))


def test_the_approver_who_approved_is_offered_the_recall_on_the_request_page(people, en_client):
    req = to_state(people, S.APPROVED)
    en_client.force_login(people.am)
    assert b'value="recall"' in change_page(en_client, req).content
    assert "recall" in list_actions(en_client, REQUESTS)

    for nobody in (people.clerk, people.md):  # no approval of theirs stands on it
        en_client.force_login(nobody)
        page = change_page(en_client, req)
        assert page.status_code == 200 and b'value="recall"' not in page.content


def test_the_recall_asks_why_and_shows_what_falls_with_it_before_anything_changes(
    people, en_client
):
    req = director_approved_core_request(people)
    before = unchanged(req)
    en_client.force_login(people.lead)
    assert b'id="recall-falls"' in change_page(en_client, req).content

    page = recall(en_client, req, reason=None)

    assert page.status_code == 200 and "form" in page.context
    falling = dict(page.context["falling"])[TransferRequest.objects.get(pk=req.pk)]
    # Art. 9: the account manager's step does not wait for the lead's, the director's does.
    assert [a.step for a in falling] == ["counter_lead", "marketing_director"]
    assert str(people.md) in page.content.decode()
    assert unchanged(req) == before


def test_the_recall_with_a_reason_withdraws_the_approval_and_those_on_top(people, en_client):
    req = director_approved_core_request(people)
    en_client.force_login(people.lead)

    response = recall(en_client, req)

    assert standing(req) == {"account_manager"}
    assert state_of(req) == S.AWAITING_APPROVAL
    (done,) = shown(response, "success")
    assert "recalled" in done and str(people.md) in done
    assert WHY in audit_rows(req)[-2].comment


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_recall_without_a_reason_is_asked_again_and_changes_nothing(people, en_client, reason):
    req = to_state(people, S.APPROVED)
    before = unchanged(req)
    en_client.force_login(people.am)

    page = recall(en_client, req, reason=reason)

    assert page.status_code == 200 and page.context["form"].errors["reason"]
    assert unchanged(req) == before


def test_a_recall_after_processing_starts_is_refused_in_the_admin_and_changes_nothing(
    people, en_client
):
    req = to_state(people, S.PROCESSING)
    before = unchanged(req)
    en_client.force_login(people.lead)
    assert b'value="recall"' not in change_page(en_client, req).content

    response = recall(en_client, req)  # a page left open before processing started

    assert unchanged(req) == before
    (error,) = shown(response, "error")
    assert "processing" in error
    assert shown(response, "success") == []


def test_a_recall_by_someone_with_nothing_to_recall_is_refused(people, en_client):
    req = to_awaiting_approval(people, people.customer("ordinary"))
    services.transfer_approve(request=req, actor=people.lead)
    before = unchanged(req)
    en_client.force_login(people.am)

    response = recall(en_client, req)

    assert unchanged(req) == before
    (error,) = shown(response, "error")
    assert "recall" in error


def test_the_counter_clerk_has_no_recall_action(people, en_client):
    req = to_state(people, S.APPROVED)
    before = unchanged(req)
    en_client.force_login(people.clerk)
    assert "recall" not in list_actions(en_client, REQUESTS)

    response = recall(en_client, req)

    assert unchanged(req) == before
    assert shown(response, "success") == []


def test_another_branchs_request_is_not_found_and_cannot_be_recalled(
    people, other_branch, en_client
):
    theirs = to_state(other_branch, S.APPROVED)
    before = unchanged(theirs)
    en_client.force_login(people.am)

    assert change_page(en_client, theirs).status_code == 404
    recall(en_client, theirs)
    assert unchanged(theirs) == before


# --- Substitutes for a period (Art. 17) --------------------------------------------------------


def name(people, *, absent=None, substitute=None, steps=("marketing_director",), by=None):
    absent = absent or people.md
    return services.substitution_create(
        actor=by or absent,
        absent=absent,
        substitute=substitute or people.gm,
        steps=steps,
        starts_on=FIRST,
        ends_on=LAST,
        reason="客户拜访",
    )


def add_form(people, **changes):
    data = {
        "absent": people.md.pk,
        "substitute": people.gm.pk,
        "steps": ["marketing_director"],
        "starts_on": FIRST.isoformat(),
        "ends_on": LAST.isoformat(),
        "reason": "出差",
    }
    return {**data, **changes}


def is_cancelled(substitution: Substitution) -> bool:
    return Substitution.objects.get(pk=substitution.pk).cancelled_at is not None


def test_the_director_names_their_own_substitute_in_the_admin(people, en_client):
    en_client.force_login(people.md)
    assert en_client.get(reverse(SUBSTITUTION_ADD)).status_code == 200

    response = en_client.post(reverse(SUBSTITUTION_ADD), add_form(people), follow=True)

    made = Substitution.objects.get()
    assert (made.absent, made.substitute, made.named_by) == (people.md, people.gm, people.md)
    assert made.steps == ["marketing_director"] and made.branch == people.branch
    assert len(shown(response, "success")) == 1
    assert listed(en_client, SUBSTITUTIONS) == [made.pk]


def test_the_general_manager_names_one_for_another_approver(people, en_client):
    en_client.force_login(people.gm)

    en_client.post(
        reverse(SUBSTITUTION_ADD),
        add_form(people, absent=people.lead.pk, substitute=people.md.pk, steps=["counter_lead"]),
    )

    made = Substitution.objects.get()
    assert (made.absent, made.substitute, made.named_by) == (people.lead, people.md, people.gm)


def test_an_approver_cannot_name_one_for_a_colleague(people, en_client):
    en_client.force_login(people.lead)

    response = en_client.post(reverse(SUBSTITUTION_ADD), add_form(people))  # the director's

    assert response.status_code == 200 and response.context["form"].errors["absent"]
    assert not Substitution.objects.exists()


def test_the_counter_clerk_has_no_substitutes_in_the_admin(people, en_client):
    name(people)
    en_client.force_login(people.clerk)

    assert en_client.get(reverse(SUBSTITUTIONS)).status_code == 403
    assert en_client.post(reverse(SUBSTITUTION_ADD), add_form(people)).status_code == 403
    assert Substitution.objects.count() == 1


def test_an_overlapping_substitution_is_refused_on_the_admin_form(people, en_client):
    first = name(people)
    en_client.force_login(people.md)

    response = en_client.post(
        reverse(SUBSTITUTION_ADD), add_form(people, starts_on=LAST.isoformat())
    )

    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert len(errors) == 1 and "already has a substitute" in errors[0]
    assert list(Substitution.objects.all()) == [first]
    # What was entered stays on the form.
    assert response.context["form"]["reason"].value() == "出差"


def test_a_junior_substitute_is_refused_on_the_admin_form(people, en_client):
    en_client.force_login(people.md)

    response = en_client.post(
        reverse(SUBSTITUTION_ADD), add_form(people, substitute=people.lead.pk)
    )

    assert response.status_code == 200
    assert "senior" in " ".join(response.context["form"].non_field_errors())
    assert not Substitution.objects.exists()


def test_another_branchs_substitutions_are_not_listed_and_not_found(
    people, other_branch, en_client
):
    mine = name(people)
    theirs = name(other_branch)
    en_client.force_login(people.gm)

    assert listed(en_client, SUBSTITUTIONS) == [mine.pk]
    url = reverse("admin:transfers_substitution_change", args=[theirs.pk])
    assert en_client.get(url).status_code == 404

    act(en_client, SUBSTITUTIONS, "cancel", theirs.pk)
    assert not is_cancelled(theirs)


def test_a_substitution_is_never_edited_or_deleted_in_the_admin(people, en_client):
    made = name(people)
    en_client.force_login(people.gm)
    change = reverse("admin:transfers_substitution_change", args=[made.pk])
    assert en_client.get(change).status_code == 200  # read-only

    en_client.post(change, {"ends_on": FIRST.isoformat()})
    response = en_client.post(
        reverse("admin:transfers_substitution_delete", args=[made.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Substitution.objects.get(pk=made.pk).ends_on == LAST
    assert "delete_selected" not in list_actions(en_client, SUBSTITUTIONS)


@pytest.mark.parametrize("who", ["md", "gm"])
def test_the_absent_approver_or_the_general_manager_cancels_in_the_admin(people, en_client, who):
    made = name(people)
    en_client.force_login(getattr(people, who))
    assert "cancel" in list_actions(en_client, SUBSTITUTIONS)

    response = act(en_client, SUBSTITUTIONS, "cancel", made.pk)

    assert is_cancelled(made)
    assert len(shown(response, "success")) == 1


def test_a_colleague_who_neither_named_nor_is_absent_cannot_cancel(people, en_client):
    made = name(people)
    en_client.force_login(people.am)
    assert listed(en_client, SUBSTITUTIONS) == [made.pk]
    assert "cancel" not in list_actions(en_client, SUBSTITUTIONS)

    act(en_client, SUBSTITUTIONS, "cancel", made.pk)

    assert not is_cancelled(made)


def test_cancelling_twice_in_the_admin_shows_the_services_message(people, en_client):
    made = name(people)
    other = name(people, absent=people.lead, substitute=people.gm, steps=["counter_lead"])
    services.substitution_cancel(substitution=made, actor=people.md)
    en_client.force_login(people.gm)

    response = act(en_client, SUBSTITUTIONS, "cancel", made.pk, other.pk)

    (error,) = shown(response, "error")
    assert "already cancelled" in error
    assert is_cancelled(other)
