"""A fake clock for rate limits: time moves only when sleep() is called or a test moves it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
