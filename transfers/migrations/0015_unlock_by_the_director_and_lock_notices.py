"""The request's trail names the notice of a lock to the customer."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("transfers", "0014_receipt_print_append_only"),
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
    ]
