"""The Celery app. Without REDIS_URL (the embedded default) tasks run in-process; with it,
a worker and beat run against Redis (docker-compose.yml).

What happens when a worker dies (settings, "Celery"): every job is safe to run again, so tasks
are acknowledged late and a task whose worker was lost goes back to the queue. A worker killed
outright acknowledges nothing; Redis hands its message to another worker once the visibility
timeout passes, which is the longest job's hard time limit plus a margin (minutes, not kombu's
hour). The redelivered task marks the dead attempt's run abandoned before it starts
(jobs.tasks), and any run still "running" past the hard time limit is marked abandoned by the
next job to start (jobs.registry). Only one beat may run: branch_ops/beat.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branch_ops.settings.local")

app = Celery("branch_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
