"""The counter's pages, driven as a user would: every action is a POST to its own URL, and
the assertions are on what the user sees (status, state, message)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import URLPattern, reverse

import accounts.urls
import notifications.urls
import transfers.urls
from accounts.roles import Role
from core_system.models import CoreAccountState
from notifications.models import Notification
from tests.accounts.factories import TRADING_PASSWORD, StaffFactory
from tests.builders import (
    built_once,
    make_branch,
    reason,
    to_approved,
    to_awaiting_approval,
    to_completed,
    to_processing,
)
from transfers import services
from transfers.models import (
    Approval,
    DocumentCheck,
    DocumentKind,
    RetainedDocument,
    Substitution,
    TransferRequest,
    TransferState,
)

S = TransferState


@pytest.fixture
def client(client):
    # Assertions read the English messages; the interface itself defaults to Chinese.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def as_user(client, user):
    client.force_login(user)
    return client


def messages_text(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def post(client, name, req, data=None, follow=True):
    return client.post(reverse(name, kwargs={"pk": req.pk}), data or {}, follow=follow)


def all_roles_person(branch):
    person = StaffFactory(branch=branch)
    person.groups.set(Group.objects.filter(name__in=Role.values))
    person.__dict__.pop("role_names", None)
    return person


# --- Every URL: login required, and another branch's records are a 404 ----------------------

# What each URL name is tested with: the object whose pk goes in the URL and the method.
PK_CASES = {
    "request_detail": ("request", "get"),
    "request_documents": ("request", "post"),
    "request_refuse": ("request", "post"),
    "request_reason": ("request", "post"),
    "request_stays": ("request", "post"),
    "request_defer": ("request", "post"),
    "request_go_on": ("request", "post"),
    "request_resume": ("request", "post"),
    "request_approve": ("request", "post"),
    "request_phone_approval": ("request", "post"),
    "request_send_back": ("request", "post"),
    "request_recall": ("request", "post"),
    "request_recheck": ("request", "post"),
    "request_start": ("request", "post"),
    "request_password": ("request", "post"),
    "request_unlock": ("request", "post"),
    "request_complete": ("request", "post"),
    "request_close_account": ("request", "post"),
    "request_form_pdf": ("completed", "get"),
    "request_receipt_pdf": ("completed", "get"),
    "request_create": ("customer", "post"),
    "customer_detail": ("customer", "get"),
    "customer_phone_reveal": ("customer", "post"),
    "appointment_book": ("customer", "post"),
    "appointment_findings": ("appointment", "post"),
    "approval_sign_off": ("approval", "post"),
    "approval_dispute": ("approval", "post"),
    "notification_read": ("notification", "post"),
    "approval_substitute_cancel": ("substitution", "post"),
}
# Pages without a pk: they must not show another branch's records.
LIST_CASES = {
    "home": "",
    "customer_search": "?q={fund_account}",
    "request_list": "?state=open",
    "approvals_queue": "",
    "approval_sign_offs": "",
    "approval_substitutes": "",
    "revisit_closures": "",
    "branch_rules": "",
}
NOT_BRANCH_SCOPED = {
    "login",
    "logout",  # nobody is signed in yet / any more
    # The firm's norm, and each branch's rules for the head office: read across the branches
    # by design (tests/accounts/test_norm.py; the policy matrix holds every role's answer).
    "norm",
    "norm_branch_rules",
    "norm_refinement_decide",
    # A person's own second factor: no record of any branch (tests/accounts/test_second_factor.py).
    "second_factor",
    "second_factor_verify",
}


def url_names() -> set[str]:
    return {
        p.name
        for module in (accounts.urls, notifications.urls, transfers.urls)
        for p in module.urlpatterns
        if isinstance(p, URLPattern)
    }


def test_every_url_name_has_an_isolation_case():
    covered = set(PK_CASES) | set(LIST_CASES) | NOT_BRANCH_SCOPED
    assert url_names() == covered, "add the new URL to the isolation cases"


def _records_of(people) -> dict:
    """One of each record a URL can point at, all in `people`'s branch."""
    customer = people.customer("ordinary")
    req = to_awaiting_approval(people, customer)
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.lead
    )
    completed = to_completed(people, people.customer("ordinary"))
    appointment = people.book_appointment(people.customer("core"), booked_on=dt.date(2026, 11, 20))
    notification = Notification.objects.create(recipient=people.lead, subject="locked")
    return {
        "request": req,
        "completed": completed,
        "customer": customer,
        "approval": approval,
        "appointment": appointment,
        "notification": notification,
        "substitution": Substitution.objects.create(
            branch=people.branch,
            absent=people.md,
            substitute=people.gm,
            steps=["marketing_director"],
            starts_on=dt.date(2026, 11, 25),
            ends_on=dt.date(2026, 11, 27),
            named_by=people.md,
        ),
    }


def _build_records_world() -> dict:
    people = make_branch()
    return {"people": people, "other_branch": make_branch("BJ02"), "records": _records_of(people)}


@pytest.fixture(scope="class")
def _records_world_once(django_db_setup, django_db_blocker):
    # Built once for the ~80 isolation tests of TestIsolation, in a transaction rolled back
    # after the class (before the module's other tests, which build their own); each test runs
    # in a savepoint of it, rolled back after it, so every test sees the records as built.
    yield from built_once(django_db_blocker, _build_records_world)


@pytest.fixture
def records_world(_records_world_once, db) -> dict:
    """`people` (SH01), `other_branch` (BJ02) and `records`, `people`'s records."""
    return _records_world_once


class TestIsolation:
    """Another branch's records are a 404 on every URL, lists never show them, every URL
    needs a signed-in user. One world for the class (see records_world)."""

    @pytest.mark.parametrize("name", sorted(PK_CASES))
    def test_another_branchs_record_is_not_found_on_every_url(self, client, records_world, name):
        branch_records, other_branch = records_world["records"], records_world["other_branch"]
        kind, method = PK_CASES[name]
        obj = branch_records[kind]
        url = reverse(name, kwargs={"pk": obj.pk})
        as_user(client, all_roles_person(other_branch.branch))
        response = getattr(client, method)(url, {"reason": "x", "comment": "x", "note": "x"})
        assert response.status_code == 404
        req = branch_records["request"]
        req.refresh_from_db()
        assert req.state == S.AWAITING_APPROVAL
        assert Approval.objects.filter(request=req).count() == 1

    @pytest.mark.parametrize("name", sorted(PK_CASES))
    def test_the_same_url_is_found_for_the_own_branch(self, client, records_world, name):
        """The control for the test above: the 404 comes from the branch, not from the URL."""
        branch_records, people = records_world["records"], records_world["people"]
        kind, _method = PK_CASES[name]
        url = reverse(name, kwargs={"pk": branch_records[kind].pk})
        as_user(client, all_roles_person(people.branch) if kind != "notification" else people.lead)
        # A GET has no effect anywhere: pages render, actions redirect to the request page, and
        # POST-only URLs answer 405.
        assert client.get(url).status_code in (200, 302, 405)

    @pytest.mark.parametrize("name", sorted(LIST_CASES))
    def test_lists_never_show_another_branchs_customers(self, client, records_world, name):
        branch_records, other_branch = records_world["records"], records_world["other_branch"]
        customer = branch_records["customer"]
        url = reverse(name) + LIST_CASES[name].format(fund_account=customer.fund_account)
        as_user(client, all_roles_person(other_branch.branch))
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        for req in (branch_records["request"], branch_records["completed"]):
            assert reverse("request_detail", kwargs={"pk": req.pk}) not in page
        assert reverse("customer_detail", kwargs={"pk": customer.pk}) not in page
        assert customer.masked_id_number not in page

    @pytest.mark.parametrize("name", sorted(set(PK_CASES) | set(LIST_CASES)))
    def test_every_page_and_action_needs_a_signed_in_user(self, client, records_world, name):
        branch_records = records_world["records"]
        kwargs = {"pk": branch_records[PK_CASES[name][0]].pk} if name in PK_CASES else {}
        url = reverse(name, kwargs=kwargs)
        posts = name in PK_CASES and PK_CASES[name][1] == "post"
        response = client.post(url) if posts else client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_junk_in_place_of_a_number_is_not_found(client, people):
    as_user(client, people.clerk)
    assert client.get("/requests/abc/").status_code == 404
    assert client.post("/requests/1x/go-on/").status_code == 404
    assert client.get("/customers/%20or%201=1/").status_code == 404


# --- The whole ordinary-customer flow through the views ------------------------------------


def test_ordinary_customer_flow_through_the_pages_ends_completed_with_a_receipt(client, people):
    customer = people.customer("ordinary")
    as_user(client, people.clerk)

    response = client.post(
        reverse("request_create", kwargs={"pk": customer.pk}),
        {
            "wants_sz_transfer": "on",
            "sz_receiving_broker": "某某证券",
            "sz_receiving_seat": "123456",
        },
        follow=True,
    )
    assert response.status_code == 200
    req = TransferRequest.objects.get(customer=customer)
    assert f"Request #{req.pk} received." in messages_text(response)

    response = post(
        client,
        "request_documents",
        req,
        {"checked": [DocumentKind.IDENTITY, DocumentKind.SECURITIES_CARD, DocumentKind.FUND_CARD]},
    )
    assert "Documents verified." in messages_text(response)
    response = post(
        client,
        "request_reason",
        req,
        {
            "primary_reason": reason("commission").pk,
            "other_reasons": [reason("research").pk],
            "note": "嫌佣金高",
        },
    )
    assert "Reason recorded." in messages_text(response)
    assert "Retention playbook" in response.content.decode()
    response = post(client, "request_go_on", req)
    req.refresh_from_db()
    assert req.state == S.AWAITING_APPROVAL

    for approver in (people.lead, people.am):
        as_user(client, approver)
        response = post(client, "request_approve", req)
        assert "Your approval is recorded." in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.APPROVED

    as_user(client, people.clerk)
    post(client, "request_start", req)
    req.refresh_from_db()
    assert req.state == S.PROCESSING
    response = post(client, "request_password", req, {"password": TRADING_PASSWORD})
    assert "confirmed with their password" in messages_text(response)
    response = post(
        client,
        "request_complete",
        req,
        {"retained": [RetainedDocument.FORM_ORIGINAL, RetainedDocument.IDENTITY_COPY]},
    )
    req.refresh_from_db()
    assert req.state == S.COMPLETED
    assert req.receipt_number == "SH01-2026-000001"
    page = response.content.decode()
    assert "SH01-2026-000001" in page
    assert reverse("request_receipt_pdf", kwargs={"pk": req.pk}) in page
    actions = list(req.audit_entries.values_list("action", flat=True))
    assert actions[0] == "create" and actions[-1] == "complete"
    assert set(req.audit_entries.values_list("client_ip", flat=True)) == {"127.0.0.1"}


def test_the_request_page_shows_the_audit_trail_read_only(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.auditor)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    trail = page.split('id="panel-audit"')[1]
    assert "Documents verified" in trail and "Customer goes on" in trail
    assert "<form" not in trail and "<input" not in trail


# --- Who sees which action, and refusals shown as messages ---------------------------------


def test_the_auditor_reads_the_request_but_sees_no_action(client, people):
    req = to_approved(people, people.customer())
    as_user(client, people.auditor)
    response = client.get(reverse("request_detail", kwargs={"pk": req.pk}))
    page = response.content.decode()
    assert response.status_code == 200
    for button in ("start-processing", "go-on", "approve", "phone-approve", "verify-documents"):
        assert f'id="{button}"' not in page
    assert "Approval progress" in page


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "request_documents",
            {"checked": ["identity", "securities_card", "fund_card"]},
            "Your role does not allow this step.",
        ),
        ("request_reason", {"primary_reason": "1"}, "Only counter staff can do this."),
        ("request_stays", {}, "Your role does not allow this step."),
        ("request_refuse", {"reason": "no ID"}, "Your role does not allow this step."),
    ],
)
def test_a_counter_action_posted_by_the_auditor_shows_a_message_and_changes_nothing(
    client, people, name, data, message
):
    req = services.transfer_request_create(
        customer=people.customer(), actor=people.clerk, wants_sh_revocation=True
    )
    if name == "request_reason":
        services.transfer_documents_verify(
            request=req, actor=people.clerk, checked=["identity", "securities_card", "fund_card"]
        )
        data = {"primary_reason": reason().pk}
    req.refresh_from_db()
    before = req.state
    as_user(client, people.auditor)
    response = post(client, name, req, data)
    assert response.status_code in (200, 400)
    assert message in messages_text(response)
    req.refresh_from_db()
    assert req.state == before


def test_the_account_manager_cannot_send_the_customer_on_and_is_told_why(client, people):
    req = to_awaiting_approval(people, people.customer())
    services.transfer_send_back(request=req, actor=people.lead, comment="再确认原因")
    as_user(client, people.am)
    response = post(client, "request_go_on", req)
    assert response.status_code == 200
    assert "Your role does not allow this step." in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.RETENTION


def test_a_password_posted_by_a_non_counter_role_counts_no_try(client, people):
    req = to_processing(people, people.customer())
    as_user(client, people.auditor)
    response = post(client, "request_password", req, {"password": "000000"})
    assert "Only counter staff can do this." in messages_text(response)
    req.refresh_from_db()
    assert req.password_failures == 0


def test_a_non_counter_role_cannot_open_the_new_request_page(client, people):
    customer = people.customer()
    as_user(client, people.md)
    response = client.get(reverse("request_create", kwargs={"pk": customer.pk}), follow=True)
    assert "Only counter staff can start a request." in messages_text(response)
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_approve_is_offered_only_to_whoever_may_fill_an_open_step(client, people):
    req = to_awaiting_approval(people, people.customer("important"))
    url = reverse("request_detail", kwargs={"pk": req.pk})
    for person, offered in [
        (people.lead, True),
        (people.am, True),
        (people.md, False),  # after the counter lead and account manager
        (people.clerk, False),  # received it: nobody approves their own request
        (people.auditor, False),
    ]:
        page = as_user(client, person).get(url).content.decode()
        assert ('id="approve"' in page) is offered, person


def test_the_marketing_director_approving_too_early_is_told_the_order(client, people):
    req = to_awaiting_approval(people, people.customer("important"))
    as_user(client, people.md)
    response = post(client, "request_approve", req)
    assert "Not yet: the counter lead and the account manager approve first" in messages_text(
        response
    )
    assert not Approval.objects.filter(request=req).exists()


def test_an_approver_sends_back_with_a_comment(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.lead)
    response = post(client, "request_send_back", req, {"comment": ""})
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.state == S.AWAITING_APPROVAL
    response = post(client, "request_send_back", req, {"comment": "原因记录不全"})
    assert "Sent back to the counter." in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.RETENTION


# --- Bad input gives a message and leaves the data unchanged -------------------------------


def test_missing_documents_are_named_and_the_ticks_stay_ticked(client, people):
    req = services.transfer_request_create(
        customer=people.customer(), actor=people.clerk, wants_sh_revocation=True
    )
    as_user(client, people.clerk)
    response = post(client, "request_documents", req, {"checked": ["identity"]})
    assert response.status_code == 400
    assert "The request cannot go on without: Securities account card(s)、Fund account card." in (
        messages_text(response)
    )
    page = response.content.decode()
    assert 'value="identity" id="id_checked_0" checked' in page
    assert 'value="fund_card" id="id_checked_2" checked' not in page
    req.refresh_from_db()
    assert req.state == S.RECEIVED
    assert not DocumentCheck.objects.filter(request=req).exists()


def test_an_agent_must_bring_their_identity_and_power_of_attorney(client, people):
    req = services.transfer_request_create(
        customer=people.customer(),
        actor=people.clerk,
        wants_sh_revocation=True,
        by_agent=True,
        agent_name="李四",
        agent_id_number="110101198001011232",
    )
    as_user(client, people.clerk)
    response = post(
        client, "request_documents", req, {"checked": ["identity", "securities_card", "fund_card"]}
    )
    assert "Agent's identity document、Power of attorney" in messages_text(response)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert "110101198001011232" not in page
    assert "110101********1232" in page


@pytest.mark.parametrize(
    ("follow_up_on", "message"),
    [
        ("2026-11-20", "The follow-up date must be in the future."),
        ("2026-11-25", "The follow-up date must be in the future."),
        ("next week", "Not done: check the fields marked below."),
        ("", "Not done: check the fields marked below."),
    ],
)
def test_a_defer_date_not_in_the_future_is_refused(client, people, follow_up_on, message):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = post(client, "request_defer", req, {"follow_up_on": follow_up_on})
    assert response.status_code == 400
    assert message in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.AWAITING_APPROVAL
    assert req.follow_up_on is None


def test_defer_with_a_future_date_and_resume(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = post(client, "request_defer", req, {"follow_up_on": "2026-12-10"})
    assert "The customer defers" in messages_text(response)
    req.refresh_from_db()
    assert (req.state, req.follow_up_on) == (S.DEFERRED, dt.date(2026, 12, 10))
    assert "2026-12-10" in response.content.decode()
    post(client, "request_resume", req)
    req.refresh_from_db()
    assert req.state == S.AWAITING_APPROVAL


@pytest.mark.parametrize("junk", ["abc", "99999", ""])
def test_a_phone_approval_with_junk_for_the_approver_is_refused(client, people, junk):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = post(client, "request_phone_approval", req, {"approver": junk})
    assert response.status_code == 400
    assert "Not done: check the fields marked below." in messages_text(response)
    assert not Approval.objects.filter(request=req).exists()


def test_a_phone_approval_is_signed_off_from_the_approvers_home(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = post(
        client, "request_phone_approval", req, {"approver": people.am.pk, "note": "10:05 电话确认"}
    )
    assert "Phone approval recorded" in messages_text(response)
    approval = Approval.objects.get(request=req)
    assert approval.sign_off_due_on == dt.date(2026, 11, 26)
    page = response.content.decode()
    assert "written sign-off due 2026-11-26" in page

    as_user(client, people.am)
    home = client.get(reverse("home")).content.decode()
    assert 'id="dash-sign-offs"' in home
    response = client.post(
        reverse("approval_sign_off", kwargs={"pk": approval.pk}), {"next": "/"}, follow=True
    )
    assert "Written sign-off recorded" in messages_text(response)
    approval.refresh_from_db()
    assert approval.signed_off_at is not None


def test_someone_elses_phone_approval_cannot_be_signed_off(client, people):
    req = to_awaiting_approval(people, people.customer())
    approval = services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.am
    )
    as_user(client, people.lead)
    response = client.post(reverse("approval_sign_off", kwargs={"pk": approval.pk}), follow=True)
    assert "Only the approver signs off their own phone approval." in messages_text(response)
    approval.refresh_from_db()
    assert approval.signed_off_at is None


def test_overdue_sign_offs_are_listed_for_the_marketing_director(client, people, frozen_now):
    req = to_awaiting_approval(people, people.customer())
    services.transfer_record_phone_approval(request=req, actor=people.clerk, approver=people.am)
    # Due Thursday 26th; by Monday 30th it is overdue.
    frozen_now.move_to(dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    as_user(client, people.md)
    page = client.get(reverse("home")).content.decode()
    overdue = page.split('id="dash-overdue"')[1]
    assert f"#{req.pk}" in overdue and "2026-11-26" in overdue
    as_user(client, people.clerk)
    assert 'id="dash-overdue"' not in client.get(reverse("home")).content.decode()


def test_a_bad_reason_choice_is_refused(client, people):
    req = services.transfer_request_create(
        customer=people.customer(), actor=people.clerk, wants_sh_revocation=True
    )
    services.transfer_documents_verify(
        request=req, actor=people.clerk, checked=["identity", "securities_card", "fund_card"]
    )
    as_user(client, people.clerk)
    response = post(client, "request_reason", req, {"primary_reason": "not-a-number"})
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.state == S.DOCUMENTS_VERIFIED and req.primary_reason_id is None


def test_going_on_is_one_click(client, people):
    req = services.transfer_request_create(
        customer=people.customer(), actor=people.clerk, wants_sh_revocation=True
    )
    services.transfer_documents_verify(
        request=req, actor=people.clerk, checked=["identity", "securities_card", "fund_card"]
    )
    services.transfer_reason_record(request=req, actor=people.clerk, primary_reason=reason())
    as_user(client, people.clerk)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    form = page.split(f'action="{reverse("request_go_on", kwargs={"pk": req.pk})}"')[1]
    form = form.split("</form>")[0]
    assert "<input" in form and form.count("<input") == 1  # the CSRF token only
    post(client, "request_go_on", req)
    req.refresh_from_db()
    assert req.state == S.AWAITING_APPROVAL


def test_customer_stays_withdraws_the_request(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = post(client, "request_stays", req, {"comment": "客户决定留下"})
    assert "The customer stays" in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.WITHDRAWN


def test_refusing_needs_a_reason(client, people):
    req = services.transfer_request_create(
        customer=people.customer(), actor=people.clerk, wants_sh_revocation=True
    )
    as_user(client, people.clerk)
    assert post(client, "request_refuse", req, {"reason": ""}).status_code == 400
    req.refresh_from_db()
    assert req.state == S.RECEIVED
    post(client, "request_refuse", req, {"reason": "身份证已过期"})
    req.refresh_from_db()
    assert (req.state, req.refusal_reason) == (S.REFUSED, "身份证已过期")


# --- Starting a request ---------------------------------------------------------------------


def test_a_request_asking_for_nothing_is_refused_on_the_form(client, people):
    customer = people.customer()
    as_user(client, people.clerk)
    response = client.post(reverse("request_create", kwargs={"pk": customer.pk}), {})
    assert response.status_code == 400
    assert "Choose at least one thing the customer asks for." in response.content.decode()
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_a_core_customer_without_appointment_is_told_the_earliest_date(client, people):
    customer = people.customer("core")
    as_user(client, people.clerk)
    url = reverse("request_create", kwargs={"pk": customer.pk})
    assert "2026-11-26" in client.get(url).content.decode()  # warned before filling the form
    response = client.post(url, {"wants_sh_revocation": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "must book an appointment" in page and "the earliest date is 2026-11-26" in page
    assert not TransferRequest.objects.filter(customer=customer).exists()


def test_a_second_open_request_points_to_the_first(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = client.post(
        reverse("request_create", kwargs={"pk": req.customer.pk}), {"wants_sh_revocation": "on"}
    )
    assert response.status_code == 400
    assert f"already has an open request (#{req.pk})" in response.content.decode()


# --- Blocking, closure, lateness ------------------------------------------------------------


def test_starting_processing_when_a_condition_holds_warns_and_lists_it(client, people):
    req = to_approved(people, people.customer())
    CoreAccountState.objects.filter(customer=req.customer).update(open_bond_repo=True)
    as_user(client, people.clerk)
    response = post(client, "request_start", req)
    assert "The request is blocked (Art. 16): A bond repo has not matured yet." in messages_text(
        response
    )
    req.refresh_from_db()
    assert req.state == S.BLOCKED
    page = response.content.decode()
    assert 'id="panel-blocking"' in page and 'id="recheck"' in page

    CoreAccountState.objects.filter(customer=req.customer).update(open_bond_repo=False)
    post(client, "request_recheck", req)
    req.refresh_from_db()
    assert req.state == S.APPROVED


def test_missing_closure_conditions_are_shown_whenever_the_request_closes_the_account(
    client, people
):
    customer = people.customer()
    CoreAccountState.objects.filter(customer=customer).update(interest_settled=False)
    req = services.transfer_request_create(
        customer=customer,
        actor=people.clerk,
        wants_sz_transfer=True,
        sz_receiving_broker="某证券",
        sz_receiving_seat="123456",
        wants_sh_revocation=True,
        wants_closure=True,
    )
    as_user(client, people.clerk)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    closure = page.split('id="panel-closure"')[1].split("</div>")[0]
    assert "Interest has not been settled" in closure
    # What the request itself winds up is not awaited.
    assert "Shanghai designated trading is still at this branch" not in closure


def test_a_request_past_its_two_trading_days_is_flagged_late(client, people, frozen_now):
    req = to_awaiting_approval(people, people.customer())
    assert req.due_on == dt.date(2026, 11, 27)
    as_user(client, people.clerk)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert "2 trading days left" in page and 'id="late-flag"' not in page

    frozen_now.move_to(dt.datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    as_user(client, people.clerk)  # days later: the idle session has ended
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert 'id="late-flag"' in page and "Late by 2 trading days" in page
    as_user(client, people.gm)
    home = client.get(reverse("home")).content.decode()
    assert f"#{req.pk}" in home.split('id="dash-late"')[1]


# --- Processing ------------------------------------------------------------------------------


def test_the_password_field_is_never_echoed(client, people):
    req = to_processing(people, people.customer())
    as_user(client, people.clerk)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert '<input type="password" name="password" autocomplete="off"' in page
    response = post(client, "request_password", req, {"password": "97531x"})
    assert "Wrong password. 4 tries left." in messages_text(response)
    assert "97531x" not in response.content.decode()


def test_five_wrong_passwords_lock_the_request_and_tell_the_director(client, people):
    req = to_processing(people, people.customer())
    as_user(client, people.clerk)
    for _ in range(5):
        response = post(client, "request_password", req, {"password": "000000"})
    assert "The marketing director has been told" in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.PASSWORD_LOCKED
    assert 'id="unlock"' not in response.content.decode()  # the clerk cannot unlock

    as_user(client, people.lead)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert 'id="unlock"' not in page  # nor the counter lead

    as_user(client, people.md)
    home = client.get(reverse("home")).content.decode()
    assert f"#{req.pk}" in home.split('id="dash-locked"')[1]
    notification = Notification.objects.filter(recipient=people.md).latest("pk")  # the lock
    assert notification.subject in home
    client.post(reverse("notification_read", kwargs={"pk": notification.pk}))
    notification.refresh_from_db()
    assert notification.read_at is not None

    response = post(client, "request_unlock", req, {"comment": ""})
    assert response.status_code == 400
    req.refresh_from_db()
    assert req.state == S.PASSWORD_LOCKED

    response = post(client, "request_unlock", req, {"comment": "已核对身份"})
    assert "Unlocked" in messages_text(response)
    req.refresh_from_db()
    assert (req.state, req.password_failures) == (S.PROCESSING, 0)


def test_a_request_unlocked_twice_says_it_can_only_be_refused(client, people):
    req = to_processing(people, people.customer())
    as_user(client, people.clerk)
    for round_ in range(3):
        for _ in range(5):
            post(client, "request_password", req, {"password": "000000"})
        if round_ < 2:
            services.transfer_unlock_password(request=req, actor=people.md, comment="已核对身份")
    as_user(client, people.md)
    page = client.get(reverse("request_detail", kwargs={"pk": req.pk})).content.decode()
    assert 'id="unlocks-used-up"' in page and 'id="unlock"' not in page
    as_user(client, people.clerk)
    response = post(client, "request_refuse", req, {"reason": "密码多次错误"})
    assert "The request is refused." in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.REFUSED


def test_someone_elses_notification_cannot_be_marked_read(client, people):
    notification = Notification.objects.create(recipient=people.lead, subject="x")
    as_user(client, people.clerk)
    assert (
        client.post(reverse("notification_read", kwargs={"pk": notification.pk})).status_code == 404
    )
    notification.refresh_from_db()
    assert notification.read_at is None


def test_completing_without_the_retained_documents_names_them(client, people):
    institution = people.institution()
    people.book_appointment(institution, booked_on=dt.date(2026, 11, 24))
    req = to_processing(people, institution)
    services.transfer_confirm_password(request=req, actor=people.clerk, password=TRADING_PASSWORD)
    as_user(client, people.clerk)
    response = post(client, "request_complete", req, {"retained": ["form_original"]})
    assert response.status_code == 400
    assert "Keep these before completing" in messages_text(response)
    assert "Copy of the legal-person authorisation" in messages_text(response)
    page = response.content.decode()
    assert 'value="form_original" id="id_retained_0" checked' in page
    req.refresh_from_db()
    assert req.state == S.PROCESSING and req.receipt_number is None


def test_completing_before_the_password_is_refused(client, people):
    req = to_processing(people, people.customer())
    as_user(client, people.clerk)
    response = post(
        client, "request_complete", req, {"retained": ["form_original", "identity_copy"]}
    )
    assert "has not confirmed with their password yet" in messages_text(response)
    req.refresh_from_db()
    assert req.state == S.PROCESSING


def test_the_receipt_is_not_found_before_completion(client, people):
    req = to_processing(people, people.customer())
    as_user(client, people.clerk)
    assert client.get(reverse("request_receipt_pdf", kwargs={"pk": req.pk})).status_code == 404


# --- Approvals queue ------------------------------------------------------------------------


def test_the_approvals_queue_shows_only_what_waits_for_my_step(client, people):
    ordinary = to_awaiting_approval(people, people.customer())
    important = to_awaiting_approval(people, people.customer("important"))
    as_user(client, people.md)
    page = client.get(reverse("approvals_queue")).content.decode()
    assert f"#{important.pk}" not in page and f"#{ordinary.pk}" not in page
    for approver in (people.lead, people.am):
        services.transfer_approve(request=important, actor=approver)
    page = client.get(reverse("approvals_queue")).content.decode()
    assert f"#{important.pk}" in page and f"#{ordinary.pk}" not in page


def test_the_approvals_queue_is_for_approvers(client, people):
    as_user(client, people.clerk)
    assert client.get(reverse("approvals_queue")).status_code == 403


def test_the_archivist_sees_customers_but_not_requests(client, people):
    archivist = StaffFactory(branch=people.branch, roles=[Role.ARCHIVIST])
    req = to_awaiting_approval(people, people.customer())
    as_user(client, archivist)
    assert client.get(reverse("request_detail", kwargs={"pk": req.pk})).status_code == 403
    page = client.get(reverse("customer_detail", kwargs={"pk": req.customer.pk}))
    assert page.status_code == 200
    assert f"#{req.pk}" not in page.content.decode()


# --- Printing ----------------------------------------------------------------------------


def test_the_business_form_prints_as_a_pdf(client, people):
    req = to_awaiting_approval(people, people.customer())
    as_user(client, people.clerk)
    response = client.get(reverse("request_form_pdf", kwargs={"pk": req.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_receipt_prints_once_completed(client, people):
    req = to_completed(people, people.customer())
    as_user(client, people.clerk)
    response = client.get(reverse("request_receipt_pdf", kwargs={"pk": req.pk}))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert Decimal(req.fee_amount) == Decimal("30.00")
