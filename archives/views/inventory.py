"""The inventory (盘点) of the paper records."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kernel.errors import ApplicationError
from kernel.request_context import acting_staff, client_ip
from kernel.web import refusal

from .. import permissions, selectors, services
from ..forms import InventoryMarkForm, NoteForm
from ..models import InventoryCheck
from ._common import attempt, branch_inventory, require


@login_required
def inventory_list(request: HttpRequest) -> HttpResponse:
    user = acting_staff(request)
    require(permissions.may_see_inventory(user))
    if request.method == "POST":
        require(permissions.may_run_inventory(user))
        form = NoteForm(request.POST)
        form.is_valid()
        try:
            inventory = services.inventory_start(
                actor=user, note=form.cleaned_data.get("note", ""), client_ip=client_ip(request)
            )
        except ApplicationError as exc:
            refusal(request, exc)
            return redirect("archives:inventory_list")
        messages.success(request, _("Inventory started: check the records off shelf by shelf."))
        return redirect("archives:inventory_detail", inventory.pk)
    inventories = InventoryCheck.objects.filter(branch=user.branch).select_related(
        "started_by", "finished_by"
    )[:30]
    return render(
        request,
        "archives/inventory_list.html",
        {"inventories": inventories, "can": {"start": permissions.may_run_inventory(user)}},
    )


@login_required
def inventory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = branch_inventory(request, pk)
    user = acting_staff(request)
    require(permissions.may_see_inventory(user))
    items = list(inventory.items.select_related("record", "record__customer", "checked_by"))
    if request.method == "POST":
        form = InventoryMarkForm(request.POST, item_ids=[i.pk for i in items])
        if form.is_valid():
            return attempt(
                request,
                lambda: services.inventory_mark(
                    inventory=inventory,
                    actor=user,
                    shown=form.cleaned_data["shown"],
                    found=form.cleaned_data["found"],
                ),
                done=_("Ticks saved."),
                then=redirect("archives:inventory_detail", inventory.pk),
            )
        messages.error(request, _("Not saved: the list changed; reload the page."))
    context = {
        "inventory": inventory,
        "groups": selectors.paper_by_location(items),
        "missing": [i for i in items if i.found is False],
        "total": len(items),
        "found": sum(1 for i in items if i.found),
        "can": permissions.inventory_actions(inventory, user),
    }
    return render(request, "archives/inventory_detail.html", context)


@login_required
@require_POST
def inventory_finish(request: HttpRequest, pk: int) -> HttpResponse:
    inventory = branch_inventory(request, pk)
    form = NoteForm(request.POST)
    form.is_valid()
    return attempt(
        request,
        lambda: services.inventory_finish(
            inventory=inventory,
            actor=acting_staff(request),
            note=form.cleaned_data.get("note", ""),
            client_ip=client_ip(request),
        ),
        done=_("Inventory finished."),
        then=redirect("archives:inventory_detail", inventory.pk),
    )
