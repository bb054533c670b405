from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisitsConfig(AppConfig):
    name = "revisits"
    verbose_name = _("Revisits")

    def ready(self) -> None:
        # Open revisits follow a customer the core system moves to another account manager.
        from core_system.hooks import on_managers_moved

        from .services.handover import revisits_hand_over

        on_managers_moved(revisits_hand_over)
