# Art. 12 names only the custody-transfer fee: the Shanghai revocation is free, as closing
# already is. The services never charged a revocation fee from here on, so a schedule row
# that still says otherwise is set to 0 before the database starts refusing it.

from django.db import migrations, models


def revocation_fees_to_zero(apps, schema_editor):
    FeeSchedule = apps.get_model("transfers", "FeeSchedule")
    FeeSchedule.objects.filter(item="sh_revocation").exclude(amount=0).update(amount=0)


class Migration(migrations.Migration):

    dependencies = [
        ('transfers', '0011_agent_id_type'),
    ]

    operations = [
        migrations.RunPython(revocation_fees_to_zero, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='feeschedule',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('item', 'sh_revocation'), _negated=True), ('amount', 0), _connector='OR'), name='revocation_is_free'),
        ),
    ]
