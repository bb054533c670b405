"""Template helpers shared by every page: masked identity numbers. Who may see what is never
asked in a template: pages pass `can`, `panel` and `nav` from the apps' permissions."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def mask_id(value: str) -> str:
    """An identity number as lists and papers show it (e.g. an agent's)."""
    from accounts.masking import mask_id_number

    return mask_id_number(value or "")
