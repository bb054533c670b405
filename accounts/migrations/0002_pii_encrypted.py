"""PIPL Art. 51: personal values encrypted at rest (accounts/pii.py). The columns widen to
hold the ciphertext, then the rows written before are encrypted and their digests filled."""

import accounts.pii
from django.db import migrations

ENCRYPT_ROWS = accounts.pii.migration_encrypt_rows('accounts', 'customer')


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='customer',
            name='id_number_digest',
            field=accounts.pii.PiiDigestField(kind='id_number', source='id_number'),
        ),
        migrations.AddField(
            model_name='customer',
            name='phone_digest',
            field=accounts.pii.PiiDigestField(kind='phone', source='phone'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='id_number',
            field=accounts.pii.EncryptedCharField(max_length=40, verbose_name='identity document number'),
        ),
        migrations.AlterField(
            model_name='customer',
            name='phone',
            field=accounts.pii.EncryptedCharField(blank=True, max_length=30, verbose_name='phone'),
        ),
        migrations.RunPython(*ENCRYPT_ROWS),
    ]
