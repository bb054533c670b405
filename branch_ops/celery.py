"""The Celery app. Without REDIS_URL (the embedded default) tasks run in-process; with it,
a worker and beat run against Redis (docker-compose.yml)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branch_ops.settings.local")

app = Celery("branch_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
