"""One request id through a page, the Celery tasks it queues and the audit rows it writes,
and log lines that never carry personal data.

The id lives in a context variable: set by ``RequestIdMiddleware`` for a request, carried in
a queued task's message headers (``before_task_publish``) and set again around the task's
run in the worker (``task_prerun`` / ``task_postrun``; connected in ``KernelConfig.ready``).
Every log record gets it through ``RequestIdFilter``; audit rows take it as their default
(``kernel.audit.RequestTraced``).

PIPL Art. 51 and the firm's data rules (DOMAIN.md): an identity number, a phone or a
customer's trading password is personal data and never belongs in a log. The code does not
log them; ``RedactFilter`` is the last line of defence for a message or an exception that
would (a library's, a future slip), masking them before any handler writes the line.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# The header a queued task's message carries the id in (Celery's custom headers).
TASK_HEADER = "request_id"
# The audit rows' column is 36 long: a uuid with its hyphens, or a proxy's 32 hex digits.
REQUEST_ID_MAX_LENGTH = 36

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,35}")


def request_id_current() -> str:
    """The id of the request or task running now; empty outside both (a shell, a migration).
    Also the audit rows' default, so every trail records it without each service passing it."""
    return _request_id.get()


def request_id_new() -> str:
    return uuid.uuid4().hex


def request_id_set(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def request_id_accepted(value: str | None) -> str | None:
    """A caller's (or the proxy's) X-Request-ID when it is a plain token of 8 to 36 letters,
    digits, dots, dashes and underscores that reads as no personal data; otherwise None and
    a new id is made. A client chooses this header, so it is never trusted to carry anything
    else into the logs and the audit trail: not a line break, not an identity number."""
    if not value or not _SAFE_ID.fullmatch(value) or redact(value) != value:
        return None
    return value


class RequestIdMiddleware:
    """First in MIDDLEWARE, so whatever the rest of the stack logs carries the id. The id is
    answered in the response's X-Request-ID, for a person reporting a problem to quote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        value = request_id_accepted(request.headers.get(REQUEST_ID_HEADER)) or request_id_new()
        # Django logs a 4xx/5xx answer (django.request) after the middleware has returned:
        # the filter then reads the id from the request the record carries.
        request.request_id = value  # type: ignore[attr-defined]
        token = _request_id.set(value)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response.headers[REQUEST_ID_HEADER] = value
        return response


# --- Celery: the id travels in the message's headers --------------------------------------


def task_publish_add_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    """before_task_publish: the queuing request's (or task's) id goes with the message."""
    current = _request_id.get()
    if headers is not None and current and not headers.get(TASK_HEADER):
        headers[TASK_HEADER] = current


_task_tokens: dict[str, contextvars.Token[str]] = {}


def _header_of(task: Any) -> str | None:
    request = getattr(task, "request", None)
    if request is None:
        return None
    # A worker exposes a custom header as an attribute of the task's request; an eager
    # apply() (the tests, the embedded default) keeps it in request.headers.
    value = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        TASK_HEADER
    )
    return value if isinstance(value, str) else None


def task_prerun_set_request_id(task_id: str | None = None, task: Any = None, **_: Any) -> None:
    """task_prerun: the id the message brought; a task run in-process keeps the id already
    current (the request's); a scheduled job, queued by nobody, gets its own."""
    value = request_id_accepted(_header_of(task)) or _request_id.get() or request_id_new()
    if task_id:
        _task_tokens[task_id] = _request_id.set(value)


def task_postrun_clear_request_id(task_id: str | None = None, **_: Any) -> None:
    """task_postrun: back to what was current before (nothing in a worker, the request's id
    for a task run in-process), so the next task on this worker starts clean."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is not None:
        _request_id.reset(token)


def celery_signals_connect() -> None:
    from celery import signals

    signals.before_task_publish.connect(task_publish_add_request_id, weak=False)
    signals.task_prerun.connect(task_prerun_set_request_id, weak=False)
    signals.task_postrun.connect(task_postrun_clear_request_id, weak=False)


# --- Redaction ---------------------------------------------------------------------------

# GB 11643: 17 digits and a check character (a digit or X), not inside a longer number.
_IDENTITY_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
# Mainland mobile numbers: 11 digits starting 1[3-9], with or without +86.
_PHONE = re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9])")
_SECRET_WORDS = r"password|passwd|pwd|passcode|secret|token|口令|密码"
# `password=…`, `"password": "…"`, `password: …` in a message, a query string or a repr
# (a QueryDict's: `'password': ['…']`).
_SECRET_VALUE = re.compile(
    rf"(?i)((?:{_SECRET_WORDS})[\w-]*['\"]?\s*[:=]\s*[\['\"]*)([^\s'\"&,;}})\]]+)"
)
_SECRET_KEY = re.compile(rf"(?i){_SECRET_WORDS}")
MASK = "***"


def redact(text: str) -> str:
    text = _SECRET_VALUE.sub(lambda m: m.group(1) + MASK, text)
    text = _IDENTITY_NUMBER.sub("[identity number]", text)
    return _PHONE.sub("[phone]", text)


def _mask_secret_keys(args: Any) -> Any:
    # "%(password)s" with a mapping: the value is masked by its key before formatting, since
    # the formatted text no longer says which part was the password.
    if isinstance(args, Mapping):
        return {key: MASK if _SECRET_KEY.search(str(key)) else v for key, v in args.items()}
    return args


class RedactFilter(logging.Filter):
    """Masks identity numbers, phones and anything given as a password in a record's
    message, arguments, exception and stack before a handler formats it. The message is
    formatted here and its arguments dropped: an argument's str() is what would leak."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.args = _mask_secret_keys(record.args)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call is still written, masked, not lost
            message = f"{record.msg} {record.args!r}"
        record.msg, record.args = redact(message), ()
        for name in list(vars(record)):
            if _SECRET_KEY.search(name):
                setattr(record, name, MASK)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RequestIdFilter(logging.Filter):
    """Every record gets ``request_id``: the current request's or task's, or the request
    the record is about (django.request logs an error answer after the middleware)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        record.request_id = getattr(request, "request_id", "") or _request_id.get() or "-"
        return True


# --- Formats -------------------------------------------------------------------------------

# Attributes a record may carry that are safe and useful in a line; the rest of `extra` is
# not written, since an arbitrary object's repr could carry personal data.
_EXTRA_FIELDS = ("status_code", "task_id", "task_name", "job", "business_date")


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for the log collector: time (UTC, ISO 8601), level, logger,
    message, request_id, and the exception when there is one. Hand-written: a dozen lines
    of json.dumps need no extra dependency."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        for name in _EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value if isinstance(value, int | float | bool) else str(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """settings.LOGGING: JSON lines (``json``, production's default) or plain text
    (``plain``, a laptop's and the tests'), both with the request id and both redacted."""
    if log_format not in ("json", "plain"):
        raise ValueError(f"DJANGO_LOG_FORMAT must be 'json' or 'plain', not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "kernel.logging.RequestIdFilter"},
            "redact": {"()": "kernel.logging.RedactFilter"},
        },
        "formatters": {
            "json": {"()": "kernel.logging.JsonFormatter"},
            "plain": {"format": PLAIN_FORMAT},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "redact"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # runserver's request lines (Django gives them a handler of their own) carry the query
        # string, where a search by identity number or phone puts it: masked like the rest.
        "loggers": {"django.server": {"handlers": ["console"], "propagate": False}},
    }
