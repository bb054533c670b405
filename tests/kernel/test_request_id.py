"""One request id per request (kernel/logging.py): taken from X-Request-ID when it is a
plain token, made otherwise, answered in the response, written on every log record of the
request, carried into the tasks it queues (their message headers) and restored after them."""

import contextvars
import logging
import re
import time

import pytest
from celery import shared_task
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from kernel import logging as request_logging
from kernel.logging import (
    REQUEST_ID_HEADER,
    TASK_HEADER,
    RequestIdFilter,
    RequestIdMiddleware,
    request_id_current,
    request_id_set,
    task_publish_add_request_id,
)
from tests.test_celery_redis import _redis_answers, client_app, worker  # noqa: F401 (fixtures)

PROXY_ID = "5f2b9c1e0d8a4b7f9e3c6a1d2b4f8e0a"


class Records(logging.Handler):
    """Every record, with the request id the configured filter gives it."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.addFilter(RequestIdFilter())
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def tasks_in_this_process():
    """Tasks run here, as the test settings have them, whatever an earlier test of the
    process left behind: Celery's worker machinery marks the whole process as one where
    waiting on a result would block (celery._state), eager mode may have been turned off, and
    another app made the current one, which a shared task then resolves to."""
    from celery import _state

    from branch_ops.celery import app

    current = _state.get_current_app()
    eager, blocks = app.conf.task_always_eager, _state.task_join_will_block()
    app.set_current()
    app.conf.task_always_eager = True
    _state._set_task_join_will_block(False)
    yield
    app.conf.task_always_eager = eager
    _state._set_task_join_will_block(blocks)
    current.set_current()


@pytest.fixture
def records():
    handler = Records()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield handler.records
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@shared_task(name="tests.kernel.log_something")
def log_something() -> str:
    logging.getLogger("tests.kernel.task").info("the task ran")
    return request_id_current()


@pytest.mark.django_db
def test_a_plain_x_request_id_from_the_proxy_is_kept_and_answered(client):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=PROXY_ID)
    assert response.headers[REQUEST_ID_HEADER] == PROXY_ID


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sent",
    [
        "",
        "short",  # under 8 characters
        "a" * 37,  # longer than the audit rows' column
        "abc def 123456",  # a space
        "abcdefgh\nforged log line",  # a line break
        "31010119800101123X",  # an identity number
        "13800138000abc",  # a phone
    ],
)
def test_an_unsafe_or_missing_x_request_id_is_replaced_by_a_new_one(client, sent):
    response = client.get(reverse("login"), HTTP_X_REQUEST_ID=sent)
    answered = response.headers[REQUEST_ID_HEADER]
    assert answered != sent
    assert re.fullmatch(r"[0-9a-f]{32}", answered)


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("login")).headers[REQUEST_ID_HEADER]
    second = client.get(reverse("login")).headers[REQUEST_ID_HEADER]
    assert first != second


@pytest.mark.django_db
def test_every_record_of_a_request_carries_its_id_even_djangos_error_answer(client, records):
    client.get("/no-such-page/", HTTP_X_REQUEST_ID=PROXY_ID)
    not_found = [r for r in records if r.name == "django.request"]
    # django.request writes "Not Found" after the middleware has returned.
    assert not_found and {r.request_id for r in not_found} == {PROXY_ID}
    assert {r.request_id for r in records} == {PROXY_ID}


def test_outside_a_request_the_id_is_empty_and_the_record_says_so(records):
    logging.getLogger("tests.kernel").info("between requests")
    assert request_id_current() == ""
    assert records[-1].request_id == "-"


def test_a_task_queued_in_a_request_logs_with_the_requests_id(records):
    def view(request):
        log_something.delay()
        return HttpResponse("ok")

    response = RequestIdMiddleware(view)(RequestFactory().get("/", HTTP_X_REQUEST_ID=PROXY_ID))
    [ran] = [r for r in records if r.name == "tests.kernel.task"]
    assert ran.request_id == PROXY_ID == response.headers[REQUEST_ID_HEADER]
    # The task's end restores the request's id, and the request's end clears it.
    assert request_id_current() == ""


def test_the_queuing_requests_id_goes_into_the_tasks_message_headers():
    headers: dict = {}
    token = request_id_set(PROXY_ID)
    try:
        task_publish_add_request_id(headers=headers)
    finally:
        request_logging._request_id.reset(token)
    assert headers == {TASK_HEADER: PROXY_ID}


def test_a_task_run_elsewhere_takes_the_id_from_its_headers_then_forgets_it(records):
    # A worker's context: no request id of its own.
    returned = contextvars.Context().run(
        lambda: (log_something.apply(headers={TASK_HEADER: PROXY_ID}).get(), request_id_current())
    )
    assert returned == (PROXY_ID, "")
    [ran] = [r for r in records if r.name == "tests.kernel.task"]
    assert ran.request_id == PROXY_ID


def test_a_scheduled_task_queued_by_nobody_gets_an_id_of_its_own(records):
    returned = contextvars.Context().run(lambda: log_something.apply().get())
    assert re.fullmatch(r"[0-9a-f]{32}", returned)


@pytest.mark.skipif(not _redis_answers(), reason="no Redis server answers on 127.0.0.1:6379")
def test_a_real_worker_logs_the_task_with_the_id_its_message_brought(worker, client_app):  # noqa: F811
    queue, _process, log_path = worker
    sent = "d4c3b2a1d4c3b2a1d4c3b2a1d4c3b2a1"
    result = client_app.send_task("branch_ops.ping", queue=queue, headers={TASK_HEADER: sent})
    result.get(timeout=25)
    # The worker writes its line after the result is stored: give it a moment.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and f"[{sent}]" not in log_path.read_text():
        time.sleep(0.2)
    lines = [line for line in log_path.read_text().splitlines() if "succeeded" in line]
    assert any(f"[{sent}]" in line for line in lines), log_path.read_text()[-3000:]
