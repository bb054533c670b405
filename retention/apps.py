from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Retention")

    def ready(self) -> None:
        # Art. 30: every customer who left or deferred gets a work memo, written in the same
        # transaction as the request's outcome.
        from accounts.norm.hooks import on_rule_set
        from core_system.hooks import on_managers_moved
        from core_system.models import CoreFileKind
        from core_system.nightly import core_file_loader
        from transfers.hooks import on_home_panel, on_queue_count, on_request_outcome

        from .home_panels import commitments_due_panel
        from .nightly_files import metrics_core_file_load
        from .selectors.playbooks import attempts_count, playbooks_in_force
        from .services.handover import contact_tasks_hand_over
        from .services.memos import memo_record_outcome

        on_request_outcome(memo_record_outcome)
        # Art. 20-28, 35: the playbooks are part of the branch's rule set.
        on_rule_set(playbooks_in_force)
        # Art. 29, 34: the promises falling due are on the director's home page.
        on_home_panel(commitments_due_panel)
        # Art. 8(4), 29: what the counter tried is on the approvers' queue rows.
        on_queue_count("attempts_count", attempts_count)
        # Art. 28: open contact tasks follow a customer the core system moves to another manager.
        on_managers_moved(contact_tasks_hand_over)
        # Art. 5-6: the core system's daily figures arrive with the night's files.
        core_file_loader(CoreFileKind.METRICS)(metrics_core_file_load)
