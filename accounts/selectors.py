"""Reads of customers and staff."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.lookups import DataContains
from django.db import connections
from django.db.models import Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Upper

from . import permissions
from .models import Branch, Customer, CustomerQuerySet, Staff
from .pii import customer_match_q

# pg_trgm extracts no trigram from a LIKE pattern shorter than this, so its index cannot
# serve it (accounts/migrations/0004_customer_name_search_indexes.py).
_TRIGRAM = 3


class _Characters(Func):
    """PostgreSQL: a text's characters, as an array (string_to_array with no delimiter)."""

    function = "string_to_array"
    template = "%(function)s(%(expressions)s, NULL)"
    output_field = ArrayField(TextField())


def _name_matches(customers: CustomerQuerySet, query: str) -> Q:
    name = Q(name__icontains=query)
    if len(query) < _TRIGRAM and connections[customers.db].vendor == "postgresql":
        # Implied by the icontains, so it changes no answer: it only gives the planner the
        # characters index for a one- or two-character name (余娜), which pg_trgm cannot
        # serve, instead of reading every customer of the branch.
        name &= Q(DataContains(_Characters(Upper("name")), _Characters(Upper(Value(query)))))
    return name


def customer_search(*, branch: Branch, query: str, limit: int = 50) -> CustomerQuerySet:
    """Counter search: a fund account, identity number or phone matches exactly (the full
    number finds the customer through its keyed hash, though lists show it masked);
    otherwise the name, anywhere in it and in any case."""
    query = query.strip()
    customers = Customer.objects.for_branch(branch).select_related("account_manager", "branch")
    if not query:
        return customers.none()
    exact = customer_match_q(query)
    if query.isdigit() or len(query) >= 15:
        found = customers.filter(exact)
        if found.exists():
            return found.order_by("name", "pk")[:limit]  # type: ignore[return-value]
    found = customers.filter(_name_matches(customers, query) | exact)
    return found.order_by("name", "pk")[:limit]  # type: ignore[return-value]


def customer_name_for(customer: Customer, *, viewer: Staff) -> str:
    """The name as this person sees it on one customer's page, new or open request or business
    form: in full for the counter, which checks it against the identity card (Art. 4), masked
    for everyone else (PIPL Art. 51). Lists show `masked_name` whoever reads them."""
    if customer.is_institution or permissions.sees_full_name(viewer):
        return customer.name
    return customer.masked_name


def staff_with_roles(branch: Branch | int | None, *roles: str) -> QuerySet[Staff]:
    """The active staff of a branch holding any of these roles: whom to tell, whom to offer
    as an owner or a host. No branch (a head-office person's) has no staff."""
    if branch is None:
        return Staff.objects.none()
    branch_id = branch if isinstance(branch, int) else branch.pk
    return (
        Staff.objects.filter(branch_id=branch_id, is_active=True, groups__name__in=list(roles))
        .distinct()
        .order_by("display_name", "username", "pk")
    )
