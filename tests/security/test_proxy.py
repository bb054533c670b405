"""Behind the reverse proxy, every request arrives from the proxy's address: the client's is
the one the trusted proxy appended to X-Forwarded-For (kernel.request_context.client_ip). The
sign-in lockout (JR/T 0060), the audit trail and the access logs all key on that address, so
one client's wrong passwords lock out only that client, and a forged header changes nothing."""

import pytest
from axes.models import AccessLog
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import CustomerAccessLog
from kernel.request_context import client_ip
from tests.accounts.factories import STAFF_PASSWORD
from transfers.models import TransferRequest

PROXY = "192.0.2.10"
CLIENT_A = "10.20.0.11"
CLIENT_B = "10.20.0.12"


@pytest.fixture(autouse=True)
def one_proxy_hop(settings):
    settings.PROXY_COUNT = 1


def via_proxy(client_address: str, forged: str = "") -> dict[str, str]:
    """What the proxy hands on: its own address as the peer, the client's appended to
    whatever X-Forwarded-For the client sent."""
    forwarded = f"{forged}, {client_address}" if forged else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def sign_in(client, username, password, client_address, forged="", url_name="login"):
    return client.post(
        reverse(url_name),
        {"username": username, "password": password},
        **via_proxy(client_address, forged),
    )


# --- Which address is the client's ---------------------------------------------------------


@pytest.mark.parametrize(
    ("hops", "remote", "forwarded", "expected"),
    [
        (1, PROXY, CLIENT_A, CLIENT_A),
        (1, PROXY, f"6.6.6.6, {CLIENT_A}", CLIENT_A),
        (2, "192.0.2.20", f"6.6.6.6, {CLIENT_A}, {PROXY}", CLIENT_A),
        (1, CLIENT_A, "", CLIENT_A),
        (2, PROXY, CLIENT_A, PROXY),
        (1, PROXY, "not-an-address", PROXY),
        (0, CLIENT_A, "6.6.6.6", CLIENT_A),
    ],
    ids=[
        "one-hop",
        "forged-leftmost-ignored",
        "two-hops-nth-from-the-right",
        "no-header-is-the-peer",
        "header-shorter-than-the-chain",
        "garbage-entry",
        "no-proxy-ignores-the-header",
    ],
)
def test_the_client_is_the_nth_address_from_the_right(settings, hops, remote, forwarded, expected):
    settings.PROXY_COUNT = hops
    meta = {"REMOTE_ADDR": remote}
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **meta)) == expected


# --- The lockout, per client -----------------------------------------------------------------


@pytest.mark.parametrize("url_name", ["login", "admin:login"])
def test_a_client_locked_out_for_a_user_does_not_lock_another_client_out(client, people, url_name):
    user = people.clerk.username
    for _try in range(5):
        sign_in(client, user, "wrong-password-1", CLIENT_A, url_name=url_name)
    assert sign_in(client, user, STAFF_PASSWORD, CLIENT_A, url_name=url_name).status_code == 429
    assert sign_in(client, user, STAFF_PASSWORD, CLIENT_B, url_name=url_name).status_code == 302


def test_a_forged_leftmost_forwarded_address_does_not_escape_the_lockout(client, people):
    user = people.clerk.username
    for n in range(5):
        sign_in(client, user, "wrong-password-1", CLIENT_A, forged=f"172.16.0.{n}")
    locked = sign_in(client, user, STAFF_PASSWORD, CLIENT_A, forged="172.16.9.9")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def spray(client, usernames, client_address=CLIENT_A):
    for name in usernames:
        sign_in(client, name, "Spring-2026-pass", client_address, forged=f"8.8.{len(name)}.8")


def test_spraying_twenty_usernames_from_one_address_locks_the_address(client, people):
    spray(client, [f"teller{n:02}" for n in range(20)])
    locked = sign_in(client, people.clerk.username, STAFF_PASSWORD, CLIENT_A)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "every account is locked from this address for 30 minutes" in page
    assert "所有账号在此地址均已被锁定 30 分钟" in page
    assert "_auth_user_id" not in client.session
    # The spraying address alone: a colleague elsewhere signs in.
    assert sign_in(client, people.clerk.username, STAFF_PASSWORD, CLIENT_B).status_code == 302


def test_nineteen_failures_across_usernames_do_not_lock_the_address(client, people):
    spray(client, [f"teller{n:02}" for n in range(19)])
    assert sign_in(client, people.clerk.username, STAFF_PASSWORD, CLIENT_A).status_code == 302


def test_a_good_password_does_not_wipe_the_addresss_count_of_other_usernames(client, people):
    spray(client, [f"teller{n:02}" for n in range(19)])
    assert sign_in(client, people.clerk.username, STAFF_PASSWORD, CLIENT_A).status_code == 302
    client.logout()
    spray(client, ["teller19"])
    assert sign_in(client, people.clerk.username, STAFF_PASSWORD, CLIENT_A).status_code == 429


def test_a_good_password_still_forgives_its_own_typos(client, people):
    user = people.clerk.username
    for _try in range(4):
        sign_in(client, user, "wrong-password-1", CLIENT_A)
    assert sign_in(client, user, STAFF_PASSWORD, CLIENT_A).status_code == 302
    client.logout()
    for _try in range(4):
        sign_in(client, user, "wrong-password-1", CLIENT_A)
    assert sign_in(client, user, STAFF_PASSWORD, CLIENT_A).status_code == 302


# --- The trails record the client ------------------------------------------------------------


def test_the_sign_in_log_records_the_clients_address(client, people):
    sign_in(client, people.clerk.username, STAFF_PASSWORD, CLIENT_A, forged="6.6.6.6")
    assert list(AccessLog.objects.values_list("username", "ip_address")) == [
        (people.clerk.username, CLIENT_A)
    ]


def test_audit_and_access_log_rows_record_the_clients_address(client, people):
    customer = people.customer("ordinary")
    client.force_login(people.clerk)
    client.get(
        reverse("customer_detail", kwargs={"pk": customer.pk}),
        **via_proxy(CLIENT_A, forged="6.6.6.6"),
    )
    assert list(CustomerAccessLog.objects.values_list("client_ip", flat=True)) == [CLIENT_A]

    client.post(
        reverse("request_create", kwargs={"pk": customer.pk}),
        {
            "wants_sz_transfer": "on",
            "sz_receiving_broker": "某某证券",
            "sz_receiving_seat": "123456",
        },
        **via_proxy(CLIENT_B, forged="6.6.6.6"),
    )
    req = TransferRequest.objects.get(customer=customer)
    assert list(req.audit_entries.values_list("action", "client_ip")) == [("create", CLIENT_B)]
