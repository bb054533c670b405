"""PIPL Art. 28, 51: identity numbers and phones are unreadable in the database, found only
through their keyed hash, re-encrypted on key rotation, and every look at a customer's full
details is logged, append-only down to the database."""

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from accounts.models import AccessChannel, Customer, CustomerAccessLog
from accounts.pii import customer_match_q, pii_digest
from accounts.selectors import customer_search
from accounts.services import customer_access_record
from retention.models import WorkMemo
from tests.builders import new_request, to_awaiting_approval
from transfers import services
from transfers.models import Approval, TransferRequest

AGENT_ID = "44030419800101777X"


def _seed(people, other_branch):
    customers = [people.customer() for _ in range(3)] + [other_branch.customer()]
    customers.append(people.customer(id_number="110101199003071234", phone="13912345678"))
    agent_request = new_request(
        people,
        customers[0],
        wants_sh_revocation=True,
        by_agent=True,
        agent_name="代理人",
        agent_id_number=AGENT_ID,
    )
    return customers, agent_request


def _dump_database() -> str:
    """Every value of every row of every table, read with raw SQL (no model decrypts it)."""
    tables = connection.introspection.table_names()
    chunks = []
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                chunks.append("|".join(str(v) for v in row))
    return "\n".join(chunks)


def test_the_database_holds_no_plaintext_identity_number_or_phone(people, other_branch):
    customers, agent_request = _seed(people, other_branch)
    # The work memo copies the customer's phone; it is encrypted there too.
    WorkMemo.objects.create(
        request=agent_request,
        branch=people.branch,
        customer=customers[0],
        contact_phone=customers[0].phone,
    )
    dump = _dump_database()
    assert len(dump) > 1000  # the dump did read the rows
    secrets = [AGENT_ID]
    for customer in Customer.objects.all():
        secrets += [customer.id_number, customer.phone]
    for value in secrets:
        assert value and value not in dump, value
    # Without the key the stored value says nothing: another key cannot read it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM accounts_customer LIMIT 1")
        (stored,) = cursor.fetchone()
    with pytest.raises(InvalidToken):
        Fernet(Fernet.generate_key()).decrypt(stored.encode())


def test_the_model_reads_back_the_plaintext(people):
    customer = people.customer(id_number="11010119900307123x", phone="139 1234 5678")
    fresh = Customer.objects.get(pk=customer.pk)
    assert fresh.id_number == "11010119900307123x"
    assert fresh.phone == "139 1234 5678"
    assert fresh.id_number_digest == pii_digest("id_number", "11010119900307123X")


def test_bulk_create_fills_the_digests(people):
    made = Customer.objects.bulk_create(
        [
            Customer(
                branch=people.branch,
                name="批量",
                id_number="110101199003079999",
                phone="13700000000",
                fund_account="8899000001",
            )
        ]
    )
    row = Customer.objects.get(pk=made[0].pk)
    assert row.id_number_digest == pii_digest("id_number", "110101199003079999")
    assert row.phone_digest == pii_digest("phone", "13700000000")


def test_the_full_number_is_found_through_the_keyed_hash_normalised(people, other_branch):
    customers, _req = _seed(people, other_branch)
    target = customers[-1]
    for query in ("110101199003071234", " 110101199003071234 ", "139-1234-5678", "13912345678"):
        assert list(customer_search(branch=people.branch, query=query)) == [target], query
    # A part of a number finds nothing: the masked lists cannot be searched digit by digit.
    assert not Customer.objects.filter(customer_match_q("1101011990")).exists()
    # Another branch's customer is not found by its full number either.
    theirs = customers[3]
    assert not customer_search(branch=people.branch, query=theirs.id_number).exists()


def test_filtering_on_the_encrypted_column_is_refused(people):
    with pytest.raises(TypeError, match="encrypted"):
        Customer.objects.filter(id_number="110101199003071234")


def test_the_digest_depends_on_the_secret_key(settings):
    before = pii_digest("id_number", "110101199003071234")
    settings.PII_HASH_KEY = "another-key"
    assert pii_digest("id_number", "110101199003071234") != before


def test_request_list_finds_the_agents_number(client, people, other_branch):
    _customers, agent_request = _seed(people, other_branch)
    client.force_login(people.clerk)
    page = client.get(reverse("request_list"), {"q": AGENT_ID}).content.decode()
    assert reverse("request_detail", kwargs={"pk": agent_request.pk}) in page


def test_admin_search_by_full_number_uses_the_hash(client, people, other_branch):
    customers, _req = _seed(people, other_branch)
    client.force_login(people.gm)
    url = reverse("admin:accounts_customer_changelist")
    page = client.get(url, {"q": "110101199003071234"}).content.decode()
    assert "1 result" in page or "1 个结果" in page
    assert customers[-1].fund_account in page


def test_key_rotation_re_encrypts_every_row(people, other_branch, settings):
    customers, agent_request = _seed(people, other_branch)
    old_keys = list(settings.PII_ENCRYPTION_KEYS)
    new_key = Fernet.generate_key().decode()
    settings.PII_ENCRYPTION_KEYS = [new_key, *old_keys]
    call_command("pii_rotate_keys", batch_size=2, verbosity=0)
    settings.PII_ENCRYPTION_KEYS = [new_key]  # the old key is dropped
    for customer in customers:
        fresh = Customer.objects.get(pk=customer.pk)
        assert fresh.id_number == customer.id_number
        assert fresh.phone == customer.phone
    assert TransferRequest.objects.get(pk=agent_request.pk).agent_id_number == AGENT_ID


def test_every_look_at_the_customer_page_is_logged(client, people):
    customer = people.customer(id_number="110101199003071234")
    client.force_login(people.clerk)
    url = reverse("customer_detail", kwargs={"pk": customer.pk})
    page = client.get(url).content.decode()
    assert "110101199003071234" not in page  # masked until asked for
    response = client.post(url, REMOTE_ADDR="10.1.2.3")
    assert "110101199003071234" in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    logs = list(CustomerAccessLog.objects.filter(customer=customer).order_by("pk"))
    assert [(log.actor, log.channel, log.field) for log in logs] == [
        (people.clerk, "page", "name"),
        (people.clerk, "page", "identity"),
    ]
    assert logs[1].client_ip == "10.1.2.3"
    assert logs[1].purpose == "verify_identity"


def test_only_the_counter_sees_the_full_number(client, people):
    customer = people.customer(id_number="110101199003071234")
    client.force_login(people.am)
    url = reverse("customer_detail", kwargs={"pk": customer.pk})
    response = client.post(url, follow=True)
    assert "110101199003071234" not in response.content.decode()
    assert not CustomerAccessLog.objects.filter(customer=customer, field="identity").exists()
    # A GET with the old query string shows nothing more either.
    assert "110101199003071234" not in client.get(url, {"full": "1"}).content.decode()


def test_the_access_log_cannot_be_changed_through_the_orm(people):
    customer = people.customer()
    log = customer_access_record(
        customer=customer, actor=people.clerk, client_ip="10.0.0.1", channel=AccessChannel.API
    )
    with pytest.raises(PermissionError):
        log.delete()
    with pytest.raises(PermissionError):
        CustomerAccessLog.objects.filter(pk=log.pk).update(client_ip="1.1.1.1")


pg_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only triggers are PostgreSQL's; SQLite has only the ORM's refusal",
)


def _raw(sql: str, params: list) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pg_only
def test_raw_sql_cannot_change_or_delete_the_access_log(people):
    log = customer_access_record(
        customer=people.customer(), actor=people.clerk, client_ip=None, channel="page"
    )
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE accounts_customeraccesslog SET client_ip = '1.1.1.1' WHERE id = %s", [log.pk])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM accounts_customeraccesslog WHERE id = %s", [log.pk])


def _approval(people) -> Approval:
    req = to_awaiting_approval(people, people.customer())
    return services.transfer_record_phone_approval(
        request=req, actor=people.clerk, approver=people.am
    )


@pg_only
def test_raw_sql_cannot_change_or_delete_an_approval(people):
    approval = _approval(people)
    for sql in (
        "UPDATE transfers_approval SET note = 'changed' WHERE id = %s",
        "UPDATE transfers_approval SET approver_id = recorded_by_id WHERE id = %s",
        "UPDATE transfers_approval SET signed_off_at = now(), note = 'x' WHERE id = %s",
        "DELETE FROM transfers_approval WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="approval record"):
            _raw(sql, [approval.pk])


@pg_only
def test_the_sign_off_is_added_once_and_only_once(people):
    approval = _approval(people)
    _raw("UPDATE transfers_approval SET signed_off_at = now() WHERE id = %s", [approval.pk])
    with pytest.raises(DatabaseError, match="approval record"):
        _raw("UPDATE transfers_approval SET signed_off_at = NULL WHERE id = %s", [approval.pk])
    with pytest.raises(DatabaseError, match="approval record"):
        _raw(
            "UPDATE transfers_approval SET signed_off_at = now() + interval '1 day' WHERE id = %s",
            [approval.pk],
        )
