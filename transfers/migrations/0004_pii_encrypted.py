"""PIPL Art. 51: personal values encrypted at rest (accounts/pii.py). The columns widen to
hold the ciphertext, then the rows written before are encrypted and their digests filled."""

import accounts.pii
from django.db import migrations

ENCRYPT_ROWS = accounts.pii.migration_encrypt_rows('transfers', 'transferrequest')


class Migration(migrations.Migration):

    dependencies = [
        ('transfers', '0003_audit_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='transferrequest',
            name='agent_id_number_digest',
            field=accounts.pii.PiiDigestField(kind='id_number', source='agent_id_number'),
        ),
        migrations.AlterField(
            model_name='transferrequest',
            name='agent_id_number',
            field=accounts.pii.EncryptedCharField(blank=True, max_length=40, verbose_name="agent's identity number"),
        ),
        migrations.RunPython(*ENCRYPT_ROWS),
    ]
