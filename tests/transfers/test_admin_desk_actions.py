"""The admin desk's bulk sign-off, recall and substitutes go through the same services and
predicates as the pages and the API (Art. 9, 10, 17): allowed and refused by role, another
branch's rows never shown, and a refusal changes nothing."""

import datetime as dt

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.builders import to_awaiting_approval
from transfers import services
from transfers.models import Approval

SIGN_OFFS = "admin:transfers_pendingsignoff_changelist"
REQUESTS = "admin:transfers_transferrequest_changelist"
SUBSTITUTIONS = "admin:transfers_substitution_changelist"
SUBSTITUTION_ADD = "admin:transfers_substitution_add"
WHY = "客户补充了新的情况"
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
