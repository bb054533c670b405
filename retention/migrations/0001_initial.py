# Created the churn-reason taxonomy, which belongs to transfers now (its 0001 creates the
# table, under the same name). Kept so that databases which applied it stay consistent.

from django.db import migrations


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = []
