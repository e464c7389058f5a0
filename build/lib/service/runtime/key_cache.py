"""A few seconds' memory of API keys already looked up, so most requests read no key row.

Looking the key up cost a database round trip and a threadpool hop on every request, more than
screening the deal. An entry holds the key row as read and is trusted for `ttl` seconds; a key
revoked through this process is forgotten at once, one revoked elsewhere (another worker, the
CLI) stops working within `ttl` seconds. Expiry is checked on every request against the cached
row. Only keys that exist are remembered, so random secrets cannot fill the cache.
"""

import threading
import time

from service.store.keys import hash_secret
from service.store.tables import ApiKey

MAX_ENTRIES = 10_000


class KeyCache:
    """Key rows by secret hash, each trusted for `ttl` seconds; ttl 0 remembers nothing."""

    def __init__(self, ttl: float) -> None:
        self.ttl = ttl
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, ApiKey]] = {}

    def get(self, secret: str) -> ApiKey | None:
        """The key row remembered for this secret, if it is still fresh."""
        entry = self._entries.get(hash_secret(secret))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, secret: str, key: ApiKey) -> None:
        """Remember the key row read for this secret."""
        if self.ttl <= 0:
            return
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries.clear()
            self._entries[hash_secret(secret)] = (time.monotonic() + self.ttl, key)

    def forget(self, key_id: str) -> None:
        """Drop every entry of this key id (it was revoked here)."""
        with self._lock:
            self._entries = {h: e for h, e in self._entries.items() if e[1].id != key_id}
