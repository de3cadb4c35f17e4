"""The event log of an app: every state change records Stream's event here."""

from __future__ import annotations

import builtins
import threading
from collections import deque
from collections.abc import Callable, Iterator
from typing import Any

from fake_server import jsonio

Event = dict[str, Any]
Subscriber = Callable[[Event], None]

_DEFAULT_CAPACITY = 10_000


# One recorded event: (type, JSON bytes), decoded when read. Rendered events held as dicts
# would be millions of objects for the garbage collector to walk on every full collection —
# a cost every request of the app then pays; a tuple of a string and bytes is not even
# tracked by the collector (CPython untracks such tuples), so recording an event adds nothing
# for it to walk.
_Entry = tuple[object, bytes]


def _entry(event: Event) -> _Entry:
    return event.get("type"), jsonio.dumps_to_keep(event)


def _decoded(entry: _Entry) -> Event:
    decoded: Event = jsonio.loads(entry[1])
    return decoded


class EventLog:
    """Recent events of one app, oldest first, with subscribers notified on every append."""

    def __init__(self, capacity: int = _DEFAULT_CAPACITY) -> None:
        self._entries: deque[_Entry] = deque(maxlen=capacity)
        self._subscribers: tuple[Subscriber, ...] = ()  # replaced, never mutated: no copy per event
        self._lock = threading.Lock()
        self._sequence = 0

    def append(self, event: Event) -> None:
        entry = _entry(event)
        with self._lock:
            self._sequence += 1
            self._entries.append(entry)
            subscribers = self._subscribers
        for subscriber in subscribers:
            subscriber(event)

    def subscribe(self, subscriber: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers = (*self._subscribers, subscriber)

        def unsubscribe() -> None:
            with self._lock:
                if subscriber in self._subscribers:
                    kept = list(self._subscribers)
                    kept.remove(subscriber)
                    self._subscribers = tuple(kept)

        return unsubscribe

    def list(self, event_type: str | None = None) -> list[Event]:
        with self._lock:
            entries = list(self._entries)
        return [_decoded(e) for e in entries if event_type is None or e[0] == event_type]

    def since(self, mark: int) -> builtins.list[Event]:
        """The events recorded after ``total`` was ``mark`` (as many as the log still holds)."""
        with self._lock:
            fresh = self._sequence - mark
            entries = list(self._entries)[-fresh:] if fresh > 0 else []
        return [_decoded(e) for e in entries]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    @property
    def total(self) -> int:
        """How many events were ever recorded (not bounded by the capacity)."""
        return self._sequence

    def __iter__(self) -> Iterator[Event]:
        return iter(self.list())

    def __len__(self) -> int:
        return len(self._entries)
