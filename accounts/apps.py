from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Branches, staff and customers")

    def ready(self) -> None:
        # Permissions exist only after every app has migrated, so the role groups are kept
        # in step then rather than in a migration.
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.roles_sync")
        from . import (
            checks,  # noqa: F401  (registers the system checks)
            second_factor,  # noqa: F401  (notes at sign-in who owes a second factor)
        )


def _sync_roles(sender, **kwargs):  # type: ignore[no-untyped-def]
    from .services import roles_sync

    # Each app's permissions appear in its own post_migrate; syncing after every app keeps
    # the groups complete whatever the app order (a handful of queries).
    roles_sync()
