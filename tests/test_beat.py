"""Exactly one scheduler: a second `celery beat` finds the first one's lock in Redis and stops
instead of sending every job twice; the holder renews its lock on every tick, stops if it has
lost it, and frees it when it closes. Needs Redis (REDIS_URL; .ci/run sets it)."""

import os
import time
import uuid

import pytest
from celery import Celery

from branch_ops.beat import SchedulerLockTaken, SingleBeatScheduler

REDIS_URL = os.environ.get("REDIS_URL", "")

needs_redis = pytest.mark.skipif(
    not REDIS_URL.startswith("redis"), reason="needs REDIS_URL (.ci/run sets it)"
)


@pytest.fixture
def lock_key():
    import redis

    key = f"test:beat-lock:{uuid.uuid4().hex}"
    yield key
    redis.Redis.from_url(REDIS_URL).delete(key)


@pytest.fixture
def beat_app():
    app = Celery("beat-probe", broker=REDIS_URL, set_as_current=False)
    app.conf.update(beat_schedule={}, timezone="Asia/Shanghai")
    yield app
    app.close()


def _beat(app, tmp_path, key, ttl=30):
    scheduler = SingleBeatScheduler(
        app=app, schedule_filename=str(tmp_path / f"schedule-{uuid.uuid4().hex}"), lazy=True
    )
    scheduler.lock_key = key
    scheduler.lock_ttl = ttl
    scheduler.setup_schedule()
    return scheduler


def _redis():
    import redis

    return redis.Redis.from_url(REDIS_URL)


@needs_redis
def test_a_second_beat_stops_while_the_first_holds_the_lock(beat_app, tmp_path, lock_key):
    first = _beat(beat_app, tmp_path, lock_key)

    with pytest.raises(SchedulerLockTaken) as refusal:
        _beat(beat_app, tmp_path, lock_key)

    assert "Another celery beat holds the scheduler lock" in str(refusal.value)
    assert _redis().get(lock_key).decode() == first.lock_token
    first.close()


@needs_redis
def test_a_closed_beat_frees_the_lock_for_the_next(beat_app, tmp_path, lock_key):
    first = _beat(beat_app, tmp_path, lock_key)
    first.close()

    second = _beat(beat_app, tmp_path, lock_key)

    assert _redis().get(lock_key).decode() == second.lock_token
    second.close()


@needs_redis
def test_each_tick_renews_the_lock(beat_app, tmp_path, lock_key):
    beat = _beat(beat_app, tmp_path, lock_key, ttl=30)
    _redis().expire(lock_key, 2)

    beat.tick()

    assert _redis().ttl(lock_key) > 2
    beat.close()


@needs_redis
def test_a_beat_that_lost_its_lock_stops_and_leaves_the_new_holders_lock(
    beat_app, tmp_path, lock_key
):
    beat = _beat(beat_app, tmp_path, lock_key)
    _redis().set(lock_key, "another-beat")  # it stalled past the TTL and another took over

    with pytest.raises(SchedulerLockTaken):
        beat.tick()
    beat.close()

    assert _redis().get(lock_key) == b"another-beat"


@needs_redis
def test_the_lock_lapses_when_its_holder_dies_without_closing(beat_app, tmp_path, lock_key):
    _beat(beat_app, tmp_path, lock_key, ttl=1)  # never closed: SIGKILL
    _redis().pexpire(lock_key, 1)
    time.sleep(0.05)

    successor = _beat(beat_app, tmp_path, lock_key)
    assert _redis().get(lock_key).decode() == successor.lock_token
    successor.close()


def test_the_project_schedules_through_the_single_beat_scheduler():
    from branch_ops.celery import app

    assert app.conf.beat_scheduler == "branch_ops.beat:SingleBeatScheduler"
    assert app.conf.beat_max_loop_interval * 3 <= SingleBeatScheduler(app=app, lazy=True).lock_ttl
