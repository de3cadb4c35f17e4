"""The background worker that performs webhook deliveries, and the retry policy of §8.2.

One worker per app, started on demand: a daemon thread draining a FIFO queue, so events are
delivered in emission order without ever blocking the request that caused them. It exits
after a short idle period and is restarted by the next submission. ``flush`` blocks on a
condition until everything submitted so far has been performed (no polling).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from fake_server.domain.outbound_model import SendResult

logger = logging.getLogger("fake_server.outbound")

T = TypeVar("T")


@dataclass(slots=True)
class RetryPolicy:
    """§8.2: 6 s per attempt; 408/429/≥500 and timeouts → up to 3 attempts; network errors →
    up to 2; other answers are final; at most 15 s per event including retries.

    ``backoff`` (seconds, multiplied by the attempt number) spaces the retries; the real
    service's spacing is unpublished, so the fake keeps it short to keep tests fast.
    """

    timeout: float = 6.0
    status_attempts: int = 3
    timeout_attempts: int = 3
    network_attempts: int = 2
    total_budget: float = 15.0
    backoff: float = 0.05

    def attempts_allowed(self, result: SendResult) -> int:
        if result.ok:
            return 1
        if result.timed_out:
            return self.timeout_attempts
        if result.status is None:
            return self.network_attempts
        if result.status in (408, 429) or result.status >= 500:
            return self.status_attempts
        return 1


class DeliveryWorker(Generic[T]):
    """Runs ``perform(item)`` for every submitted item, in order, on a background thread."""

    def __init__(self, perform: Callable[[T], None], *, name: str, idle_timeout: float = 2.0) -> None:
        self._perform = perform
        self._name = name
        self._idle_timeout = idle_timeout
        self._items: deque[T] = deque()
        self._cond = threading.Condition()
        self._pending = 0
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def pending(self) -> int:
        """Items submitted and not yet fully performed."""
        with self._cond:
            return self._pending

    def submit(self, item: T) -> None:
        with self._cond:
            self._items.append(item)
            self._pending += 1
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def flush(self, timeout: float | None = None) -> bool:
        """Block until every item submitted so far is performed; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._pending:
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def pause(self, seconds: float) -> bool:
        """Wait between retries; returns False when the worker is being stopped."""
        return not self._stopping.wait(seconds)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._items:
                    self._cond.wait(self._idle_timeout)
                    if not self._items:
                        self._thread = None
                        return
                item = self._items.popleft()
            try:
                self._perform(item)
            except Exception:  # a broken delivery must never kill the worker
                logger.exception("outbound delivery failed unexpectedly")
            finally:
                with self._cond:
                    self._pending -= 1
                    self._cond.notify_all()
