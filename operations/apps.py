from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "operations"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from .metrics import signin_locked_out

        user_locked_out.connect(signin_locked_out, dispatch_uid="operations.signin_locked_out")
