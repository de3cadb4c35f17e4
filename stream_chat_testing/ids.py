"""Deterministic ids: random when recording, the recorded values when replaying.

A test that names things with ``uuid4()`` sends different paths and bodies on every run, so
its cassette could never match. ``stream_chat_ids`` hands out the values instead: with a
cassette they are stored in the cassette's metadata on record and handed out again, in the
same order, on replay; without one they are simply random.
"""

from __future__ import annotations

import secrets
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Protocol


class IdSource(Protocol):
    def next(self, kind: str, generate: Callable[[], str]) -> str: ...


class RandomIds:
    """No cassette: every value is new."""

    def next(self, kind: str, generate: Callable[[], str]) -> str:
        return generate()


class MissingIdError(LookupError):
    """Replay asked for more ids of a kind than the cassette recorded."""


class RecordedIds:
    """Values kept in a cassette's metadata (``stream_chat_testing.ids.<kind>``), per kind in order."""

    def __init__(self, store: dict[str, list[str]], *, can_extend: bool, on_change: Callable[[], None]) -> None:
        self._store = store
        self._cursor: dict[str, int] = {}
        self._can_extend = can_extend
        self._on_change = on_change
        self._lock = threading.Lock()

    def next(self, kind: str, generate: Callable[[], str]) -> str:
        with self._lock:
            values = self._store.setdefault(kind, [])
            position = self._cursor.get(kind, 0)
            self._cursor[kind] = position + 1
            if position < len(values):
                return values[position]
            if not self._can_extend:
                raise MissingIdError(
                    f"the cassette recorded {len(values)} {kind} value(s) and this run asks for more; "
                    "the test makes more ids than when it was recorded: re-record it "
                    "(--stream-chat-record-mode=all or new_episodes)"
                )
            value = generate()
            values.append(value)
            self._on_change()
            return value


class StreamChatIds:
    """The ``stream_chat_ids`` fixture: ids and instants that replay with the cassette."""

    def __init__(self, source: IdSource | None = None) -> None:
        self._source: IdSource = source or RandomIds()

    def uuid(self) -> str:
        """A UUID4 string (``"6f1c…"``)."""
        return self._source.next("uuid", lambda: str(uuid.uuid4()))

    def hex(self, length: int = 32) -> str:
        """``length`` random hex digits."""
        return self._source.next(f"hex{length}", lambda: secrets.token_hex((length + 1) // 2)[:length])

    def id(self, prefix: str = "test") -> str:
        """A readable unique id such as ``"user-3f9a2c1b7d0e"`` (valid for users, channels, messages)."""
        return f"{prefix}-{self.hex(12)}"

    def now(self) -> datetime:
        """The current instant (UTC), recorded: timestamps the test sends stay equal on replay."""
        value = self._source.next("now", lambda: datetime.now(UTC).isoformat())
        return datetime.fromisoformat(value)

    def __repr__(self) -> str:
        return f"<StreamChatIds {type(self._source).__name__}>"


def id_store(metadata: dict[str, Any]) -> dict[str, list[str]]:
    section = metadata.setdefault("stream_chat_testing", {})
    ids = section.setdefault("ids", {})
    if not isinstance(ids, dict):
        raise ValueError("cassette metadata stream_chat_testing.ids must be a mapping")
    return ids
