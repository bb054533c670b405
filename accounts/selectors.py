"""Reads of customers."""

from __future__ import annotations

from django.db.models import Q

from .models import Branch, Customer, CustomerQuerySet
from .pii import customer_match_q


def customer_search(*, branch: Branch, query: str, limit: int = 50) -> CustomerQuerySet:
    """Counter search: a fund account, identity number or phone matches exactly (the full
    number finds the customer through its keyed hash, though lists show it masked);
    otherwise the name."""
    query = query.strip()
    customers = Customer.objects.for_branch(branch).select_related("account_manager", "branch")
    if not query:
        return customers.none()
    exact = customer_match_q(query)
    if query.isdigit() or len(query) >= 15:
        found = customers.filter(exact)
        if found.exists():
            return found[:limit]  # type: ignore[return-value]
    return customers.filter(Q(name__icontains=query) | exact).order_by("name")[:limit]  # type: ignore[return-value]
