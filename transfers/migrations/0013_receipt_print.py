# Every print of a receipt, the first and each reprint (补打), is logged: who, when, which
# copies, from where (transfers/models/papers.py).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('transfers', '0012_revocation_is_free'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ReceiptPrint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('number', models.PositiveSmallIntegerField(verbose_name='print number')),
                ('copies', models.CharField(choices=[('both', 'Both copies'), ('customer', "Customer's copy"), ('branch', "Branch's copy")], max_length=10, verbose_name='copies')),
                ('printed_at', models.DateTimeField(auto_now_add=True, verbose_name='when')),
                ('client_ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='client IP')),
                ('printed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='who')),
                ('request', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='receipt_prints', to='transfers.transferrequest', verbose_name='request')),
            ],
            options={
                'verbose_name': 'receipt print',
                'verbose_name_plural': 'receipt prints',
                'ordering': ['request', 'number'],
                'constraints': [models.UniqueConstraint(fields=('request', 'number'), name='receipt_print_counted_once')],
            },
        ),
    ]
