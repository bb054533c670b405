"""Commitments, commission agreements, contact tasks and complaints become state machines
with one audit trail (append-only in PostgreSQL itself); the overdue-commitment escalations
move into the one ledger of notices sent (jobs.DailyNotice), keeping who was told of which
commitment on which day."""

import django.db.models.deletion
import django_fsm
from django.conf import settings
from django.db import migrations, models

from kernel.audit import add_append_only_triggers, drop_append_only_triggers

TABLES = ["retention_retentionauditentry"]


def escalations_to_notices(apps, schema_editor):
    """Each escalation told the owner and the branch's marketing directors; the ledger keeps
    one row per person told, so a rerun the same day tells nobody twice."""
    Escalation = apps.get_model("retention", "CommitmentEscalation")
    DailyNotice = apps.get_model("jobs", "DailyNotice")
    Staff = apps.get_model("accounts", "Staff")
    rows = []
    for escalation in Escalation.objects.select_related("commitment").iterator():
        commitment = escalation.commitment
        told = set(
            Staff.objects.filter(
                branch_id=commitment.branch_id, groups__name="marketing_director"
            ).values_list("pk", flat=True)
        )
        told.add(commitment.owner_id)
        rows += [
            DailyNotice(
                kind="retention.commitment_overdue",
                ref=f"commitment:{commitment.pk}",
                recipient_id=pk,
                business_date=escalation.on_date,
            )
            for pk in told
        ]
    DailyNotice.objects.bulk_create(rows, ignore_conflicts=True)


def notices_to_escalations(apps, schema_editor):
    Escalation = apps.get_model("retention", "CommitmentEscalation")
    DailyNotice = apps.get_model("jobs", "DailyNotice")
    notices = DailyNotice.objects.filter(kind="retention.commitment_overdue")
    Escalation.objects.bulk_create(
        [
            Escalation(commitment_id=int(ref.split(":")[1]), on_date=day)
            for ref, day in set(notices.values_list("ref", "business_date"))
        ],
        ignore_conflicts=True,
    )
    notices.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_customer_name_search_indexes'),
        ('jobs', '0001_initial'),
        ('retention', '0005_pii_encrypted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='commissionagreement',
            name='status',
            field=django_fsm.FSMField(choices=[('agreed', 'Agreed within the range'), ('pending', 'Below the floor: awaiting the marketing director'), ('approved', 'Below the floor: approved'), ('refused', 'Below the floor: refused')], max_length=20, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='commitment',
            name='status',
            field=django_fsm.FSMField(choices=[('open', 'Open'), ('kept', 'Kept'), ('cancelled', 'Cancelled')], default='open', max_length=20, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='complaint',
            name='status',
            field=django_fsm.FSMField(choices=[('open', 'Open'), ('resolved', 'Resolved')], default='open', max_length=20, protected=True, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='retentioncontacttask',
            name='status',
            field=django_fsm.FSMField(choices=[('open', 'Open'), ('done', 'Done')], default='open', max_length=20, protected=True, verbose_name='status'),
        ),
        migrations.CreateModel(
            name='RetentionAuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                ('from_state', models.CharField(blank=True, max_length=30, verbose_name='from')),
                ('to_state', models.CharField(blank=True, max_length=30, verbose_name='to')),
                ('comment', models.TextField(blank=True, verbose_name='comment')),
                ('client_ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='client IP')),
                ('action', models.CharField(choices=[('commitment_made', 'Promise made'), ('commitment_kept', 'Promise kept'), ('commitment_cancelled', 'Promise cancelled'), ('commission_agreed', 'Commission rate agreed'), ('commission_proposed', 'Rate below the floor proposed'), ('commission_approved', 'Rate below the floor approved'), ('commission_refused', 'Rate below the floor refused'), ('contact_done', 'Customer contacted'), ('complaint_resolved', 'Complaint resolved')], max_length=40, verbose_name='action')),
                ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.branch', verbose_name='branch')),
                ('commission_agreement', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='retention.commissionagreement')),
                ('commitment', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='retention.commitment')),
                ('complaint', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='retention.complaint')),
                ('contact_task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='audit_entries', to='retention.retentioncontacttask')),
            ],
            options={
                'verbose_name': 'retention audit entry',
                'verbose_name_plural': 'retention audit trail',
                'ordering': ['at', 'pk'],
                'abstract': False,
            },
        ),
        migrations.RunPython(escalations_to_notices, notices_to_escalations),
        migrations.DeleteModel(
            name='CommitmentEscalation',
        ),
        migrations.AddConstraint(
            model_name='retentionauditentry',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('commission_agreement__isnull', True), ('commitment__isnull', False), ('complaint__isnull', True), ('contact_task__isnull', True)), models.Q(('commission_agreement__isnull', False), ('commitment__isnull', True), ('complaint__isnull', True), ('contact_task__isnull', True)), models.Q(('commission_agreement__isnull', True), ('commitment__isnull', True), ('complaint__isnull', True), ('contact_task__isnull', False)), models.Q(('commission_agreement__isnull', True), ('commitment__isnull', True), ('complaint__isnull', False), ('contact_task__isnull', True)), _connector='OR'), name='retention_audit_about_one_object'),
        ),
        migrations.RunPython(
            lambda apps, editor: add_append_only_triggers(editor, TABLES),
            lambda apps, editor: drop_append_only_triggers(editor, TABLES),
        ),
    ]
