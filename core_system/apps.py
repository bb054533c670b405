from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreSystemConfig(AppConfig):
    name = "core_system"
    verbose_name = _("Core system")
