# The churn reason's content type (and so its permissions and admin history) follows the
# model from retention to transfers.

from django.db import migrations

from kernel.migration_operations import move_content_types


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('transfers', '0006_request_list_index'),
    ]

    operations = [
        migrations.RunPython(
            move_content_types(from_label='retention', to_label='transfers', models=['churnreason']),
            migrations.RunPython.noop,
        ),
    ]
