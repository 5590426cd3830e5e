"""A rate limit shared by threads: calls start at most N per second (the online services' quota)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

# requests per second to one service: both throttle (高德 answers ACCESS_TOO_FREQUENT)
DEFAULT_RATE_PER_S = 5.0


class RateLimiter:
    """Starts calls at most `rate_per_s` per second, whichever thread makes them: each call
    reserves the next free slot, then sleeps until it. `sleep` and `clock` are injectable for tests."""

    def __init__(self, rate_per_s: float = DEFAULT_RATE_PER_S, *,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if rate_per_s <= 0:
            raise ValueError(f"rate_per_s must be positive, got {rate_per_s}")
        self.interval, self._sleep, self._clock = 1.0 / rate_per_s, sleep, clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until this limiter's next slot, then take it (shared across threads)."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self._sleep(start - now)

