"""PIPL Art. 51: who saw a customer's full details; append-only in PostgreSQL itself."""
# 10:32

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from kernel.audit import add_append_only_triggers, drop_append_only_triggers

TABLES = ["accounts_customeraccesslog"]


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_pii_encrypted'),
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerAccessLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(auto_now_add=True, verbose_name='seen at')),
                ('client_ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='client IP')),
                ('channel', models.CharField(choices=[('page', 'Customer page'), ('api', 'API'), ('admin', 'Admin')], max_length=10, verbose_name='through')),
                ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='seen by')),
                ('branch', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.branch')),
                ('customer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='accounts.customer', verbose_name='customer')),
            ],
            options={
                'verbose_name': 'customer access',
                'verbose_name_plural': 'customer access log',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['customer', 'at'], name='accounts_cu_custome_1553fd_idx')],
            },
        ),
        migrations.RunPython(
            lambda apps, editor: add_append_only_triggers(editor, TABLES),
            lambda apps, editor: drop_append_only_triggers(editor, TABLES),
        ),
    ]
