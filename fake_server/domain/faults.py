"""Fault injection for tests: fail the next calls of an operation, or slow them down."""

from __future__ import annotations

import threading
from dataclasses import dataclass

ANY_OPERATION = "*"


@dataclass(slots=True)
class Fault:
    operation: str
    status: int
    code: int
    message: str
    remaining: int


class FaultInjector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._latency: dict[str, float] = {}

    def fail_next(self, operation: str, status: int, code: int, count: int = 1, message: str | None = None) -> None:
        if count < 1:
            raise ValueError("count must be at least 1")
        if status < 400:
            raise ValueError("an injected failure needs an error status (>= 400)")
        with self._lock:
            self._faults.append(
                Fault(operation, status, code, message or "injected failure", count)
            )

    def take(self, operation: str) -> Fault | None:
        """The fault to apply to this call of ``operation``, consuming one use of it."""
        if not self._faults:
            return None  # nothing armed, the usual case: no lock needed to see that
        with self._lock:
            for fault in self._faults:
                if fault.operation in (operation, ANY_OPERATION):
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def set_latency(self, operation: str, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("latency cannot be negative")
        with self._lock:
            if seconds == 0:
                self._latency.pop(operation, None)
            else:
                self._latency[operation] = seconds

    def latency_for(self, operation: str) -> float:
        latency = self._latency
        if not latency:
            return 0.0
        return latency.get(operation, latency.get(ANY_OPERATION, 0.0))

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()
            self._latency.clear()
