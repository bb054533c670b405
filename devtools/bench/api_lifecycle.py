"""The request lifecycle, benchmarked, through /api/v1/: gunicorn with two workers serves the
project's WSGI app, and a few client threads in this process take prepared customers from
creation to completion over HTTP, as a system holding tokens would (create → documents →
reason → go on → each approval of the tier's route, by the approver's own token → the
blocking check that the last approval runs → processing → password → complete).

Every customer is used once: a customer with any request is never picked again, so a second
run on the same data set takes the next ones."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import urlsplit

from django.conf import settings

from accounts.models import Branch, Customer, CustomerKind, Staff
from api.authentication import system_token_issue
from api.models import SystemToken
from devtools.bench.generator import TRADING_PASSWORD
from devtools.bench.runners import Say, stats
from transfers.approval_rules import ROUTES
from transfers.models import ApprovalStep, RetainedDocument

WORKERS = 2
CLIENTS = 4
TOKEN_NAME = "bench lifecycle"
CLERK_SCOPES = ("transfers:read", "transfers:write")
APPROVER_SCOPES = ("transfers:read", "approvals:write")
# The generator's usernames: f"{branch code}-{key}".
STEP_PERSON = {
    ApprovalStep.COUNTER_LEAD: "lead",
    ApprovalStep.MARKETING_DIRECTOR: "director",
    ApprovalStep.GENERAL_MANAGER: "gm",
}
KEPT_ERRORS = 5


class LifecycleError(Exception):
    """A call that did not answer as the lifecycle expects; the message is for the report."""


@dataclass(frozen=True)
class Case:
    """One customer to take through the lifecycle."""

    customer: int
    account_manager: int
    institution: bool = False


@dataclass(frozen=True)
class Keys:
    """Token keys by the person they act as: the counter clerk, who receives and processes,
    and each approver (the account manager's step belongs to the customer's own one)."""

    clerk: str
    approvers: dict[str, str]
    managers: dict[int, str]

    def for_step(self, step: str, case: Case) -> str:
        if step == ApprovalStep.ACCOUNT_MANAGER:
            return self.managers[case.account_manager]
        return self.approvers[step]


class Http:
    """One client's connection to the server, every call timed. http.client from the
    standard library: light on the CPU the server shares, and not thread-safe, so one per
    client thread."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urlsplit(base_url)
        self.prefix = parts.path.rstrip("/")
        self.connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1", parts.port, timeout=timeout
        )
        self.latencies: list[float] = []

    def call(
        self, method: str, path: str, *, token: str, body: dict[str, Any] | None = None
    ) -> tuple[int, Any]:
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        data = None
        if method != "GET":
            data = json.dumps(body or {}).encode()
            headers["Content-Type"] = "application/json"
            headers["Idempotency-Key"] = uuid.uuid4().hex
        started = time.perf_counter()
        try:
            self.connection.request(method, self.prefix + path, body=data, headers=headers)
            response = self.connection.getresponse()
            raw = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            raise
        self.latencies.append(time.perf_counter() - started)
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw.decode(errors="replace")

    def close(self) -> None:
        self.connection.close()


def _post(
    api: Http,
    token: str,
    path: str,
    body: dict[str, Any],
    *,
    state: str | None,
    status: int = 200,
) -> dict[str, Any]:
    got, answer = api.call("POST", path, token=token, body=body)
    if got != status or not isinstance(answer, dict):
        raise LifecycleError(f"POST {path}: {got} {str(answer)[:400]}")
    if state is not None and answer.get("state") != state:
        raise LifecycleError(f"POST {path}: state {answer.get('state')!r}, not {state!r}")
    return answer


def drive(api: Http, keys: Keys, case: Case, *, password: str) -> dict[str, Any]:
    """One request from creation to completion; returns the completed request as the API
    shows it, or raises LifecycleError at the first answer that is not the expected one."""
    clerk = keys.clerk
    req = _post(
        api,
        clerk,
        "/api/v1/requests/",
        {
            "customer": case.customer,
            "wants_sz_transfer": True,
            "sz_receiving_broker": "某某证券",
            "sz_receiving_seat": "123456",
        },
        state="received",
        status=201,
    )
    url = f"/api/v1/requests/{req['id']}"
    req = _post(
        api,
        clerk,
        f"{url}/documents/",
        {"checked": req["documents_required"]},
        state="documents_verified",
    )
    req = _post(
        api,
        clerk,
        f"{url}/reason/",
        {"primary_reason": "moved_away", "note": "客户称新居离营业部较远。"},
        state="retention",
    )
    req = _post(
        api, clerk, f"{url}/go-on/", {"comment": "客户坚持办理。"}, state="awaiting_approval"
    )
    for _ in ApprovalStep:
        if req["state"] != "awaiting_approval":
            break
        open_steps = [s["step"] for s in req["approval_progress"] if s["is_open"]]
        if not open_steps:
            raise LifecycleError(f"{url}: awaiting approval with no open step")
        token = keys.for_step(open_steps[0], case)
        req = _post(api, token, f"{url}/approve/", {"note": ""}, state=None)
    # The last approval ran the Art. 16 blocking check.
    if req["state"] != "approved" or req["blocking_checked_at"] is None:
        raise LifecycleError(
            f"{url}: after the approvals {req['state']!r}, blocking {req['blocking_conditions']}"
        )
    _post(api, clerk, f"{url}/start-processing/", {}, state="processing")
    req = _post(api, clerk, f"{url}/password/", {"password": password}, state="processing")
    if not req["password_confirmed"]:
        raise LifecycleError(f"{url}: the password was not confirmed")
    retained = [RetainedDocument.FORM_ORIGINAL, RetainedDocument.IDENTITY_COPY]
    if case.institution:
        retained.append(RetainedDocument.AUTHORISATION_COPY)
    return _post(
        api, clerk, f"{url}/complete/", {"retained": [str(r) for r in retained]}, state="completed"
    )


def issue_keys(*, clerk: Staff, approvers: dict[str, Staff], managers: Iterable[Staff]) -> Keys:
    """One token per acting person, with the scopes its part of the lifecycle needs."""

    def key(person: Staff, scopes: tuple[str, ...]) -> str:
        return system_token_issue(
            name=TOKEN_NAME, branch=person.own_branch, acting_as=person, scopes=scopes
        )[1]

    return Keys(
        clerk=key(clerk, CLERK_SCOPES),
        approvers={step: key(p, APPROVER_SCOPES) for step, p in approvers.items()},
        managers={p.pk: key(p, APPROVER_SCOPES) for p in managers},
    )


def unused_cases() -> list[Case]:
    """The generator's lifecycle customers (a core-system state with a trading password)
    that no request has touched yet, all at one branch."""
    from core_system.models import CoreAccountState

    ids = list(
        CoreAccountState.objects.filter(trading_password_hash__gt="")
        .exclude(customer__transfer_requests__isnull=False)
        .order_by("customer_id")
        .values_list("customer_id", flat=True)
    )
    customers = (
        Customer.objects.filter(pk__in=ids, account_manager__isnull=False)
        .only("pk", "kind", "account_manager", "branch")
        .order_by("pk")
    )
    cases, branch_id = [], None
    for c in customers:
        branch_id = branch_id or c.branch_id
        if c.branch_id != branch_id:
            continue
        assert c.account_manager_id is not None
        cases.append(Case(c.pk, c.account_manager_id, c.kind == CustomerKind.INSTITUTION))
    return cases


def _bench_keys(branch: Branch, cases: list[Case]) -> Keys:
    def person(key: str) -> Staff:
        return Staff.objects.get(username=f"{branch.code.lower()}-{key}", branch=branch)

    tiers = {
        c.approval_tier
        for c in Customer.objects.filter(pk__in=[c.customer for c in cases])
        .select_related("branch")
        .only("pk", "kind", "assets", "annual_volume", "tier_override", "branch")
    }
    steps = {step for tier in tiers for step in ROUTES[tier]}
    return issue_keys(
        clerk=person("clerk"),
        approvers={step: person(who) for step, who in STEP_PERSON.items() if step in steps},
        managers=Staff.objects.filter(pk__in={c.account_manager for c in cases}),
    )


# The server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _server_env() -> dict[str, str]:
    """This process's environment (DATABASE_URL, the core-system adapter, …) and settings
    module, without DEBUG (which keeps every query in memory and answers errors in HTML)."""
    env = os.environ.copy()
    env["DJANGO_SETTINGS_MODULE"] = settings.SETTINGS_MODULE
    env["DJANGO_DEBUG"] = "false"
    # The clients call as fast as the server answers, from one address: the throttles would
    # measure themselves, not the lifecycle.
    for rate in ("API_RATE_PER_PRINCIPAL", "API_RATE_ANONYMOUS", "API_RATE_PER_ADDRESS"):
        env[rate] = ""
    hosts = [h for h in env.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]
    if hosts and "127.0.0.1" not in hosts:
        env["DJANGO_ALLOWED_HOSTS"] = ",".join([*hosts, "127.0.0.1"])
    return env


def _tail(log: IO[bytes], chars: int = 2000) -> str:
    log.flush()
    log.seek(0)
    return log.read().decode(errors="replace")[-chars:]


def _wait_until_up(proc: subprocess.Popen[bytes], base_url: str, log: IO[bytes]) -> None:
    parts = urlsplit(base_url)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{_tail(log)}")
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=5)
        try:
            connection.request("GET", "/api/v1/")
            connection.getresponse().read()
            return  # any answer (a 401 here) means a worker has loaded the app
        except OSError:
            time.sleep(0.2)
        finally:
            connection.close()
    raise RuntimeError(f"gunicorn did not answer within 60 s:\n{_tail(log)}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        # The master would not stop: its session (started for it alone) goes with the workers.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _workers_cpu(master: int) -> float | None:
    """CPU seconds the master's workers have used so far (Linux /proc; None elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        pids = [d for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return None
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        if int(fields[1]) == master:  # ppid; utime and stime follow at 11 and 12
            total += int(fields[11]) + int(fields[12])
    return total / tick


@dataclass(frozen=True)
class Server:
    url: str
    pid: int
    log: IO[bytes]


@contextlib.contextmanager
def gunicorn(workers: int = WORKERS) -> Iterator[Server]:
    """gunicorn serving branch_ops.wsgi on a free local port, stopped on the way out."""
    base_url = f"http://127.0.0.1:{_free_port()}"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "branch_ops.wsgi:application",
                "--workers",
                str(workers),
                "--bind",
                base_url.removeprefix("http://"),
                "--chdir",
                str(settings.BASE_DIR),
                "--timeout",
                "60",
                "--graceful-timeout",
                "10",
            ],
            env=_server_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            _wait_until_up(proc, base_url, log)
            yield Server(base_url, proc.pid, log)
        finally:
            _stop(proc)


# The load -----------------------------------------------------------------------------------


@dataclass
class Load:
    """What the client threads share: the customers still to take, the start line and the
    deadline, and the tally."""

    server: Server
    keys: Keys
    cases: queue.SimpleQueue[Case]
    seconds: float
    start: threading.Barrier = field(init=False)
    started_at: float = 0.0
    cpu_at_start: float | None = None
    completed: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failed += 1
            if len(self.errors) < KEPT_ERRORS:
                self.errors.append(message[:500])

    def go(self) -> None:
        self.cpu_at_start = _workers_cpu(self.server.pid)
        self.started_at = time.perf_counter()


def _client(load: Load) -> None:
    api = Http(load.server.url)
    try:
        # Untimed warm-up: each worker answers a first call or two before the clock starts.
        for _ in range(2):
            status, answer = api.call("GET", "/api/v1/requests/?page_size=1", token=load.keys.clerk)
            if status != 200:
                raise LifecycleError(f"warm-up: GET /api/v1/requests/: {status} {answer}"[:500])
        api.latencies.clear()
        load.start.wait()
        while time.perf_counter() < load.started_at + load.seconds:
            try:
                case = load.cases.get_nowait()
            except queue.Empty:
                break
            try:
                drive(api, load.keys, case, password=TRADING_PASSWORD)
            except LifecycleError as error:
                load.fail(str(error))
            except Exception as error:  # an answer of another shape, a dropped connection
                load.fail(f"customer {case.customer}: {type(error).__name__}: {error}")
            else:
                with load.lock:
                    load.completed += 1
    except threading.BrokenBarrierError:
        pass  # another client's warm-up failed: nobody starts
    except (LifecycleError, OSError, http.client.HTTPException) as error:
        load.fail(str(error) if isinstance(error, LifecycleError) else f"warm-up: {error!r}")
        load.start.abort()
    finally:
        api.close()
        with load.lock:
            load.latencies.extend(api.latencies)


def _run(load: Load, clients: int) -> tuple[float, float | None]:
    """The clients against the server until the deadline; returns the seconds from the
    start until the last lifecycle in flight at the deadline had finished, and the CPU
    seconds the workers used meanwhile."""
    load.start = threading.Barrier(clients + 1, action=load.go)
    threads = [threading.Thread(target=_client, args=(load,)) for _ in range(clients)]
    for t in threads:
        t.start()
    with contextlib.suppress(threading.BrokenBarrierError):
        load.start.wait(timeout=120)
    for t in threads:
        t.join()
    if not load.started_at:
        return 0.0, None
    busy = time.perf_counter() - load.started_at
    cpu = _workers_cpu(load.server.pid)
    if cpu is None or load.cpu_at_start is None:
        return busy, None
    return busy, cpu - load.cpu_at_start


def bench_api_lifecycle(say: Say, seconds: float = 20.0, clients: int = CLIENTS) -> dict[str, Any]:
    wall = time.perf_counter()
    name = f"request lifecycle through /api/v1/, {WORKERS} gunicorn workers"
    cases = unused_cases()
    if not cases:
        refused = {"name": name, "error": "no unused lifecycle customers left: generate again"}
        say(f"lifecycle: {refused}")
        return refused
    branch = Branch.objects.get(customers__pk=cases[0].customer)
    pending: queue.SimpleQueue[Case] = queue.SimpleQueue()
    for case in cases:
        pending.put(case)
    server_log = ""
    try:
        keys = _bench_keys(branch, cases)
        with gunicorn() as server:
            load = Load(server, keys, pending, seconds)
            busy, cpu = _run(load, clients)
            if load.failed:
                server_log = _tail(server.log)
    finally:
        # The bench's tokens stop working with the bench.
        SystemToken.objects.filter(name=TOKEN_NAME, branch=branch, active=True).update(active=False)
    calls = len(load.latencies)
    out: dict[str, Any] = {
        "name": name,
        "completed": load.completed,
        "failed": load.failed,
        "seconds": round(busy, 2),
        "wall_seconds": round(time.perf_counter() - wall, 2),
        "rps": round(load.completed / busy, 2) if busy else 0.0,
        "calls": calls,
        "calls_per_second": round(calls / busy, 1) if busy else 0.0,
        "call": stats(load.latencies) if calls else {},
        # On a shared machine the rate says how busy it was; the workers' CPU time per
        # lifecycle (PostgreSQL's not included) says what the API costs.
        "server_cpu_ms_per_lifecycle": round(1000 * cpu / load.completed)
        if cpu is not None and load.completed
        else None,
        "clients": clients,
        "workers": WORKERS,
        "customers_left": pending.qsize(),
        "errors": load.errors,
    }
    if server_log:
        out["server_log_tail"] = server_log
    say(f"lifecycle: {out}")
    return out
