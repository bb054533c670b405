"""Template helpers shared by every page: masked identity numbers and a customer's name as
the reader may see it. Who may see what is never asked
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

