"""Production: everything from the environment. Refuses to start without a real secret key
and the hosts it serves."""

from django.core.exceptions import ImproperlyConfigured

from branch_ops.settings.base import *  # noqa: F403
from branch_ops.settings.base import env
from kernel.logging import logging_config

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
# The same bar as Django's own deploy check (security.W009), so a key that passes here passes there.
if (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY.startswith(("dev-only", "django-insecure"))
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of 50+ characters "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
# PIPL Art. 51: the keys of personal data never derive from anything committed.
PII_ENCRYPTION_KEYS = env.list("PII_ENCRYPTION_KEYS", default=[])
PII_HASH_KEY = env("PII_HASH_KEY", default="")
if not PII_ENCRYPTION_KEYS or len(PII_HASH_KEY) < 32:
    raise ImproperlyConfigured(
        "PII_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first: python -c 'from "
        "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())') and "
        "PII_HASH_KEY (32+ random characters) must be set."
    )
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the hosts this server answers for.")
DEBUG = False
# One JSON object a line for the log collector unless DJANGO_LOG_FORMAT=plain; with DEBUG
# off Django logs no SQL, so no query's parameters reach a line (kernel/logging.py).
LOGGING = logging_config(
    log_format=env("DJANGO_LOG_FORMAT", default="json"),
    level=env("DJANGO_LOG_LEVEL", default="INFO"),
)
REFUSE_DEMO_ACCOUNTS = True

DATABASES = {"default": env.db("MIGRATE_DATABASE_URL", default=env.str("DATABASE_URL"))}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
# A kept connection the database dropped (restart, failover, idle timeout) is tested before
# the request's first query and replaced, instead of failing that request with a 500.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
# Behind the proxy, REMOTE_ADDR is the proxy's: the client's address is read from the entries
# the trusted proxies appended to X-Forwarded-For (kernel.request_context.client_ip).
PROXY_COUNT = env.int("DJANGO_PROXY_COUNT", default=1)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
DEFAULT_FROM_EMAIL = env("DJANGO_DEFAULT_FROM_EMAIL", default="branch-ops@localhost")
