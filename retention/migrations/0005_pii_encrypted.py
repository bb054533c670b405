"""PIPL Art. 51: personal values encrypted at rest (accounts/pii.py). The columns widen to
hold the ciphertext, then the rows written before are encrypted and their digests filled."""

import accounts.pii
from django.db import migrations

ENCRYPT_ROWS = accounts.pii.migration_encrypt_rows('retention', 'workmemo')


class Migration(migrations.Migration):

    dependencies = [
        ('retention', '0004_seed_playbooks'),
    ]

    operations = [
        migrations.AlterField(
            model_name='workmemo',
            name='contact_phone',
            field=accounts.pii.EncryptedCharField(blank=True, max_length=30, verbose_name='contact phone'),
        ),
        migrations.RunPython(*ENCRYPT_ROWS),
    ]
