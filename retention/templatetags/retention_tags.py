"""Template helpers other pages use to show retention beside a request or a customer."""

from __future__ import annotations

from typing import Any

from django import template

from ..selectors import customer_retention_badges, playbook_panel_context

register = template.Library()


@register.simple_tag
def retention_panel(request_obj: Any) -> dict[str, Any]:
    """`{% retention_panel req as panel %}`: what the playbook panel shows."""
    return playbook_panel_context(request_obj)


@register.filter
def retention_badges(customer: Any) -> list[str]:
    """`{% for badge in customer|retention_badges %}`: deferred, open promises, …"""
    if customer is None or getattr(customer, "pk", None) is None:
        return []
    return customer_retention_badges(customer)


@register.filter
def risk_text(flag: Any) -> str:
    return str(flag.explanation)
