"""An approval may be withdrawn once (recalled by its approver, or fallen with an earlier
step's recall), so the unique steps count only the approvals that stand; on PostgreSQL the
approval's trigger permits exactly that change beside the written sign-off (Art. 17)."""

from django.conf import settings
from django.db import migrations, models

TABLE = "transfers_approval"

# The one UPDATE of each kind an approval allows: its written sign-off, once, and its
# withdrawal, once; nothing else in the same UPDATE, and never a DELETE.
_ONE_CHANGE_EACH = """
CREATE OR REPLACE FUNCTION branch_ops_sign_off_or_withdrawal_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND OLD.signed_off_at IS NULL AND NEW.signed_off_at IS NOT NULL
       AND (to_jsonb(NEW) - 'signed_off_at') = (to_jsonb(OLD) - 'signed_off_at') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE'
       AND OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL
       AND (to_jsonb(NEW) - 'withdrawn_at') = (to_jsonb(OLD) - 'withdrawn_at') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'approval record %: % refused (only a sign-off or a withdrawal, once each)',
        TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def _trigger_calls(editor, function):  # type: ignore[no-untyped-def]
    if editor.connection.vendor != "postgresql":
        return
    editor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_sign_off_only ON {TABLE}")
    editor.execute(
        f"CREATE TRIGGER {TABLE}_sign_off_only BEFORE UPDATE OR DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {function}()"
    )


def forwards(apps, editor):  # type: ignore[no-untyped-def]
    if editor.connection.vendor == "postgresql":
        editor.execute(_ONE_CHANGE_EACH, params=None)
    _trigger_calls(editor, "branch_ops_sign_off_or_withdrawal_only")


def backwards(apps, editor):  # type: ignore[no-untyped-def]
    _trigger_calls(editor, "branch_ops_sign_off_only")


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0017_fees_live_in_the_norm"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="approval",
            options={
                "default_manager_name": "objects",
                "ordering": ["approved_at"],
                "verbose_name": "approval",
                "verbose_name_plural": "approvals",
            },
        ),
        migrations.RemoveConstraint(
            model_name="approval",
            name="approval_step_once",
        ),
        migrations.RemoveConstraint(
            model_name="approval",
            name="approver_once",
        ),
        migrations.AddField(
            model_name="approval",
            name="withdrawn_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="withdrawn at"),
        ),
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
                    ("approval_recalled", "Approval recalled by the approver"),
                    ("approval_fell", "Approval fell with an earlier step's recall"),
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
        migrations.AddConstraint(
            model_name="approval",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=("request", "round", "step"),
                name="approval_step_once",
            ),
        ),
        migrations.AddConstraint(
            model_name="approval",
            constraint=models.UniqueConstraint(
                condition=models.Q(("withdrawn_at__isnull", True)),
                fields=("request", "round", "approver"),
                name="approver_once",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
