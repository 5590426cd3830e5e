"""Tests for geo.rate_limit: calls spaced by the rate, threads taking separate turns."""

from __future__ import annotations

import itertools
import threading

import pytest

from geo.rate_limit import RateLimiter
from tests.fake_time import FakeTime


def test_rate_limiter_spaces_calls_and_sleeps_only_the_rest_of_the_interval() -> None:
    fake = FakeTime()
    limiter = RateLimiter(5.0, sleep=fake.sleep, clock=fake.clock)
    started = []
    for cost in (0.0, 0.15, 0.5, 0.0):
        limiter.wait()
        started.append(fake.now)
        fake.now += cost  # the request itself takes this long
    assert fake.sleeps == pytest.approx([0.2, 0.05])  # none first; none after a slow request
    gaps = [b - a for a, b in itertools.pairwise(started)]
    assert all(gap >= 0.2 - 1e-9 for gap in gaps)


def test_rate_limiter_gives_threads_separate_turns() -> None:
    fake, lock = FakeTime(), threading.Lock()
    slept: list[float] = []

    def sleep(seconds: float) -> None:  # the clock stands still: each thread must reserve a slot
        with lock:
            slept.append(seconds)

    limiter = RateLimiter(4.0, sleep=sleep, clock=fake.clock)
    threads = [threading.Thread(target=limiter.wait) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(slept) == pytest.approx([0.25, 0.5, 0.75])


def test_rate_limiter_rejects_a_non_positive_rate() -> None:
    with pytest.raises(ValueError, match="rate_per_s must be positive, got 0"):
        RateLimiter(0)
