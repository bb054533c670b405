from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Retention")

    def ready(self) -> None:
        # Art. 30: every customer who left or deferred gets a work memo, written in the same
        # transaction as the request's outcome.
        from transfers.hooks import on_request_outcome

        from .services.memos import memo_record_outcome

        on_request_outcome(memo_record_outcome)
