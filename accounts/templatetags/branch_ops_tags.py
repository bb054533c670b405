"""Template helpers shared by every page: masked identity numbers, a customer's name as the
reader may see it, and the form that shows a phone to call. Who may see what is never asked
in a template: pages pass `can`, `panel` and `nav` from the apps' permissions, and the
helpers here ask accounts/permissions.py themselves."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """An identity number as lists and papers show it (e.g. an agent's)."""
    from accounts.masking import mask_id_number

    return mask_id_number(value or "")


@register.filter
def name_for(customer: Any, viewer: Any) -> str:
    """One customer's name on their own record (a request, a task): in full for the counter
    (Art. 4), masked for everyone else. Lists use `masked_name` whoever reads them."""
    from accounts.selectors import customer_name_for

    return customer_name_for(customer, viewer=viewer)


@register.inclusion_tag("accounts/_phone_reveal_form.html", takes_context=True)
def phone_reveal_form(context: Any, customer: Any, purpose: str) -> dict[str, Any]:
    """The button that shows `customer`'s phone to call, for `purpose` (PIPL Art. 51:
    accounts.views.customer_phone_reveal logs it); nothing for whoever may not see it."""
    from accounts.forms import PhoneRevealForm
    from accounts.permissions import may_reveal_phone

    request = context["request"]
    if not customer.phone or not may_reveal_phone(request.user, customer):
        return {"form": None}
    form = PhoneRevealForm(
        initial={"purpose": purpose, "next": request.get_full_path()},
        auto_id=f"id_phone_{customer.pk}_%s",
    )
    return {"form": form, "customer": customer, "csrf_token": context.get("csrf_token")}
