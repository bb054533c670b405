"""Why a customer leaves (Art. 8, 20–28): the taxonomy a request records."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ChurnReason(models.Model):
    """Why a customer leaves (Art. 8, 20–28): the taxonomy the request records at the counter
    and retention's playbooks, memos and analysis follow."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    article = models.PositiveSmallIntegerField(_("article"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        db_table = "retention_churnreason"  # kept from when retention held it
        verbose_name = _("churn reason")
        verbose_name_plural = _("churn reasons")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh
