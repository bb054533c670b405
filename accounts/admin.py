"""Branches, staff and customers in the admin, each branch seeing only itself. Personal
fields are shown masked; only the head office's administrator sees them in full, to correct
a record, and every such change form is logged (PIPL Art. 51). The manual tier is set only
through customer_set_tier."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm, UsernameField
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_mixins import (
    BranchScopedAdmin,
    BranchScopedAdminMixin,
    PiiSearchAdminMixin,
    action_form_response,
    scope_to_branch,
)
from kernel.errors import ApplicationError
from kernel.request_context import client_ip

from . import permissions, services
from .models import AccessChannel, AccessPurpose, Branch, Customer, RevealedField, Staff, Tier
from .roles import Role


@admin.register(Branch)
class BranchAdmin(BranchScopedAdmin):
    branch_lookup = "pk"
    list_display = ("code", "name")
    # The branch's rules are the firm's norm as it refines them: the rules page, not here.
    fields = ("code", "name")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The code is printed on every receipt number; only a superuser corrects it.
        return () if request.user.is_superuser else ("code",)


class StaffCreationForm(AdminUserCreationForm):
    class Meta:
        model = Staff
        fields = ("username", "branch", "display_name")
        field_classes = {"username": UsernameField}


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = Staff
        fields = "__all__"
        field_classes = {"username": UsernameField}

    def _post_clean(self) -> None:
        # The model's clean checks the branch against the roles (accounts/roles.
        # placement_refusal): the roles being saved here, not the ones held until now.
        if "groups" in self.cleaned_data:
            groups = self.cleaned_data["groups"]
            self.instance.__dict__["role_names"] = frozenset(g.name for g in groups)
        super()._post_clean()  # type: ignore[misc]  # ModelForm's, not in the stubs


@admin.register(Staff)
class StaffAdmin(BranchScopedAdminMixin, UserAdmin):
    branch_lookup = "branch"
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ("username", "display_name", "roles_display", "branch", "is_active")
    list_filter = ("is_active", "groups", ("branch", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "display_name", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Branch"), {"fields": ("branch", "display_name")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "branch",
                    "display_name",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("roles"))
    def roles_display(self, obj: Staff) -> str:
        return obj.roles_display

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "branch" and not request.user.is_superuser:
            # A branch's managers place people in their own branch; only the head office's
            # administrator makes a head-office person, who has none.
            field.required = True
        return field

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Roles are groups; single permissions and superuser status are not handed out
            # branch by branch.
            readonly += ["is_superuser", "user_permissions"]
        return readonly


class TierForm(forms.Form):
    tier = forms.ChoiceField(
        label=_("tier"),
        choices=[("", _("computed from assets and volume")), *Tier.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("why"), max_length=200, required=False, widget=forms.TextInput(attrs={"size": 60})
    )


@admin.register(Customer)
class CustomerAdmin(PiiSearchAdminMixin, BranchScopedAdmin):
    branch_lookup = "branch"
    pii_search_prefix = ""
    list_display = (
        "masked_name_display",
        "fund_account",
        "masked_id_display",
        "masked_phone_display",
        "kind",
        "tier_display",
        "account_manager",
    )
    list_filter = (
        "kind",
        "tier_override",
        ("account_manager", admin.RelatedOnlyFieldListFilter),
    )
    # A full fund account, identity number or phone finds the customer (the last two through
    # their keyed hash, PiiSearchAdminMixin); parts of a number do not, so a list that masks
    # numbers cannot be searched digit by digit.
    search_fields = ("=fund_account", "name")
    list_select_related = ("branch", "account_manager")
    ordering = ("name", "pk")  # stable pages, in the list and in the autocomplete
    actions = ("set_tier",)

    _IDENTITY = (
        "kind",
        "name",
        "id_type",
        "id_number",
        "phone",
        "fund_account",
        "sh_account",
        "sh_designated_here",
        "sz_account",
    )
    _MASKED_IDENTITY = (
        "kind",
        "masked_name_display",
        "id_type",
        "masked_id_display",
        "masked_phone_display",
        "fund_account",
        "sh_account",
        "sh_designated_here",
        "sz_account",
    )
    _TIER_OVERRIDE = (
        "tier_override",
        "tier_override_reason",
        "tier_override_by",
        "tier_override_at",
    )

    @admin.display(description=_("name"), ordering="name")
    def masked_name_display(self, obj: Customer) -> str:
        return obj.masked_name

    @admin.display(description=_("identity document number"))
    def masked_id_display(self, obj: Customer) -> str:
        return obj.masked_id_number

    @admin.display(description=_("phone"))
    def masked_phone_display(self, obj: Customer) -> str:
        return obj.masked_phone

    @admin.display(description=_("tier"))
    def tier_display(self, obj: Customer) -> str:
        label = str(obj.tier.label)
        return f"{label} *" if obj.tier_override else label

    @admin.display(description=_("tier computed from assets and volume"))
    def computed_tier_display(self, obj: Customer) -> str:
        return str(obj.computed_tier.label)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        # A superuser corrects the record itself; everyone else sees the numbers masked.
        identity = (
            self._IDENTITY
            if permissions.may_correct_record(request.user)
            else self._MASKED_IDENTITY
        )
        return (
            (None, {"fields": ("branch", *identity)}),
            (_("Account manager"), {"fields": ("account_manager",)}),
            (
                _("Assets and tier"),
                {"fields": ("assets", "annual_volume", "computed_tier_display", "tier_display")},
            ),
            (_("Tier set by hand"), {"fields": self._TIER_OVERRIDE}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The manual tier changes only through the "set tier" action, which records who
        # and why.
        readonly = ["computed_tier_display", "tier_display", *self._TIER_OVERRIDE]
        if not permissions.may_correct_record(request.user):
            readonly += [
                "branch",
                *self._MASKED_IDENTITY,
                "assets",
                "annual_volume",
            ]
        return readonly

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None and permissions.may_correct_record(request.user):
            # PIPL Art. 51: this form holds the decrypted identity number and phone.
            services.customer_reveal(
                customer=obj,
                actor=request.user,  # type: ignore[arg-type]
                field=RevealedField.RECORD,
                purpose=AccessPurpose.CORRECT_RECORD,
                client_ip=client_ip(request),
                channel=AccessChannel.ADMIN,
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "account_manager":
            kwargs["queryset"] = scope_to_branch(
                Staff.objects.filter(groups__name=Role.ACCOUNT_MANAGER, is_active=True),
                request,
                "branch",
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.action(description=_("Set the tier by hand"), permissions=["change"])
    def set_tier(self, request: HttpRequest, queryset: QuerySet[Customer]) -> HttpResponse | None:
        form = TierForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return action_form_response(
                self,
                request,
                queryset,
                form=form,
                action="set_tier",
                title=gettext("Set the tier by hand"),
                intro=gettext(
                    "The tier decides who approves a transfer (Art. 17). Say why it is set by "
                    "hand; an empty tier returns to the one computed from assets and volume."
                ),
                submit_label=gettext("Set the tier"),
            )
        done = 0
        for customer in queryset:
            try:
                services.customer_set_tier(
                    customer=customer,
                    actor=request.user,  # type: ignore[arg-type]
                    tier=form.cleaned_data["tier"],
                    reason=form.cleaned_data["reason"],
                )
            except ApplicationError as exc:
                self.message_user(request, f"{customer}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "Tier set for %(count)d customer.", "Tier set for %(count)d customers.", done
                )
                % {"count": done},
                messages.SUCCESS,
            )
        return None
