"""The one clock of a fake app: real time by default, movable and freezable for tests."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

_TICK = timedelta(microseconds=1)


class Clock:
    """Time source for everything time-dependent in an app.

    ``now()`` never returns the same instant twice and never goes backwards, so timestamps
    double as a stable creation order even when many writes land in one microsecond or the
    clock is frozen.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._lock = threading.Lock()
        # (frozen instant or None, offset) replaced as one value, so ``peek`` reads a
        # consistent pair without taking the lock (it runs several times per request).
        self._setting: tuple[datetime | None, timedelta] = (
            _aware(frozen_at) if frozen_at is not None else None,
            timedelta(),
        )
        self._last = datetime.min.replace(tzinfo=UTC)

    def now(self) -> datetime:
        with self._lock:
            frozen_at, offset = self._setting
            instant = (frozen_at if frozen_at is not None else datetime.now(UTC)) + offset
            if instant <= self._last:
                instant = self._last + _TICK
            self._last = instant
            return instant

    def peek(self) -> datetime:
        """The current instant without reserving it (for reads such as rate-limit resets)."""
        frozen_at, offset = self._setting
        instant = (frozen_at if frozen_at is not None else datetime.now(UTC)) + offset
        last = self._last
        return instant if instant > last else last

    def advance(self, seconds: float) -> datetime:
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        with self._lock:
            frozen_at, offset = self._setting
            self._setting = (frozen_at, offset + timedelta(seconds=seconds))
        return self.peek()

    def freeze(self, at: datetime | None = None) -> datetime:
        with self._lock:
            frozen_at, offset = self._setting
            current = (frozen_at or datetime.now(UTC)) + offset
            frozen_at = _aware(at) if at is not None else current
            self._setting = (frozen_at, timedelta())
            if frozen_at < self._last:
                self._last = frozen_at
        return self.peek()

    def unfreeze(self) -> None:
        with self._lock:
            frozen_at, _ = self._setting
            if frozen_at is not None:
                self._setting = (None, frozen_at - datetime.now(UTC))

    @property
    def frozen(self) -> bool:
        return self._setting[0] is not None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
