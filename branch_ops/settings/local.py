"""A laptop: `make run`. SQLite and in-process jobs unless the environment says otherwise."""

from branch_ops.settings.base import *  # noqa: F403
from branch_ops.settings.base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
# Development only: the benchmark and the demo seeders (devtools/), never in production.
INSTALLED_APPS = [*INSTALLED_APPS[:-1], "devtools", INSTALLED_APPS[-1]]  # noqa: F405 (axes last)
