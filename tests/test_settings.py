"""Production settings, run the way a server starts them: a fresh `manage.py` process with
only the environment to go on."""

import json
import os
import secrets
import string
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

BASE_DIR = Path(__file__).resolve().parent.parent
# The variables the settings read; the parent's values must not leak into the child.
OURS = (
    "DJANGO_",
    "DATABASE_URL",
    "MIGRATE_DATABASE_URL",
    "REDIS_URL",
    "CORE_SYSTEM_ADAPTER",
    "PII_",
)


def random_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _i in range(60))


def manage(*args: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(OURS)}
    clean.update(
        DJANGO_SETTINGS_MODULE="branch_ops.settings.production",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy-check.sqlite3'}",
        PII_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        PII_HASH_KEY=secrets.token_urlsafe(40),
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={k: v for k, v in clean.items() if v is not None and v != "<unset>"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_deploy_check_is_clean_with_a_real_key_and_hosts(tmp_path):
    result = manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="branch.example.com",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNING" not in result.stderr.upper()


@pytest.mark.parametrize(
    "key",
    ["<unset>", "", "short-key", "dev-only-insecure-key-never-use-in-production" + "x" * 20],
    ids=["unset", "empty", "short", "the-dev-default"],
)
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    result = manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=key,
        DJANGO_ALLOWED_HOSTS="branch.example.com",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set to a random value" in result.stderr


@pytest.mark.parametrize("hosts", ["<unset>", ""], ids=["unset", "empty"])
def test_production_refuses_to_start_without_allowed_hosts(tmp_path, hosts):
    result = manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS=hosts,
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must name the hosts" in result.stderr


@pytest.mark.parametrize(
    "missing", ["PII_ENCRYPTION_KEYS", "PII_HASH_KEY"], ids=["no-encryption-key", "no-hash-key"]
)
def test_production_refuses_to_start_without_the_personal_data_keys(tmp_path, missing):
    result = manage(
        "check",
        "--deploy",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="branch.example.com",
        **{missing: "<unset>"},
    )
    assert result.returncode != 0
    assert "PII_ENCRYPTION_KEYS" in result.stderr


def test_branch_works_in_beijing_time_and_simplified_chinese():
    from branch_ops.settings import base

    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert base.LANGUAGE_CODE == "zh-hans"
    assert settings.USE_TZ


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (.ci/run sets it)")
def test_celery_worker_answers_through_the_configured_redis(tmp_path):
    """The worker that docker-compose runs boots with our Celery settings against Redis and
    answers a ping sent through the same broker."""
    from branch_ops.celery import app

    assert app.conf.broker_url.startswith("redis://")
    name = f"ci-{uuid.uuid4().hex[:8]}@localhost"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["DJANGO_SETTINGS_MODULE"] = "branch_ops.settings.test"
    worker = subprocess.Popen(
        [
            *(sys.executable, "-m", "celery", "-A", "branch_ops", "worker", "--pool=solo"),
            *("--without-heartbeat", "--without-gossip", "--without-mingle"),
            *("-n", name, "--loglevel=WARNING"),
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "worker.log").open("w"),
    )
    try:
        replies: list[dict] = []
        for _try in range(30):
            replies = app.control.ping(destination=[name], timeout=1.0)
            if replies or worker.poll() is not None:
                break
        assert replies == [{name: {"ok": "pong"}}], (tmp_path / "worker.log").read_text()
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_production_has_no_demo_seeder_or_benchmark(tmp_path):
    result = manage(
        "seed_demo",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="branch.example.com",
    )
    assert result.returncode != 0
    assert "Unknown command: 'seed_demo'" in result.stderr


def production_settings(tmp_path: Path, *names: str, **env: str) -> dict[str, object]:
    """The values production's settings take from this environment, read by a fresh process."""
    code = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    result = manage(
        "shell",
        "-c",
        code,
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="branch.example.com",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_reads_the_client_behind_one_proxy_unless_told_otherwise(tmp_path):
    names = ("PROXY_COUNT", "AXES_CLIENT_IP_CALLABLE")
    default = production_settings(tmp_path, *names)
    assert default == {
        "PROXY_COUNT": 1,
        "AXES_CLIENT_IP_CALLABLE": "kernel.request_context.client_ip",
    }
    assert production_settings(tmp_path, *names, DJANGO_PROXY_COUNT="2")["PROXY_COUNT"] == 2
    assert settings.PROXY_COUNT == 0  # tests and development: no proxy, REMOTE_ADDR is the client


def test_production_checks_a_kept_database_connection_before_using_it(tmp_path):
    """A kept connection (CONN_MAX_AGE) the database has dropped is replaced, not a 500."""
    for age in ("60", "0"):
        databases = production_settings(tmp_path, "DATABASES", DJANGO_CONN_MAX_AGE=age)
        default = databases["DATABASES"]["default"]
        assert default["CONN_MAX_AGE"] == int(age) and default["CONN_HEALTH_CHECKS"] is True


def test_a_killed_workers_task_comes_back_after_the_longest_job_can_run_not_after_an_hour():
    """A worker killed outright acknowledges nothing; Redis gives its message to another
    worker once the visibility timeout passes. No run outlives the hard time limit, so the
    timeout is that limit plus a margin: long enough never to hand a live run to a second
    worker, short enough that a lost run is redone within minutes."""
    from branch_ops.celery import app

    options = app.conf.broker_transport_options
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert options["visibility_timeout"] > app.conf.task_time_limit
    assert options["visibility_timeout"] <= app.conf.task_time_limit + 10 * 60
    assert options["visibility_timeout"] < 3600
    assert options["unacked_restore_interval"] <= 60


@pytest.mark.parametrize(
    ("migrate_url", "user"),
    [("<unset>", "branch_ops_app"), ("postgres://branch_ops:pw@db:5432/branch_ops", "branch_ops")],
)
def test_only_the_migrate_step_connects_as_the_tables_owner(tmp_path, migrate_url, user):
    # README, Security: web, worker and beat log in as the application's role; the one-off
    # migrate service alone is given MIGRATE_DATABASE_URL, the owner's.
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['USER'], d['NAME'])",
        tmp_path=tmp_path,
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="branch.example.com",
        DATABASE_URL="postgres://branch_ops_app:pw@db:5432/branch_ops",
        MIGRATE_DATABASE_URL=migrate_url,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [user, "branch_ops"]


def test_production_refuses_to_start_with_the_demo_accounts_present(tmp_path):
    """The production start migrates first (docker-compose.yml), and migrate runs the database
    checks: a demo account opening with the published password stops it (accounts/checks.py)."""
    keys = {"DJANGO_SECRET_KEY": random_key(), "DJANGO_ALLOWED_HOSTS": "branch.example.com"}
    assert manage("migrate", "--no-input", tmp_path=tmp_path, **keys).returncode == 0
    create = (
        "from accounts.models import Branch, Staff; "
        "b = Branch.objects.create(code='SZ001', name='x'); "
        "Staff.objects.create_user('director', password='demo-2026', branch=b); "
        "Staff.objects.create_user('clerk', password='Another-pass-12', branch=b)"
    )
    assert manage("shell", "-c", create, tmp_path=tmp_path, **keys).returncode == 0
    refused = manage("check", "--deploy", "--database", "default", tmp_path=tmp_path, **keys)
    assert refused.returncode != 0
    assert "accounts.E001" in refused.stderr
    assert "director" in refused.stderr and "clerk" not in refused.stderr
    assert manage("migrate", "--no-input", tmp_path=tmp_path, **keys).returncode != 0

    reset = "from accounts.models import Staff; s = Staff.objects.get(username='director'); "
    reset += "s.set_password('A-real-pass-2026'); s.save()"
    assert manage("shell", "-c", reset, tmp_path=tmp_path, **keys).returncode == 0
    allowed = manage("check", "--deploy", "--database", "default", tmp_path=tmp_path, **keys)
    assert allowed.returncode == 0, allowed.stderr
