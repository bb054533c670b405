"""The inventory (盘点, records Art. 7(2)): the paper records by location, checked off; what
was not found is the result."""

import pytest

from archives import services
from archives.models import InventoryState, Medium
from archives.selectors import paper_by_location
from kernel.errors import ApplicationError
from notifications.models import Notification
from tests.builders import filed_record

pytestmark = pytest.mark.django_db


def test_the_inventory_lists_paper_records_by_location_and_names_what_is_missing(arch):
    a1 = filed_record(arch, medium=Medium.PAPER, cabinet="A", box="1", files=0)
    a2 = filed_record(arch, medium=Medium.PAPER, cabinet="A", box="2", files=0)
    b1 = filed_record(arch, medium=Medium.PAPER, cabinet="B", box="1", files=0)
    filed_record(arch)  # electronic: not on a shelf

    inventory = services.inventory_start(actor=arch.archivist)
    items = list(inventory.items.select_related("record"))
    assert [where for where, _items in paper_by_location(items)] == ["A / 1", "A / 2", "B / 1"]

    found = [i.pk for i in items if i.record in (a1, b1)]
    services.inventory_mark(
        inventory=inventory, actor=arch.archivist, shown=[i.pk for i in items], found=found
    )
    services.inventory_finish(inventory=inventory, actor=arch.archivist)

    inventory.refresh_from_db()
    assert inventory.state == InventoryState.FINISHED
    missing = [item.record for item in inventory.items.filter(found=False)]
    assert missing == [a2]
    assert Notification.objects.filter(recipient=arch.gm, subject__contains="not found").exists()


def test_unchecked_items_count_as_missing_when_the_inventory_ends(arch):
    filed_record(arch, medium=Medium.PAPER, files=0)
    inventory = services.inventory_start(actor=arch.archivist)
    services.inventory_finish(inventory=inventory, actor=arch.archivist)
    assert inventory.items.get().found is False


def test_one_inventory_at_a_time_and_only_by_the_archivist(arch):
    with pytest.raises(ApplicationError, match="archivist"):
        services.inventory_start(actor=arch.clerk)
    services.inventory_start(actor=arch.archivist)
    with pytest.raises(ApplicationError, match="under way"):
        services.inventory_start(actor=arch.archivist2)


def test_a_finished_inventory_is_not_marked_again(arch):
    filed_record(arch, medium=Medium.PAPER, files=0)
    inventory = services.inventory_start(actor=arch.archivist)
    services.inventory_finish(inventory=inventory, actor=arch.archivist)
    item = inventory.items.get()
    with pytest.raises(ApplicationError, match="finished"):
        services.inventory_mark(
            inventory=inventory, actor=arch.archivist, shown=[item.pk], found=[item.pk]
        )
