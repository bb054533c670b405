from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KernelConfig(AppConfig):
    name = "kernel"
    # The label its tables, migrations and permissions were created under: keeping it
    # renames nothing in an existing database (branch_ops_calendaryear, branch_ops.view_…).
    label = "branch_ops"
    verbose_name = _("Branch operations")

    def ready(self) -> None:
        from kernel.logging import celery_signals_connect

        # The request id travels with every task queued, from any app (kernel/logging.py).
        celery_signals_connect()
