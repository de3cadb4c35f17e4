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


# A request as stored: only strings, numbers, bytes, None, a datetime and tuples of them, so
# CPython does not even track the row for garbage collection (a log of thousands of records
# was thousands of objects for every full collection to walk, a cost every request paid).
_Row = tuple[
    int, str, str, str, tuple[tuple[str, str], ...], int, datetime, bytes, bytes, str, str | None, int | None,
    tuple[tuple[str, str], ...],
]


def _record_of(row: _Row) -> RequestRecord:
    _, method, path, operation, query, status, at, raw_body, raw_response, platform, user_id, error_code, params = row
    return RequestRecord(
        method=method, path=path, operation=operation, query=dict(query), status=status, at=at,
        raw_body=raw_body, raw_response=raw_response, platform=platform, user_id=user_id,
        error_code=error_code, path_params=dict(params),
    )


def _size(row: _Row) -> int:
    return len(row[7]) + len(row[8])


class RequestLog:
    """The newest requests: at most ``capacity`` of them, and the oldest are also dropped
    while the kept bodies exceed ``max_bytes`` (the newest request is always kept).

    Rows become ``RequestRecord`` objects when read, once each (a record keeps its decoded
    body and response for later reads).
    """

    def __init__(self, capacity: int = _DEFAULT_CAPACITY, max_bytes: int = _DEFAULT_MAX_BYTES) -> None:
        self._rows: deque[_Row] = deque()
        self._read: dict[int, RequestRecord] = {}
        self._capacity = capacity
        self._max_bytes = max_bytes
        self._bytes = 0
        self._sequence = 0
        self._lock = threading.Lock()

    def append(self, record: RequestRecord) -> None:
        self.add(
            record.method, record.path, record.operation, tuple(record.query.items()), record.status, record.at,
            record.raw_body, record.raw_response, record.platform, record.user_id, record.error_code,
            tuple(record.path_params.items()), record=record,
        )

    def add(
        self,
        method: str,
        path: str,
        operation: str,
        query: tuple[tuple[str, str], ...],
        status: int,
        at: datetime,
        raw_body: bytes,
        raw_response: bytes,
        platform: str,
        user_id: str | None,
        error_code: int | None,
        path_params: tuple[tuple[str, str], ...],
        *,
        record: RequestRecord | None = None,
    ) -> None:
        """Record a request from its parts (what the dispatcher calls on every request);
        ``record`` is what ``list`` answers for it, when the caller already has one."""
        with self._lock:
            self._sequence += 1
            row: _Row = (
                self._sequence, method, path, operation, query, status, at, raw_body, raw_response, platform,
                user_id, error_code, path_params,
            )
            self._keep(row)
            if record is not None:
                self._read[self._sequence] = record

    def _keep(self, row: _Row) -> None:
        rows = self._rows
        rows.append(row)
        self._bytes += _size(row)
        while len(rows) > 1 and (len(rows) > self._capacity or self._bytes > self._max_bytes):
            dropped = rows.popleft()
            self._bytes -= _size(dropped)
            self._read.pop(dropped[0], None)

    def list(self) -> list[RequestRecord]:
        with self._lock:
            read = self._read
            records: list[RequestRecord] = []
            for row in self._rows:
                record = read.get(row[0])
                if record is None:
                    record = read[row[0]] = _record_of(row)
                records.append(record)
            return records

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._read.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._rows)
