"""Per-key request limits in fixed one-minute windows: in the process, or shared through Redis."""

import logging
import threading
import time
from typing import Protocol

import redis

from service.config import Settings

log = logging.getLogger("service.ratelimit")
WINDOW_SECONDS = 60


class RateLimiter(Protocol):
    """Counts a key's requests; says how long to wait once the limit is passed."""

    # False when `hit` waits on the network, so callers on the event loop hand it to a thread.
    in_process: bool

    def hit(self, key_id: str) -> int | None:
        """Count one request; None when allowed, else the seconds until the window ends."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def _window(now: float) -> tuple[int, int]:
    """The current window's number and the whole seconds until it ends (at least 1)."""
    return int(now // WINDOW_SECONDS), max(1, WINDOW_SECONDS - int(now % WINDOW_SECONDS))


class MemoryLimiter:
    """Counters in this process only: right for one instance, too generous for several."""

    in_process = True

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lock = threading.Lock()
        self.counts: dict[str, tuple[int, int]] = {}

    def hit(self, key_id: str) -> int | None:
        """Count one request of the key in the current window."""
        window, retry_after = _window(time.time())
        with self.lock:
            seen_window, count = self.counts.get(key_id, (window, 0))
            count = count + 1 if seen_window == window else 1
            self.counts[key_id] = (window, count)
        return retry_after if count > self.limit else None

    def close(self) -> None:
        """Nothing to release."""


class RedisLimiter:
    """Counters in Redis, so every instance sharing it shares one limit per key."""

    in_process = False

    def __init__(self, limit: int, url: str, prefix: str) -> None:
        self.limit, self.prefix = limit, prefix
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)

    def hit(self, key_id: str) -> int | None:
        """Count one request of the key in the current window; fail open if Redis is down."""
        window, retry_after = _window(time.time())
        name = f"{self.prefix}:ratelimit:{key_id}:{window}"
        try:
            pipe = self.client.pipeline()
            pipe.incr(name)
            pipe.expire(name, WINDOW_SECONDS + 5)
            count = int(pipe.execute()[0])
        except redis.RedisError as exc:
            # Screening must not stop because the limiter's store did; the failure is logged.
            log.warning("ratelimit.unavailable", extra={"error": type(exc).__name__})
            return None
        return retry_after if count > self.limit else None

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()


def build_limiter(settings: Settings) -> RateLimiter | None:
    """The limiter the settings ask for, or None when limits are off."""
    if settings.rate_limit_per_minute <= 0:
        return None
    if settings.redis_url:
        return RedisLimiter(
            settings.rate_limit_per_minute, settings.redis_url, settings.redis_prefix
        )
    return MemoryLimiter(settings.rate_limit_per_minute)
