"""The customer master from the core system: preview, then apply exactly that file; bad input
is a report naming lines, never an exception, and nothing loads while a line is bad."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from accounts.models import (
    Customer,
    CustomerStatus,
    ManagerChange,
    OpenedVia,
    Tier,
    TierCause,
    TierChange,
)
from accounts.roles import Role
from accounts.services import customer_set_tier
from accounts.validators import gb11643_check_character
from core_system.customer_master import customer_master_apply, customer_master_preview
from core_system.models import ImportState
from kernel.errors import InvalidInput, InvalidState
from notifications.models import Notification
from retention.models import RetentionContactTask
from revisits.models import Reason, RevisitAction, RevisitTask, TaskStatus
from tests.accounts.factories import StaffFactory
from tests.builders import make_branch

pytestmark = pytest.mark.django_db

HEADER = (
    "kind,name,id_type,id_number,phone,fund_account,sh_account,sh_designated_here,sz_account,"
    "sz_custody_seat,opened_via,opened_on,status,account_manager,assets,annual_volume"
)


def rid(n: int) -> str:
    first = f"11010119900101{n:03d}"
    return first + gb11643_check_character(first)


def line(n: int, *, manager: str = "A001", assets: str = "1000.00", **over: str) -> str:
    cells = {
        "kind": "individual",
        "name": f"张{n}",
        "id_type": "resident_id",
        "id_number": rid(n),
        "phone": f"1380000{n:04d}",
        "fund_account": f"66{n:08d}",
        "sh_account": f"A{n:09d}",
        "sh_designated_here": "1",
        "sz_account": f"0{n:09d}",
        "sz_custody_seat": "123400",
        "opened_via": "counter",
        "opened_on": "2020-01-02",
        "status": "active",
        "account_manager": manager,
        "assets": assets,
        "annual_volume": "0",
    }
    cells.update(over)
    return ",".join(cells.values())


def export(*lines: str, branch: str = "SZ001", encoding: str = "gb18030") -> bytes:
    return ("\n".join([f"branch,{branch}", HEADER, *lines]) + "\n").encode(encoding)


@pytest.fixture
def people():
    people = make_branch("SZ001")
    people.am.staff_number = "A001"
    people.am.save(update_fields=["staff_number"])
    return people


def preview(people, data: bytes, **kw):
    return customer_master_preview(branch=people.branch, data=data, actor=people.md, **kw)


def load(people, data: bytes, **kw):
    p = preview(people, data, **kw)
    assert p.applicable, p.report["bad"]
    return customer_master_apply(preview=p, data=data, actor=people.md)


def reasons(p) -> str:
    return " | ".join(f"{b['line']}: {'; '.join(b['reasons'])}" for b in p.report["bad"])


def test_a_gb18030_export_loads_encrypted_with_its_tiers_and_the_remote_opening(people):
    data = export(line(1), line(2, assets="9000000", opened_via="remote"))
    p = preview(people, data)
    assert p.report["encoding"] == "gb18030" and p.new == 2 and Customer.objects.count() == 0
    applied = customer_master_apply(preview=p, data=data, actor=people.md)
    assert applied.state == ImportState.APPLIED
    rich = Customer.objects.get(fund_account="6600000002")
    assert rich.tier == Tier.CORE and rich.opened_via == OpenedVia.REMOTE
    assert rich.id_number == rid(2) and rich.opened_on == dt.date(2020, 1, 2)
    raw = Customer.objects.filter(pk=rich.pk).values_list("id_number", flat=True).query
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(str(raw).replace(f"= {rich.pk}", "= %s"), [rich.pk])
        assert rid(2) not in cursor.fetchone()[0]
    history = TierChange.objects.get(customer=rich)
    assert (history.to_tier, history.cause) == (Tier.CORE, TierCause.IMPORT)


def test_utf8_with_bom_is_read_too(people):
    p = preview(people, b"\xef\xbb\xbf" + export(line(1), encoding="utf-8"))
    assert p.report["encoding"] == "utf-8-sig" and p.applicable


def test_the_same_file_twice_changes_nothing_the_second_time(people):
    data = export(line(1), line(2))
    first = load(people, data)
    assert customer_master_apply(preview=first, data=data, actor=people.md) == first
    again = preview(people, data)
    assert (again.new, again.changed, again.unchanged) == (0, 0, 2)
    customer_master_apply(preview=again, data=data, actor=people.md)
    assert TierChange.objects.count() == 2 and Customer.objects.count() == 2


def test_only_the_previewed_file_is_applied(people):
    p = preview(people, export(line(1)))
    with pytest.raises(InvalidInput, match="not the file that was previewed"):
        customer_master_apply(preview=p, data=export(line(2)), actor=people.md)
    assert Customer.objects.count() == 0


def test_changes_are_reported_old_to_new_with_personal_fields_masked(people):
    load(people, export(line(1)))
    p = preview(people, export(line(1, phone="13912345678", sh_designated_here="0")))
    (entry,) = p.report["changed"]
    assert entry["fields"]["sh_designated_here"] == [True, False]
    old, new = entry["fields"]["phone"]
    assert "12345678" not in new and new.endswith("5678") and old.endswith("0001")


def test_a_full_export_reports_the_absent_and_deletes_nobody(people):
    load(people, export(line(1), line(2)))
    p = preview(people, export(line(1)), full=True)
    assert p.absent == 1 and p.report["absent"] == ["6600000002"]
    customer_master_apply(preview=p, data=export(line(1)), actor=people.md)
    assert Customer.objects.filter(fund_account="6600000002").exists()


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        (line(3, name=""), "name is empty"),
        (line(3, id_number=rid(3)[:-1] + ("0" if rid(3)[-1] != "0" else "1")), "id_number"),
        (line(3, manager="Z999"), "unknown account manager Z999"),
        (line(3, name="张\x00三"), "NUL"),
        (line(3, opened_via="post"), "opened_via"),
        (line(3, assets="lots"), "assets"),
        (line(1), "listed twice (first on line 3)"),
    ],
)
def test_a_bad_line_is_named_and_nothing_loads(people, bad, words):
    data = export(line(1), bad)
    p = preview(people, data)
    assert not p.applicable and words in reasons(p) and "line" in p.report["refusal"]
    assert "4:" in reasons(p)
    with pytest.raises(InvalidState):
        customer_master_apply(preview=p, data=data, actor=people.md)
    assert Customer.objects.count() == 0


def test_a_customer_whose_kind_changed_is_a_bad_line(people):
    load(people, export(line(1)))
    p = preview(people, export(line(1, kind="institution")))
    assert "kind changed" in reasons(p)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (export(line(1)).replace(b"opened_on,", b""), "missing columns: opened_on"),
        (export(line(1)).replace(b"assets,", b"assets,colour,", 1), "unknown columns: colour"),
        (export(line(1), branch="SH999"), "branch SH999, not of SZ001"),
        (("\n".join([HEADER, line(1)]) + "\n").encode(), "does not say its branch"),
        (export(line(1)).decode("gb18030").encode("utf-16"), "not text"),
        (export(line(1), line(2))[:-30], "cut short"),
        (export(line(1), line(2, name='"张' + "x" * 2000)), "cannot be read as CSV"),
        (b"", "empty"),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_reason(people, data, words):
    p = preview(people, data)
    assert not p.applicable and words in reasons(p)
    assert Customer.objects.count() == 0


def test_a_file_above_the_limit_is_refused_before_it_is_read(people, settings):
    settings.CUSTOMER_MASTER_MAX_BYTES = 100
    assert "MB" in reasons(preview(people, export(line(1), line(2))))


def xlsx(rows, sheets=1) -> bytes:
    book = Workbook()
    for n in range(1, sheets):
        book.create_sheet(f"s{n}")
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_xlsx_export_loads(people):
    data = xlsx([["branch", "SZ001"], HEADER.split(","), line(1).split(",")])
    p = preview(people, data, filename="master.xlsx")
    assert p.applicable and p.new == 1 and p.report["format"] == "xlsx"


def test_an_xlsx_with_formulas_or_several_sheets_is_refused(people):
    formula = line(1).split(",")
    formula[-2] = "=1+1"
    assert "formula" in reasons(
        preview(people, xlsx([["branch", "SZ001"], HEADER.split(","), formula]))
    )
    two = xlsx([["branch", "SZ001"], HEADER.split(","), line(1).split(",")], sheets=2)
    assert "2 sheets" in reasons(preview(people, two))


def test_a_manual_override_survives_the_import_and_both_changes_are_in_the_history(people):
    load(people, export(line(1)))
    customer = Customer.objects.get()
    customer_set_tier(customer=customer, actor=people.md, tier=Tier.CORE, reason="VIP family")
    load(people, export(line(1, assets="600000")))
    customer.refresh_from_db()
    assert customer.tier == Tier.CORE and customer.tier_override_reason == "VIP family"
    assert customer.assets == Decimal("600000.00")
    causes = list(TierChange.objects.filter(customer=customer).values_list("cause", "to_tier"))
    assert (TierCause.OVERRIDE, Tier.CORE) in causes
    customer_set_tier(customer=customer, actor=people.md, tier="", reason="")
    assert TierChange.objects.filter(customer=customer).first().to_tier == Tier.IMPORTANT


def test_a_new_manager_in_the_export_takes_the_customer_their_tasks_and_both_are_told(people):
    load(people, export(line(1)))
    customer = Customer.objects.get()
    other = StaffFactory(branch=people.branch, roles=[Role.ACCOUNT_MANAGER], staff_number="B002")
    revisit = RevisitTask.objects.create(
        branch=people.branch,
        customer=customer,
        reason=Reason.LEFT_FIRST,
        owner=people.am,
        due_on=dt.date(2030, 1, 2),
    )
    contact = RetentionContactTask.objects.create(
        branch=people.branch,
        customer=customer,
        assigned_to=people.am,
        what="call",
        due_on=dt.date(2030, 1, 2),
    )
    applied = load(people, export(line(1, manager="B002")))
    customer.refresh_from_db()
    assert customer.account_manager == other
    change = ManagerChange.objects.get()
    assert (change.from_manager, change.to_manager, change.actor) == (people.am, other, people.md)
    revisit.refresh_from_db()
    contact.refresh_from_db()
    assert revisit.owner == other and contact.assigned_to == other
    entry = revisit.audit_entries.get()
    assert entry.action == RevisitAction.REASSIGNED and entry.from_owner == people.am
    assert revisit.status == TaskStatus.OPEN and applied.report["tasks_handed_over"] == 2
    assert Notification.objects.filter(recipient=other).exists()
    assert Notification.objects.filter(recipient=people.am).exists()


def test_customers_of_a_manager_who_left_are_reported_not_reassigned(people):
    load(people, export(line(1)))
    gone = StaffFactory(
        branch=people.branch, roles=[Role.ACCOUNT_MANAGER], staff_number="C003", is_active=False
    )
    p = preview(people, export(line(1, manager="C003")))
    assert p.report["departed_manager"][0]["staff_number"] == "C003" and p.applicable
    customer_master_apply(preview=p, data=export(line(1, manager="C003")), actor=people.md)
    assert Customer.objects.get().account_manager == people.am != gone


def test_a_closed_status_is_loaded(people):
    load(people, export(line(1)))
    load(people, export(line(1, status="closed")))
    assert Customer.objects.get().status == CustomerStatus.CLOSED


def test_the_command_previews_applies_and_exits_2_on_bad_input(people, tmp_path, capsys):
    good = tmp_path / "master.csv"
    good.write_bytes(export(line(1)))
    call_command("import_customers", str(good), "--branch", "SZ001", "--apply-now")
    assert Customer.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_bytes(export(line(2, manager="Z999")))
    with pytest.raises(SystemExit) as exit_:
        call_command("import_customers", str(bad), "--branch", "SZ001", "--apply-now")
    assert exit_.value.code == 2 and Customer.objects.count() == 1
    assert "unknown account manager Z999" in capsys.readouterr().out


def test_the_customer_page_shows_why_the_customer_became_core(people, client):
    load(people, export(line(1, assets="9000000")))
    client.force_login(people.md)
    response = client.get(f"/customers/{Customer.objects.get().pk}/")
    body = response.content.decode()
    assert 'id="tier-history"' in body and str(TierCause.IMPORT.label) in body
