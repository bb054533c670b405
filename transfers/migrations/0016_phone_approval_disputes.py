"""Art. 17: a phone approval its approver disputes; the dispute is append-only in PostgreSQL
itself, like the approval beside it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kernel.audit import add_append_only_triggers, drop_append_only_triggers

TABLES = ["transfers_approvaldispute"]


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0015_unlock_by_the_director_and_lock_notices"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="transferauditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("create", "Request received"),
                    ("verify_documents", "Documents verified"),
                    ("refuse", "Refused"),
                    ("record_reason", "Reason recorded"),
                    ("reason_changed", "Reason corrected"),
                    ("go_on", "Customer goes on"),
                    ("customer_stays", "Customer stays"),
                    ("defer", "Customer defers"),
                    ("resume", "Customer resumes"),
                    ("send_back", "Sent back"),
                    ("clear", "Approval complete, nothing blocks"),
                    ("block", "Blocked"),
                    ("recheck", "Blocking conditions rechecked"),
                    ("start_processing", "Processing started"),
                    ("password_confirmed", "Customer confirmed with password"),
                    ("password_wrong", "Wrong password"),
                    ("lock_password", "Locked after wrong passwords"),
                    ("unlock_password", "Unlocked"),
                    ("customer_told_locked", "Notice of the lock to the customer"),
                    ("complete", "Completed"),
                    (
                        "complete_awaiting_closure",
                        "Transferred; the closure waits for its conditions",
                    ),
                    ("close_account", "Fund account closed"),
                    ("approval_disputed", "Phone approval disputed by the approver"),
                    ("reopen_approval", "Approval taken again after a dispute"),
                    ("approve_counter_lead", "Approved in person: Counter lead"),
                    ("approve_account_manager", "Approved in person: Account manager"),
                    ("approve_marketing_director", "Approved in person: Marketing director"),
                    ("approve_general_manager", "Approved in person: General manager"),
                    ("phone_approve_counter_lead", "Approved by phone: Counter lead"),
                    ("phone_approve_account_manager", "Approved by phone: Account manager"),
                    ("phone_approve_marketing_director", "Approved by phone: Marketing director"),
                    ("phone_approve_general_manager", "Approved by phone: General manager"),
                    ("sign_off_counter_lead", "Written sign-off: Counter lead"),
                    ("sign_off_account_manager", "Written sign-off: Account manager"),
                    ("sign_off_marketing_director", "Written sign-off: Marketing director"),
                    ("sign_off_general_manager", "Written sign-off: General manager"),
                ],
                max_length=40,
                verbose_name="action",
            ),
        ),
        migrations.CreateModel(
            name="ApprovalDispute",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="disputed at")),
                ("reason", models.CharField(max_length=500, verbose_name="why it is disputed")),
                (
                    "approval",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="dispute",
                        to="transfers.approval",
                        verbose_name="approval",
                    ),
                ),
                (
                    "disputed_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="disputed by",
                    ),
                ),
            ],
            options={
                "verbose_name": "disputed phone approval",
                "verbose_name_plural": "disputed phone approvals",
                "ordering": ["at", "pk"],
            },
        ),
        migrations.RunPython(
            lambda apps, editor: add_append_only_triggers(editor, TABLES),
            lambda apps, editor: drop_append_only_triggers(editor, TABLES),
        ),
    ]
