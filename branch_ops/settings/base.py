"""Settings shared by every environment. Whatever differs between a laptop and production
comes from the environment (12-factor); the embedded defaults are SQLite and jobs that run
without a Redis server."""

import base64
import hashlib
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from kernel.logging import logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
DEBUG = env.bool("DJANGO_DEBUG", default=False)


def derive_dev_key(secret_key: str, purpose: str) -> str:
    """Dev and test only: a key derived from SECRET_KEY, so a laptop needs no extra setting."""
    digest = hashlib.sha256(f"branch-ops-pii:{purpose}:{secret_key}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


# PIPL Art. 51: identity numbers and phones are encrypted at rest and found by a keyed hash
# (accounts/pii.py). The defaults derive from SECRET_KEY and are for a laptop and the tests
# only; production.py refuses to start without both from the environment.

PII_ENCRYPTION_KEYS = env.list(
    "PII_ENCRYPTION_KEYS", default=[derive_dev_key(SECRET_KEY, "encryption")]
)
PII_HASH_KEY = env("PII_HASH_KEY", default=derive_dev_key(SECRET_KEY, "hash"))
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_fsm",
    "guardian",
    # The second factor (accounts/second_factor.py): TOTP apps and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "kernel",
    "accounts",
    "notifications",
    "core_system",
    "jobs",
    "api",
    "retention",
    "transfers",
    "revisits",
    "archives",
    "headoffice",
    "operations",
    "axes",  # last: its signals watch the login of every app above
]

MIDDLEWARE = [
    # First: whatever the rest logs carries the request's id (kernel/logging.py).
    "kernel.logging.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Before WhiteNoise, which answers static files without calling what follows it: a
    # static file carries the same CSP, framing refusal and Permissions-Policy as a page.
    "kernel.security.SecurityHeadersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kernel.idle.IdleSessionMiddleware",
    "kernel.middleware.BranchLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): signed in with a second factor in this session.
    "django_otp.middleware.OTPMiddleware",
    # Sends whoever owes a second factor to verify (or enrol) before any page or the admin.
    "accounts.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.norm.resolve.RulesMemoMiddleware",
    "kernel.memo.PageMemoMiddleware",
    # A refusal no view answered (a bad page parameter, kernel.params) is a 4xx page.
    "kernel.web.RefusalMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "branch_ops.urls"
WSGI_APPLICATION = "branch_ops.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jobs.context_processors.calendar_notice",
                "branch_ops.context_processors.navigation",
            ],
        },
    },
]

# Two database roles on PostgreSQL (README, Security): web, worker and beat connect as
# DATABASE_URL's role, which may read and write rows but not truncate, alter or own a table
# (kernel/dbroles.py); the one-off migrate step alone is given MIGRATE_DATABASE_URL, the
# tables' owner, and connects as it.
DATABASES = {
    "default": env.db(
        "MIGRATE_DATABASE_URL",
        default=env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.Staff"
# django-guardian's stand-in "AnonymousUser" row: none. Object permissions are granted to
# signed-in staff only (archives' files, records Art. 6), and a staff row that is no one would
# be a head-office person with no branch (accounts/roles.placement_refusal).
ANONYMOUS_USER_NAME = None
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username+address, or address, before any password is checked
    # (JR/T 0060).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kernel.security.LettersAndDigitsValidator"},
]

# Reverse proxies in front of the server (production reads DJANGO_PROXY_COUNT): the client's
# address is the PROXY_COUNT-th entry from the right of X-Forwarded-For, resolved once by
# kernel.request_context.client_ip for the audit trail, the access logs and the lockout.
PROXY_COUNT = 0

# Login lockout (JR/T 0060), counted per client address (kernel/signin.py): 5 failures for one
# username from one address lock that pair for 30 minutes; 20 from one address, whatever the
# usernames (password spraying), lock the address. The login page and the admin's say which
# (templates/registration/locked_out.html).
AXES_HANDLER = "kernel.signin.SigninLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "kernel.request_context.client_ip"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
SIGNIN_FAILURE_LIMITS = {"ip_address": 20}
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# An idle session ends after 30 minutes: pages move the expiry forward (kernel/idle.py).
SESSION_COOKIE_AGE = 30 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
# Roles whose holders must sign in with a second factor (TOTP, README "Second factor"):
# comma-separated role names, e.g. "general_manager,marketing_director". Empty by default,
# so the embedded demo signs in with a password alone.
OTP_REQUIRED_ROLES = env.list("DJANGO_OTP_REQUIRED_ROLES", default=[])
# The name an authenticator app shows beside the account.
OTP_TOTP_ISSUER = env("DJANGO_OTP_TOTP_ISSUER", default="Branch operations")
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Grouping is only ever forced where a page asks (floatformat:"2g", number_format(...,
# force_grouping=True)); USE_THOUSAND_SEPARATOR stays off so inputs are read as typed.
FORMAT_MODULE_PATH = ["branch_ops.formats"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "branch_ops" / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"

EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)

# The branch's link to the core trading system (Art. 16 blocking conditions, password check).
# The default reads the daily export loaded into our own tables; production may point elsewhere.
CORE_SYSTEM_ADAPTER = env(
    "CORE_SYSTEM_ADAPTER", default="core_system.adapters.DailyExportCoreSystem"
)
# The core system's nightly files (core_system/nightly.py): dropped here as
# <BRANCH>_<YYYYMMDD>_<kind>.csv, moved to processed/ or refused/ beneath it once taken.
CORE_DROP_DIR = env.path("CORE_DROP_DIR", default=VAR_DIR / "core-drop")
# Beijing time by which each kind must have loaded, else the general manager is told; a kind
# left out is not expected ("customers=21:30,accounts=21:30,metrics=21:30").
CORE_FILES_DUE_AT: dict[str, str] = env.dict(
    "CORE_FILES_DUE_AT", default={"customers": "21:30", "accounts": "21:30", "metrics": "21:30"}
)

# Celery: the embedded default has no Redis server, so tasks run in-process.
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every job is safe to run again (jobs.registry), so a task is acknowledged only once it has
# finished, and a task whose worker died is handed to another worker rather than dropped.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=15 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=20 * 60)
# A worker killed outright (SIGKILL, the machine lost) acknowledges nothing: Redis keeps the
# message in its `unacked` set until the visibility timeout passes, then any worker takes it
# again. Kombu's default is an hour; no run can still be alive past the hard time limit, so the
# timeout is that limit plus a margin for the queue's wait, and a lost run is redone within
# minutes. The redelivered run marks its dead predecessor abandoned (jobs.tasks).
CELERY_VISIBILITY_MARGIN = env.int("CELERY_VISIBILITY_MARGIN", default=5 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_TASK_TIME_LIMIT + CELERY_VISIBILITY_MARGIN,
    # A worker looks for messages past their timeout this often (kombu's default would let
    # ten minutes go by between two looks).
    "unacked_restore_interval": min(60, CELERY_VISIBILITY_MARGIN),
    "unacked_restore_throttle": 1,
}
# Exactly one scheduler: a second `celery -A branch_ops beat` started by mistake finds the
# lock taken and stops instead of sending every job twice (branch_ops/beat.py).
CELERY_BEAT_SCHEDULER = "branch_ops.beat:SingleBeatScheduler"
BEAT_LOCK_TTL = env.int("BEAT_LOCK_TTL", default=60)
CELERY_BEAT_MAX_LOOP_INTERVAL = max(1, BEAT_LOCK_TTL // 3)
CELERY_TIMEZONE = TIME_ZONE

# The API's throttles count in the cache: Redis, shared by every web worker, when there is
# one; otherwise this process's memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Logs (kernel/logging.py): every line carries the request id (X-Request-ID, carried into
# the tasks a request queues) and is masked of identity numbers, phones and passwords.
# DJANGO_LOG_FORMAT=json writes one JSON object a line (production's default); plain text
# here. The worker keeps this configuration instead of installing Celery's own handler.
LOGGING = logging_config(
    log_format=env("DJANGO_LOG_FORMAT", default="plain"),
    level=env("DJANGO_LOG_LEVEL", default="INFO"),
)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# The scheduled jobs (jobs.registry, revisits/jobs.py), in Beijing time (CELERY_TIMEZONE).
# Each entry's task asks the trading calendar first: a job about the exchanges' days records
# a skipped run on a holiday, the monthly report runs on the month's first trading day only.
# With Redis: `celery -A branch_ops beat` + a worker. Without (the embedded default):
# `manage.py run_scheduler` reads this same table and runs the jobs in-process.
from celery.schedules import crontab  # noqa: E402

_WEEKDAYS = "mon-fri"
JOB_TIMES: list[tuple[str, dict]] = [  # type: ignore[type-arg]
    ("revisits.plan", {"hour": 7, "minute": 30}),
    ("transfers.closure_sweep", {"hour": 8, "minute": 0, "day_of_week": _WEEKDAYS}),
    ("revisits.remind", {"hour": 8, "minute": 30, "day_of_week": _WEEKDAYS}),
    ("revisits.escalate_late", {"hour": 9, "minute": 0, "day_of_week": _WEEKDAYS}),
    ("retention.commitments_escalate", {"hour": 9, "minute": 0, "day_of_week": _WEEKDAYS}),
    ("transfers.sign_offs_escalate", {"hour": 9, "minute": 5, "day_of_week": _WEEKDAYS}),
    ("transfers.late_requests_flag", {"hour": 9, "minute": 10, "day_of_week": _WEEKDAYS}),
    # After the close: today's departures get their first-week revisit before the week ends.
    ("revisits.plan", {"hour": 15, "minute": 30, "day_of_week": _WEEKDAYS}),
    ("retention.at_risk_scan", {"hour": 19, "minute": 0, "day_of_week": _WEEKDAYS}),
    ("retention.monthly_report", {"hour": 7, "minute": 0, "day_of_month": "1-12"}),
    # The firm's report after every branch's (Art. 7): it runs on the first trading day only.
    ("headoffice.month_figures", {"hour": 7, "minute": 20, "day_of_month": "1-12"}),
    # Art. 15: the day's papers are filed after the close; the integrity check runs nightly.
    ("archives.file_day", {"hour": 18, "minute": 0, "day_of_week": _WEEKDAYS}),
    ("archives.integrity_check", {"hour": 2, "minute": 0}),
    ("branch_ops.calendar_watch", {"hour": 7, "minute": 45}),
    # After the core system's end-of-day batch; again before and after the files' due time,
    # for a file that comes late (each run takes only what no run has taken).
    ("core_system.nightly_files", {"hour": 20, "minute": 30, "day_of_week": _WEEKDAYS}),
    ("core_system.nightly_files", {"hour": 21, "minute": 15, "day_of_week": _WEEKDAYS}),
    ("core_system.nightly_files", {"hour": 23, "minute": 0, "day_of_week": _WEEKDAYS}),
    # At each due time: the job itself checks which kinds are due by then.
    *(
        (
            "core_system.nightly_files_late",
            {"hour": int(hour), "minute": int(minute), "day_of_week": _WEEKDAYS},
        )
        for hour, minute in sorted({tuple(t.split(":")) for t in CORE_FILES_DUE_AT.values()})
    ),
    # PIPL Art. 19: an export previewed and never applied is not kept past its day.
    ("core_system.staging_sweep", {"hour": 3, "minute": 15}),
]
CELERY_BEAT_SCHEDULE = {
    f"{name}@{spec['hour']:02d}:{spec['minute']:02d}": {
        "task": "branch_ops.run_scheduled_job",
        "schedule": crontab(**{key: str(value) for key, value in spec.items()}),
        "args": (name,),
    }
    for name, spec in JOB_TIMES
}
# Art. 9, 10: a customer kept waiting at the counter for the approvals reaches the marketing
# director within minutes, not the next morning: every five minutes from 09:00 to 15:55 on
# weekdays, while the counter serves customers (the job skips holidays on record).
CELERY_BEAT_SCHEDULE["transfers.customer_waiting_check@every-5-min"] = {
    "task": "branch_ops.run_scheduled_job",
    "schedule": crontab(minute="*/5", hour="9-15", day_of_week=_WEEKDAYS),
    "args": ("transfers.customer_waiting_check",),
}

# --- Integration API (api/): DRF, its OpenAPI contract and the local docs ---------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar"]

REST_FRAMEWORK = {
    # Systems first: its header ("Token") is what a 401 asks for.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.SystemTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.BranchStaffOrToken"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    # A 429 with Retry-After past these (api/throttling.py): per system token or person, per
    # address for callers not signed in, and per address whoever calls.
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AddressRateThrottle",
        "api.throttling.AnonRateThrottle",
        "api.throttling.PrincipalRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "principal": env("API_RATE_PER_PRINCIPAL", default="600/min"),
        "anon": env("API_RATE_ANONYMOUS", default="60/min"),
        "address": env("API_RATE_PER_ADDRESS", default="1200/min"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Branch operations API",
    "DESCRIPTION": (
        "Customers, transfer requests and their workflow, commitments, revisit tasks and "
        "archive index cards of one branch. Systems authenticate with "
        "`Authorization: Token <key>`; every state-changing call honours `Idempotency-Key`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "CustomerImportStateEnum": "core_system.models.ImportState",
        "TransferStateEnum": "transfers.models.TransferState",
        "TierEnum": "accounts.models.Tier",
        "CustomerKindEnum": "accounts.models.CustomerKind",
        "IdTypeEnum": "accounts.models.IdType",
        "TransferDocumentKindEnum": "transfers.models.DocumentKind",
        "RetainedDocumentEnum": "transfers.models.RetainedDocument",
        "ApprovalStepEnum": "transfers.models.ApprovalStep",
        "ApprovalModeEnum": "transfers.models.ApprovalMode",
        "CommitmentStatusEnum": "retention.models.CommitmentStatus",
        "RevisitReasonEnum": "revisits.models.Reason",
        "RevisitChannelEnum": "revisits.models.Channel",
        "RevisitTopicEnum": "revisits.models.Topic",
        "RevisitTaskStatusEnum": "revisits.models.TaskStatus",
        "ArchiveCategoryEnum": "archives.models.Category",
        "ArchiveMediumEnum": "archives.models.Medium",
        "ArchiveRecordStatusEnum": "archives.models.RecordStatus",
    },
}

# Sign-in through the firm's directory when LDAP_SERVER_URI is set (branch_ops/settings/
# directory.py): its backend after the lockout's, before the local accounts'; its people are
# checked against it each night.
from branch_ops.settings.directory import directory_settings  # noqa: E402

_DIRECTORY = directory_settings(env)
globals().update(_DIRECTORY)
if _DIRECTORY:
    AUTHENTICATION_BACKENDS.insert(1, "accounts.ldap_backend.DirectoryBackend")
    CELERY_BEAT_SCHEDULE["accounts.directory_sync@06:30"] = {
        "task": "branch_ops.run_scheduled_job",
        "schedule": crontab(hour="6", minute="30"),
        "args": ("accounts.directory_sync",),
    }
# Production refuses to start with the demo's accounts signing in (accounts/checks.py).
REFUSE_DEMO_ACCOUNTS = False

# Operations: health, metrics and alerts (operations/).
# First, so a request's time counts every middleware's work (operations/metrics.py).
MIDDLEWARE.insert(0, "operations.metrics.RequestMetricsMiddleware")
# A load balancer probes each instance over plain HTTP, past the proxy that terminates TLS:
# readiness answers it instead of redirecting it to HTTPS. /metrics, which carries a token,
# is not exempt.
SECURE_REDIRECT_EXEMPT = [r"^health/"]
# Processes the nightly filing draws its PDFs in (archives/services/press.py); unset, one
# per CPU.
ARCHIVES_FILING_WORKERS = env.int("ARCHIVES_FILING_WORKERS", default=None)
# Readiness (operations/checks.py).
HEALTH_CALENDAR_TRADING_DAYS = env.int("HEALTH_CALENDAR_TRADING_DAYS", default=20)
HEALTH_MEDIA_MIN_FREE_MB = env.int("HEALTH_MEDIA_MIN_FREE_MB", default=1024)
SCHEDULER_HEARTBEAT_MAX_AGE_MINUTES = env.int("SCHEDULER_HEARTBEAT_MAX_AGE_MINUTES", default=30)
# Backups are the runs of operations.backup_database/_media (below); readiness reports them
# "not configured" while they are off and none has run.
# /metrics: a bearer token and/or the scraper's addresses (CIDR allowed); neither set, 404.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=[])
# Alerts (operations/alerts.py): who is mailed, and how late a scheduled job may be.
OPERATOR_EMAILS = env.list("OPERATOR_EMAILS", default=[])
JOB_GRACE_MINUTES = env.int("JOB_GRACE_MINUTES", default=30)
# The heartbeat proves the scheduler and a worker alive (readiness); the watch runs the
# alerts. Both every few minutes, every day: crontab entries, as the waiting check's above.
CELERY_BEAT_SCHEDULE["branch_ops.heartbeat@every-10-min"] = {
    "task": "branch_ops.run_scheduled_job",
    "schedule": crontab(minute="*/10"),
    "args": ("branch_ops.heartbeat",),
}
CELERY_BEAT_SCHEDULE["operations.watch@every-15-min"] = {
    "task": "branch_ops.run_scheduled_job",
    "schedule": crontab(minute="*/15"),
    "args": ("operations.watch",),
}

# Operations: backups (operations/backup.py). The database through pgBackRest (the WAL archive
# plus base backups: point-in-time recovery), the media as dated snapshots with a SHA-256
# manifest. The keys (DJANGO_SECRET_KEY, PII_ENCRYPTION_KEYS, PII_HASH_KEY) come from the
# environment and are in neither backup (README, "Operations"). Off in the demo: on where
# pgBackRest runs (docker-compose.yml's backup service).
BACKUPS_ENABLED = env.bool("BACKUPS_ENABLED", default=False)
PGBACKREST_STANZA = env("PGBACKREST_STANZA", default="branch_ops")
PGBACKREST_CONFIG = env("PGBACKREST_CONFIG", default="/etc/pgbackrest/pgbackrest.conf")
# The cluster's owner, when this process is another user (root on a CI machine): pgBackRest
# and the restored copy's PostgreSQL run as it (runuser). Empty in the backup container.
PGBACKREST_RUN_AS = env("PGBACKREST_RUN_AS", default="")
BACKUP_MEDIA_DIR = env.path("BACKUP_MEDIA_DIR", default=VAR_DIR / "backups" / "media")
# Full database backups kept (with every differential and WAL segment they need), and media
# snapshots kept: together, how far back a restore can go.
BACKUP_RETENTION_FULL = env.int("BACKUP_RETENTION_FULL", default=4)
BACKUP_MEDIA_KEEP = env.int("BACKUP_MEDIA_KEEP", default=30)
# The day of the full backup (ISO weekday, 7 = Sunday); a differential on the others.
BACKUP_FULL_WEEKDAY = env.int("BACKUP_FULL_WEEKDAY", default=7)
# The nightly backups' time, Beijing (manage.py backup_scheduler), after the day's filing.
BACKUP_TIME = env("BACKUP_TIME", default="01:30")
# A last good backup older than this fails readiness and raises an operators' alert.
BACKUP_MAX_AGE_HOURS = env.int("BACKUP_MAX_AGE_HOURS", default=26)
