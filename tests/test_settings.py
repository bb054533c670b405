"""Production settings, run the way a server starts them: a fresh `manage.py` process with
only the environment to go on."""

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
