"""The event log of an app: every state change records Stream's event here."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

Event = dict[str, Any]
Subscriber = Callable[[Event], None]

_DEFAULT_CAPACITY = 10_000


class EventLog:
    """Recent events of one app, newest last, with subscribers notified on every append."""

    def __init__(self, capacity: int = _DEFAULT_CAPACITY) -> None:
        self._events: deque[Event] = deque(maxlen=capacity)
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()
        self._sequence = 0

    def append(self, event: Event) -> None:
        with self._lock:
            self._sequence += 1
            self._events.append(event)
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            subscriber(event)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    self._subscribers.remove(subscriber)

        return unsubscribe

    def list(self, event_type: str | None = None) -> list[Event]:
        with self._lock:
            events = list(self._events)
        if event_type is None:
            return events
        return [e for e in events if e.get("type") == event_type]

    def clear(self) -> None:
        with self._lock:
            self._events.clear()

    @property
    def total(self) -> int:
        """How many events were ever recorded (not bounded by the capacity)."""
        return self._sequence

    def __iter__(self) -> Iterator[Event]:
        return iter(self.list())

    def __len__(self) -> int:
        return len(self._events)
