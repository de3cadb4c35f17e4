"""The recent requests an app served, for assertions in tests and the control plane."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

_DEFAULT_CAPACITY = 5_000
# Bodies are kept too, so the log is bounded by their size as well: 5,000 answers of a
# large query would hold hundreds of megabytes, and growing into fresh memory made every
# such request slower until the log filled.
_DEFAULT_MAX_BYTES = 32 * 1024 * 1024


_UNSET: Any = object()


@dataclass(slots=True, eq=False)
class RequestRecord:
    """One request the app served.

    Bodies are kept as the bytes that crossed the wire and decoded on first access: parsed
    documents of thousands of requests would keep millions of objects alive for the garbage
    collector to walk on every full collection.
    """

    method: str
    path: str
    operation: str
    query: dict[str, str]
    status: int
    at: datetime
    raw_body: bytes = b""
    raw_response: bytes = b""
    platform: str = "server_side"
    user_id: str | None = None
    error_code: int | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    _body: Any = _UNSET
    _response: Any = _UNSET

    @property
    def body(self) -> Any:
        """The JSON request body (None when there was none or it was not JSON)."""
        if self._body is _UNSET:
            self._body = _decode(self.raw_body)
        return self._body

    @property
    def response(self) -> Any:
        """The JSON response document (None for non-JSON answers such as served files)."""
        if self._response is _UNSET:
            self._response = _decode(self.raw_response)
        return self._response


def _decode(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _size(record: RequestRecord) -> int:
    return len(record.raw_body) + len(record.raw_response)


class RequestLog:
    """The newest requests: at most ``capacity`` of them, and the oldest are also dropped
    while the kept bodies exceed ``max_bytes`` (the newest request is always kept)."""

    def __init__(self, capacity: int = _DEFAULT_CAPACITY, max_bytes: int = _DEFAULT_MAX_BYTES) -> None:
        self._records: deque[RequestRecord] = deque()
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        with self._lock:
            records = self._records
            records.append(record)
            self._bytes += _size(record)
            while len(records) > 1 and (len(records) > self._capacity or self._bytes > self._max_bytes):
                self._bytes -= _size(records.popleft())

    def list(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._records)
