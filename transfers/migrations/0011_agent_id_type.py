# An agent may identify with a passport or a residence permit, each number checked by its own
# rules (transfers/validators.py); requests received before stay blank.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('transfers', '0010_closure_waits_for_its_conditions'),
    ]

    operations = [
        migrations.AddField(
            model_name='transferrequest',
            name='agent_id_type',
            field=models.CharField(blank=True, choices=[('resident_id', 'Resident identity card'), ('passport', 'Passport'), ('hmt_permit', 'Hong Kong/Macau/Taiwan residence permit')], max_length=20, verbose_name="agent's identity document"),
        ),
    ]
