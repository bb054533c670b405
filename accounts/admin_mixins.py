"""Branch isolation in the Django admin: staff see, choose and open only their own branch's
rows; another branch's object is a 404, as in the pages. Superusers see every branch."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import Http404, HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from accounts import permissions as policy
from accounts.models import Branch


def branch_lookup_for(model: type[models.Model]) -> str | None:
    """How a model reaches its branch, for the choices of a foreign key to it; None when
    the model is not branch data (groups, churn reasons, the calendar)."""
    if issubclass(model, Branch):
        return "pk"
    try:
        model._meta.get_field("branch")
    except FieldDoesNotExist:
        return None
    return "branch"


def scope_to_branch(
    queryset: models.QuerySet[Any], request: HttpRequest, lookup: str | None
) -> models.QuerySet[Any]:
    """The admin's door to accounts.permissions.scope_to_branch, the one isolation rule."""
    return policy.scope_to_branch(queryset, request.user, lookup)


class BranchScopedAdminMixin:
    """`branch_lookup` is the path from the admin's model to its branch ("branch",
    "request__branch", "pk" for Branch itself), or None for data every branch shares. It has
    no default on purpose: each admin says how its rows belong to a branch."""

    branch_lookup: str | None

    def get_queryset(self, request: HttpRequest) -> models.QuerySet[Any]:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        return scope_to_branch(queryset, request, self.branch_lookup)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> models.Model:
        # The admin's own answer to a missing object is a redirect that names the model and
        # id; another branch's record simply does not exist here, as in the pages.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404(_("Not found."))
        return obj

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if "queryset" not in kwargs:
            related = db_field.remote_field.model
            lookup = branch_lookup_for(related)
            if lookup is not None:
                kwargs["queryset"] = scope_to_branch(
                    related._default_manager.all(), request, lookup
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if "queryset" not in kwargs:
            related = db_field.remote_field.model
            lookup = branch_lookup_for(related)
            if lookup is not None:
                kwargs["queryset"] = scope_to_branch(
                    related._default_manager.all(), request, lookup
                )
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]


class PiiSearchAdminMixin:
    """Search by a full identity number or phone through the keyed hash: those columns are
    encrypted, so `=id_number` in search_fields cannot work. `pii_search_prefix` is the path
    to the customer ("" for Customer itself, "customer__" for rows that belong to one)."""

    pii_search_prefix: str = "customer__"

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet[Any], search_term: str
    ) -> tuple[models.QuerySet[Any], bool]:
        from accounts.pii import customer_match_q

        results, may_have_duplicates = super().get_search_results(  # type: ignore[misc]
            request, queryset, search_term
        )
        if search_term.strip():
            results |= queryset.filter(customer_match_q(search_term, prefix=self.pii_search_prefix))
        return results, may_have_duplicates


class BranchScopedAdmin(BranchScopedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    pass


class ReadOnlyAdmin(BranchScopedAdmin):
    """A record written only by the services (audit trails, sweeps' findings, attempts): the
    admin shows it and changes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):  # type: ignore[type-arg]
    """A record shown beside its parent and never edited there. Whoever may view the parent
    may view it: the inline's rows belong to the parent."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [f for f in (self.fields or ()) if isinstance(f, str)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        parent = self.parent_model._meta
        return request.user.has_perm(f"{parent.app_label}.view_{parent.model_name}") or (
            request.user.has_perm(f"{parent.app_label}.change_{parent.model_name}")
        )


def action_form_response(
    modeladmin: admin.ModelAdmin,  # type: ignore[type-arg]
    request: HttpRequest,
    queryset: models.QuerySet[Any],
    *,
    form: Any,
    action: str,
    title: str,
    intro: str,
    submit_label: str,
) -> TemplateResponse:
    """The intermediate page of an admin action that needs input (a comment, a tier): it
    posts back to the changelist with the same selection and `apply` set."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "intro": intro,
        "submit_label": submit_label,
        "form": form,
        "objects": list(queryset),
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "opts": modeladmin.model._meta,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, "admin/action_form.html", context)
