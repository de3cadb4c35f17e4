"""The recent requests an app served, for assertions in tests and the control plane."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_DEFAULT_CAPACITY = 5_000


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str
    operation: str
    query: dict[str, str]
    body: Any
    status: int
    response: Any
    at: datetime
    platform: str = "server_side"
    user_id: str | None = None
    error_code: int | None = None
    path_params: dict[str, str] = field(default_factory=dict)


class RequestLog:
    def __init__(self, capacity: int = _DEFAULT_CAPACITY) -> None:
        self._records: deque[RequestRecord] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def list(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def __len__(self) -> int:
        return len(self._records)
