"""Per-key request limits over a moving one-minute window (the `limits` library): in the
process, or shared through Redis.

A moving window counts the requests of the last 60 seconds, whenever they came: a key cannot
spend its limit at the end of one minute and again at the start of the next, as it could with
fixed minutes. A refused request is not counted, so a client that waits Retry-After seconds
gets through.
"""

import logging
import math
import time
from typing import Protocol

import redis
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from service.config import Settings

log = logging.getLogger("service.ratelimit")


class RateLimiter(Protocol):
    """Counts a key's requests; says how long to wait once the limit is passed."""

    # False when `hit` waits on the network, so callers on the event loop hand it to a thread.
    in_process: bool

    def hit(self, key_id: str) -> int | None:
        """Count one request; None when allowed, else the seconds until one is allowed again."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


class MovingWindowLimiter:
    """`limit` requests per key in any 60 seconds, counted in `storage`."""

    def __init__(self, limit: int, storage: MemoryStorage | RedisStorage) -> None:
        self.item = RateLimitItemPerMinute(limit, namespace="api-key")
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(storage)

    def hit(self, key_id: str) -> int | None:
        """Count one request of the key; when refused, the whole seconds to wait (at least 1)."""
        if self.strategy.hit(self.item, key_id):
            return None
        reset_at = self.strategy.get_window_stats(self.item, key_id).reset_time
        return max(1, math.ceil(reset_at - time.time()))


class MemoryLimiter(MovingWindowLimiter):
    """Counts in this process only: right for one instance, too generous for several."""

    in_process = True

    def __init__(self, limit: int) -> None:
        super().__init__(limit, MemoryStorage())

    def close(self) -> None:
        """Nothing to release."""


class RedisLimiter(MovingWindowLimiter):
    """Counts in Redis, so every instance sharing it shares one limit per key."""

    in_process = False

    def __init__(self, limit: int, url: str, prefix: str) -> None:
        self.pool = redis.ConnectionPool.from_url(
            url, socket_timeout=0.5, socket_connect_timeout=0.5
        )
        storage = RedisStorage(
            url, connection_pool=self.pool, key_prefix=f"{prefix}:ratelimit", wrap_exceptions=True
        )
        super().__init__(limit, storage)

    def hit(self, key_id: str) -> int | None:
        """Count one request of the key; fail open if Redis is down."""
        try:
            return super().hit(key_id)
        except StorageError as exc:
            # Screening must not stop because the limiter's store did; the failure is logged.
            log.warning("ratelimit.unavailable", extra={"error": type(exc.storage_error).__name__})
            return None

    def close(self) -> None:
        """Close the connection pool."""
        self.pool.disconnect()


def build_limiter(settings: Settings) -> RateLimiter | None:
    """The limiter the settings ask for, or None when limits are off."""
    if settings.rate_limit_per_minute <= 0:
        return None
    if settings.redis_url:
        return RedisLimiter(
            settings.rate_limit_per_minute, settings.redis_url, settings.redis_prefix
        )
    return MemoryLimiter(settings.rate_limit_per_minute)
