"""PIPL Art. 6, 51: the customer access log says which field was shown in full and why.
Adding columns rewrites no row, so the append-only triggers of 0003 need no exception; rows
written before have both blank."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_branch_approval_wait_alert'),
    ]

    operations = [
        migrations.AddField(
            model_name='customeraccesslog',
            name='field',
            field=models.CharField(blank=True, choices=[('none', 'nothing in full'), ('name', 'full name'), ('phone', 'phone'), ('identity', 'name, identity number and phone'), ('record', 'every personal field')], max_length=10, verbose_name='shown in full'),
        ),
        migrations.AddField(
            model_name='customeraccesslog',
            name='note',
            field=models.CharField(blank=True, max_length=200, verbose_name='note'),
        ),
        migrations.AddField(
            model_name='customeraccesslog',
            name='purpose',
            field=models.CharField(blank=True, choices=[('verify_identity', 'verify identity at the counter'), ('revisit_call', 'revisit call'), ('retention_call', 'retention call'), ('work_memo', 'work memo follow-up'), ('correct_record', 'correct the customer record')], max_length=20, verbose_name='purpose'),
        ),
    ]
