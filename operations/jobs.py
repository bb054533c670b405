"""The operations app's jobs, found by jobs.registry's autodiscovery of `<app>/jobs.py`."""

from operations import jobs_backup  # noqa: F401
