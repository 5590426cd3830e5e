"""Batch geocoding: the rate limit between requests, progress, and bad rates (fake clock, no server)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from geo.geocode import GeocodeResult
from geo.providers import ProviderConfigError, geocode_batch


@dataclass
class FakeTime:
    """A clock that moves only when sleep() is called or a fake request 'takes' time."""

    now: float = 100.0
    sleeps: list[float] = field(default_factory=list)

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class FakeGeocoder:
    clock: FakeTime
    cost_s: float = 0.0
    name: str = "fake"
    started: list[float] = field(default_factory=list)

    def geocode(self, address: str) -> GeocodeResult:
        self.started.append(self.clock.now)
        self.clock.now += self.cost_s
        return GeocodeResult(query=address, status="ok", provider=self.name)


def test_batch_waits_between_requests_and_reports_progress() -> None:
    fake = FakeTime()
    geocoder, progress = FakeGeocoder(fake), []
    results = geocode_batch(geocoder, ["a", "b", "c", "d"], rate_per_s=5.0,
                            progress=lambda done, total: progress.append((done, total)),
                            sleep=fake.sleep, clock=fake.clock)
    assert [r.query for r in results] == ["a", "b", "c", "d"]
    assert fake.sleeps == pytest.approx([0.2, 0.2, 0.2])  # none before the first request
    gaps = [b - a for a, b in zip(geocoder.started, geocoder.started[1:], strict=False)]
    assert gaps == pytest.approx([0.2] * 3)
    assert progress == [(1, 4), (2, 4), (3, 4), (4, 4)]


def test_batch_only_sleeps_the_rest_of_the_interval() -> None:
    fake = FakeTime()
    geocode_batch(FakeGeocoder(fake, cost_s=0.15), ["a", "b", "c"], rate_per_s=5.0,
                  sleep=fake.sleep, clock=fake.clock)
    assert fake.sleeps == pytest.approx([0.05, 0.05])
    fake = FakeTime()
    geocode_batch(FakeGeocoder(fake, cost_s=0.5), ["a", "b"], rate_per_s=5.0,
                  sleep=fake.sleep, clock=fake.clock)
    assert fake.sleeps == []  # a slow service is its own rate limit


def test_batch_rejects_a_non_positive_rate() -> None:
    with pytest.raises(ProviderConfigError, match="rate_per_s"):
        geocode_batch(FakeGeocoder(FakeTime()), ["a"], rate_per_s=0)
