"""The marketing director's week on a phone (360×800, Chromium's mobile emulation), as the
approvals workflow promises it (Art. 9, 10, 17): signs in with the code of an authenticator
app, names the general manager to take their step next week, approves a request (the second
factor makes it their own hand, so no written sign-off is due), recalls an approval given
too fast, and signs off in one sitting the three approvals the clerks recorded by phone in
their name. No page on the way scrolls sideways. Elements by id and URL, never by text;
the browser reads English so the audit's wording can be checked."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.utils import translation
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from accounts.services import roles_sync
from tests.browser_support import BROWSER_MARKS, Phone, code_of, phone_chromium
from tests.builders import audit_rows, make_branch, state_of, to_awaiting_approval
from transfers import services
from transfers.models import (
    Approval,
    ApprovalMode,
    ApprovalStep,
    AuditAction,
    Substitution,
    TransferState,
)

pytestmark = BROWSER_MARKS

MD = ApprovalStep.MARKETING_DIRECTOR
# The suite's clock stands on Wednesday 2026-11-25: next week is Monday 30th to Friday 4th.
NEXT_MONDAY, NEXT_FRIDAY = dt.date(2026, 11, 30), dt.date(2026, 12, 4)


@pytest.fixture
def phone():
    with phone_chromium() as driver:
        yield driver


def waiting_for_director(people):
    """An important customer's request signed by the counter lead and the account manager:
    the marketing director's step is open (Art. 10)."""
    req = to_awaiting_approval(people, people.customer("important"))
    services.transfer_approve(request=req, actor=people.lead)
    services.transfer_approve(request=req, actor=people.am)
    return req


def rows_of(req, action):
    return [e for e in audit_rows(req) if e.action == action]


def test_the_marketing_directors_week_on_a_phone(live_server, seeded_calendar, phone, settings):
    from selenium.webdriver.support.ui import Select

    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    settings.OTP_REQUIRED_ROLES = [Role.MARKETING_DIRECTOR.value]
    roles_sync()
    importlib.import_module("retention.migrations.0002_seed_reasons").seed(apps, None)
    people = make_branch()
    to_approve = waiting_for_director(people)
    # Given on Monday in a hurry, before the customer's last statement was checked.
    too_fast = waiting_for_director(people)
    services.transfer_approve(request=too_fast, actor=people.md)
    # While the director was out, the clerks took their yes by phone three times.
    by_phone = []
    for _ in range(3):
        req = waiting_for_director(people)
        by_phone.append(
            services.transfer_record_phone_approval(
                request=req, actor=people.clerk, approver=people.md, note="电话确认"
            )
        )
    device = TOTPDevice.objects.create(user=people.md, name="authenticator", confirmed=True)
    walk = Phone(phone, live_server.url)
    walk.open("/login/")
    phone.add_cookie({"name": django_settings.LANGUAGE_COOKIE_NAME, "value": "en"})

    # The password, then the code the app shows: a director's role must give one.
    walk.sign_in_with_password(people.md)
    assert "/account/second-factor/verify/" in phone.current_url
    walk.fits()
    walk.type("#id_token", code_of(device))
    walk.submit_by("#second-factor-verify")
    assert phone.current_url == live_server.url + "/"
    walk.fits()

    # Art. 17: out next week, the general manager (more senior) takes the director's step.
    walk.visit("/approvals/substitutes/")
    Select(walk.css("#id_absent")).select_by_value(str(people.md.pk))
    Select(walk.css("#id_substitute")).select_by_value(str(people.gm.pk))
    walk.css(f"#name-substitute input[name=steps][value={MD.value}]").click()
    walk.set_value("#id_starts_on", NEXT_MONDAY.isoformat())
    walk.set_value("#id_ends_on", NEXT_FRIDAY.isoformat())
    walk.type("#id_reason", "总部培训")
    walk.submit_by("#name-substitute button[type=submit]")
    walk.fits()
    named = Substitution.objects.get(absent=people.md)
    assert (named.substitute, named.steps, named.starts_on, named.ends_on) == (
        people.gm,
        [MD.value],
        NEXT_MONDAY,
        NEXT_FRIDAY,
    )
    assert named.cancelled_at is None
    walk.css(f"form[action='/approvals/substitutes/{named.pk}/cancel/']")

    # From the queue to the request, and the director's yes.
    walk.visit("/approvals/")
    walk.css(f"#queue a[href='/requests/{to_approve.pk}/']").click()
    walk.css("#request-state")
    walk.fits()
    walk.submit_by("#approve")
    walk.fits()
    approval = Approval.objects.get(request=to_approve, step=MD)
    assert approval.approver == people.md and approval.on_behalf_of is None
    # Art. 17: given in the app in a session verified by a second factor, it is in person,
    # and no written sign-off is due for it.
    assert approval.mode == ApprovalMode.IN_PERSON and approval.sign_off_due_on is None
    (given,) = rows_of(to_approve, AuditAction.of_approval(MD, by_phone=False))
    assert given.actor_id == people.md.pk and "with a second factor" in given.comment
    assert rows_of(to_approve, AuditAction.of_sign_off(MD)) == []

    # The hurried one is recalled, with the reason: the request waits for the director again.
    walk.visit(f"/requests/{too_fast.pk}/")
    walk.css("#panel-recall summary").click()
    walk.type("#panel-recall textarea[name=reason]", "客户的对账单还没核对")
    walk.submit_by("#recall")
    walk.fits()
    assert walk.state() == TransferState.AWAITING_APPROVAL
    assert state_of(too_fast) == TransferState.AWAITING_APPROVAL
    assert not Approval.objects.filter(request=too_fast, step=MD).exists()
    assert Approval.with_withdrawn.get(request=too_fast, step=MD).withdrawn_at is not None
    walk.css("#approve")  # the director's step is open to them again
    (recalled,) = rows_of(too_fast, AuditAction.APPROVAL_RECALLED)
    with translation.override("en"):
        step_label = str(MD.label)
    assert recalled.actor_id == people.md.pk
    assert recalled.to_state == TransferState.AWAITING_APPROVAL
    assert step_label in recalled.comment and "客户的对账单还没核对" in recalled.comment

    # Back at the branch: the three phone approvals signed off together, each on its request.
    walk.visit("/approvals/sign-offs/")
    for phoned in by_phone:
        walk.css(f"#tick-{phoned.pk}").click()
    walk.submit_by("#sign-off-ticked")
    walk.fits()
    for phoned in by_phone:
        phoned.refresh_from_db()
        assert phoned.signed_off_at is not None
        (signed,) = rows_of(phoned.request, AuditAction.of_sign_off(MD))
        assert signed.actor_id == people.md.pk
    assert len(phone.find_elements(walk.By.CSS_SELECTOR, "[id^=sign-off-row-]")) == 0
