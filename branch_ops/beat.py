"""Celery beat that refuses to be the second one. Two `celery beat` processes would each send
every entry of the schedule, and every job would run twice; the jobs would survive it (each is
safe to run again) but the branch would see two runs of everything. The first beat takes a
lock in Redis and renews it on every tick (CELERY_BEAT_MAX_LOOP_INTERVAL is a third of the
lock's TTL); a second one finds the lock taken and exits. A beat that was frozen long enough
to lose the lock stops as well, since another may have taken over. If the holder dies, its
lock lapses after BEAT_LOCK_TTL seconds and a new beat can start."""

from __future__ import annotations

import logging
import os
import socket
import uuid
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings

logger = logging.getLogger(__name__)

LOCK_KEY = "branch_ops:beat:lock"

# Renew or release only a lock that is still ours: another beat may hold it by now.
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('expire', KEYS[1], ARGV[2])
end
return 0
"""
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then
    return redis.call('del', KEYS[1])
end
return 0
"""


class SchedulerLockTaken(SystemExit):
    """Beat stops: another scheduler holds the lock. SystemExit, so `celery beat` ends with
    the message rather than a traceback."""

    def __init__(self, message: str) -> None:
        logger.error(message)
        super().__init__(message)


class SingleBeatScheduler(PersistentScheduler):
    lock_key = LOCK_KEY

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.lock_ttl = int(getattr(settings, "BEAT_LOCK_TTL", 60))
        self.lock_token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
        self._redis: Any = None
        self._holds_lock = False
        super().__init__(*args, **kwargs)

    def _client(self) -> Any:
        url = str(self.app.conf.broker_url or "")
        if not url.startswith(("redis://", "rediss://")):
            return None  # the in-memory broker is one process's: there is no second beat
        if self._redis is None:
            import redis

            self._redis = redis.Redis.from_url(url, socket_timeout=5)
        return self._redis

    def setup_schedule(self) -> None:
        self.lock_acquire()
        super().setup_schedule()

    def lock_acquire(self) -> None:
        client = self._client()
        if client is None:
            return
        if not client.set(self.lock_key, self.lock_token, nx=True, ex=self.lock_ttl):
            holder = client.get(self.lock_key)
            raise SchedulerLockTaken(
                f"Another celery beat holds the scheduler lock ({holder!r}); this one stops "
                f"so that no job is sent twice. If that scheduler is dead, its lock lapses "
                f"within {self.lock_ttl} s."
            )
        self._holds_lock = True

    def lock_renew(self) -> None:
        client = self._client()
        if client is None:
            return
        if not client.eval(_RENEW, 1, self.lock_key, self.lock_token, self.lock_ttl):
            self._holds_lock = False
            raise SchedulerLockTaken(
                "This celery beat lost the scheduler lock (it stalled past the lock's TTL, "
                "or the lock was removed); it stops so that no job is sent twice."
            )

    def tick(self, *args: Any, **kwargs: Any) -> float:
        self.lock_renew()
        return super().tick(*args, **kwargs)

    def close(self) -> None:
        try:
            super().close()
        finally:
            client = self._client()
            if client is not None and self._holds_lock:
                client.eval(_RELEASE, 1, self.lock_key, self.lock_token)
                self._holds_lock = False
