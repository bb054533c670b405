from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RevisitsConfig(AppConfig):
    name = "revisits"
    verbose_name = _("Revisits")
