# Created the job runs' and notices' tables (or the API's tokens and idempotency records),
# which now belong to their own app: api/migrations/0001_initial.py adopts the table where this created it and
# creates it on a new database. Kept so that databases which applied it stay consistent.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('branch_ops', '0002_dailynotice_jobrun'),
    ]

    operations = []
