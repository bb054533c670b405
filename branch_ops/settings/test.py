"""The test suite: the embedded defaults, or the machine's PostgreSQL and Redis when
DATABASE_URL / REDIS_URL are set (the second half of .ci/run)."""

from branch_ops.settings.base import *  # noqa: F403

# Development only: the benchmark and the demo seeders (devtools/), never in production.
INSTALLED_APPS = [*INSTALLED_APPS[:-1], "devtools", INSTALLED_APPS[-1]]  # noqa: F405 (axes last)
# `make lint`'s lintmigrations: a new migration the version before it could not serve
# beside (a dropped or renamed column, NOT NULL without a database default) fails the lint.
INSTALLED_APPS += ["django_migration_linter"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tasks run in the test's own process and transaction even when REDIS_URL points the broker
# at a real Redis (the second half of .ci/run): no worker reads the test database.
CELERY_TASK_ALWAYS_EAGER = True
# Static files come straight from the apps, as under runserver: no collectstatic before tests.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The nightly filing draws its papers in the test's process; the tests of the pool of
# processes (tests/archives/test_filing_in_parallel.py) ask for one.
ARCHIVES_FILING_WORKERS = 1
# Tests read messages in English, the source language of the catalogue; the Chinese default
# is tested on its own (tests/kernel/test_language.py overrides this back).
LANGUAGE_CODE = "en"
# The API's throttles are off: the suite calls from one address at one frozen instant, so
# every test's calls would count against the next. tests/api/test_throttling.py turns them
# on with override_settings (the throttles read the rates at each request).
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"principal": None, "anon": None, "address": None},
}
# Each run's own memory, even when REDIS_URL points at a shared Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
