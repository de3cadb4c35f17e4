"""An indexed vcrpy cassette: vcrpy's file format and record modes, O(1) matching.

vcrpy's ``Cassette`` finds a response by running every matcher against every stored request
(``Cassette._responses``), so each replayed request costs O(n) and a cassette O(n²). This
class keeps vcrpy's on-disk format (see :mod:`stream_chat_testing.serializer`), its record
modes (``vcr.record_mode.RecordMode``) and its error type
(``vcr.errors.CannotOverwriteExistingCassetteException``), but files every interaction under a
hashable :class:`~stream_chat_testing.matching.RequestKey`: replay is a dict lookup plus a
queue pop. Repeated identical requests play their recordings in recorded order, as in vcrpy.

Record modes, as in vcrpy:

- ``none``: replay only; a request without an unplayed recording raises.
- ``once``: record everything if the cassette file does not exist yet, otherwise act as
  ``none``.
- ``new_episodes``: replay what matches, record (and append) what does not.
- ``all``: record every request, replay nothing; on save the new recordings replace the loaded
  interactions they match, the other loaded interactions are kept (``drop_unused_requests``
  drops them).
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.record_mode import RecordMode, validate_record_mode

from stream_chat_testing import serializer
from stream_chat_testing.ids import RecordedIds, id_store
from stream_chat_testing.matching import Matcher, RequestKey, differences, similarity
from stream_chat_testing.sanitize import Scrubber

RECORD_MODES = ("none", "once", "new_episodes", "all")
METADATA_SECTION = "stream_chat_testing"
TARGET_NOTES = {
    "fake": "Recorded against the stream-chat-fake server over loopback, not the real Stream API.",
    "stream": "Recorded against the Stream Chat API.",
    "mixed": "Recorded partly against the Stream Chat API and partly against the stream-chat-fake server.",
}


class NoRecordingError(CannotOverwriteExistingCassetteException):  # type: ignore[misc]
    """A request that the cassette cannot answer and the record mode does not let us record.

    A subclass of vcrpy's ``CannotOverwriteExistingCassetteException``, so code that catches
    vcrpy's error keeps working. ``reason`` is one of ``cassette_not_found``,
    ``already_played``, ``no_match``, ``nothing_similar`` (vcrpy's vocabulary) or
    ``no_target`` (recording is allowed but there is nowhere to record from).
    """

    def __init__(self, message: str, *, cassette: StreamCassette, key: RequestKey, reason: str) -> None:
        Exception.__init__(self, message)
        self.cassette = cassette
        self.failed_request = key
        self.reason = reason
        self.similar_requests: list[Any] = []


class Interaction:
    """One recorded request/response pair, with its key and its prepared reply."""

    __slots__ = ("_reply", "key", "request", "response", "source")

    def __init__(self, request: dict[str, Any], response: dict[str, Any], key: RequestKey, source: str) -> None:
        self.request = request
        self.response = response
        self.key = key
        self.source = source  # "loaded" or "recorded"
        self._reply: tuple[int, list[tuple[str, str]], bytes, dict[str, Any], int, int | None] | None = None

    def reply(self) -> tuple[int, list[tuple[str, str]], bytes, dict[str, Any], int, int | None]:
        """(status, headers, body, extensions, index of x-ratelimit-reset or -1, reset offset)."""
        if self._reply is None:
            self._reply = _prepare_reply(self.response)
        return self._reply


def _prepare_reply(response: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes, dict[str, Any], int, int | None]:
    status_info = response.get("status") or {}
    status = int(status_info.get("code", 200))
    message = status_info.get("message")
    body = serializer.decode_body(response.get("body"))
    headers: list[tuple[str, str]] = []
    reset_index = -1
    reset_offset: int | None = None
    recorded_at: float | None = None
    for name, values in (response.get("headers") or {}).items():
        lowered = name.lower()
        for value in values if isinstance(values, list) else [values]:
            text = str(value)
            if lowered == "content-length":
                text = str(len(body))
            elif lowered == "x-ratelimit-reset":
                reset_index = len(headers)
            elif lowered == "date":
                try:
                    recorded_at = parsedate_to_datetime(text).timestamp()
                except (TypeError, ValueError):
                    recorded_at = None
            headers.append((name, text))
    if reset_index >= 0 and recorded_at is not None:
        try:
            reset_offset = int(headers[reset_index][1].split(",")[0].strip()) - int(recorded_at)
        except ValueError:
            reset_offset = None
    extensions: dict[str, Any] = {"reason_phrase": message.encode("ascii", "replace")} if message else {}
    return status, headers, body, extensions, reset_index, reset_offset


class StreamCassette:
    """Load, index, replay, record and save one cassette file."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        record_mode: str = "none",
        *,
        scrubber: Scrubber | None = None,
        match_ignore: Iterable[str] = (),
        allow_playback_repeats: bool = False,
        drop_unused_requests: bool = False,
        shift_ratelimit_reset: bool = False,
        record_target: str | None = None,
        record_base_url: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.record_mode: RecordMode = validate_record_mode(record_mode)
        if self.record_mode == RecordMode.ANY:
            raise ValueError("record mode 'any' is not supported; use none, once, new_episodes or all")
        self.scrubber = scrubber or Scrubber()
        self.matcher = Matcher(self.scrubber, match_ignore)
        self.allow_playback_repeats = allow_playback_repeats
        self.drop_unused_requests = drop_unused_requests
        self.shift_ratelimit_reset = shift_ratelimit_reset
        self.record_target = record_target
        self.record_base_url = record_base_url
        self.interactions: list[Interaction] = []
        self.metadata: dict[str, Any] = {}
        self.existed = False
        self.dirty = False
        self.play_count = 0
        self._index: dict[RequestKey, list[Interaction]] = {}
        self._cursor: dict[RequestKey, int] = {}
        self._lock = threading.Lock()
        self._ids: RecordedIds | None = None
        self._fresh_ids = False
        self._loaded_target: str | None = None

    # -- loading -------------------------------------------------------------------------------

    @classmethod
    def load(cls, path: str | os.PathLike[str], record_mode: str = "none", **options: Any) -> StreamCassette:
        cassette = cls(path, record_mode, **options)
        cassette._load()
        return cassette

    def _load(self) -> None:
        try:
            text = self.path.read_text("utf-8")
        except FileNotFoundError:
            return
        if not text.strip():
            return  # an empty file counts as missing, as in vcrpy
        document = serializer.loads(text)
        if isinstance(document, list):
            raise ValueError(f"{self.path}: cassettes of vcrpy < 1.0 are not supported; re-record it")
        self.existed = True
        self.metadata = dict(document.get("metadata") or {})
        section = self.metadata.get(METADATA_SECTION)
        self._loaded_target = section.get("recorded_against") if isinstance(section, dict) else None
        stored_key = self.matcher.stored_key
        index = self._index
        for entry in document.get("interactions") or ():
            request = entry["request"]
            interaction = Interaction(request, entry["response"], stored_key(request), "loaded")
            self.interactions.append(interaction)
            queue = index.get(interaction.key)
            if queue is None:
                index[interaction.key] = [interaction]
            else:
                queue.append(interaction)

    def __len__(self) -> int:
        return len(self.interactions)

    # -- record mode ---------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return str(self.record_mode.value)

    @property
    def write_protected(self) -> bool:
        """vcrpy's rule: nothing is recorded in ``none``, nor in ``once`` once the file exists."""
        return bool(self.record_mode == RecordMode.NONE or (self.record_mode == RecordMode.ONCE and self.existed))

    @property
    def will_record(self) -> bool:
        """Whether requests may go to the record target in this session."""
        return not self.write_protected

    @property
    def replays(self) -> bool:
        return bool(self.record_mode != RecordMode.ALL)

    # -- ids -----------------------------------------------------------------------------------

    def ids(self) -> RecordedIds:
        if self._ids is None:
            if self.record_mode == RecordMode.ALL and not self._fresh_ids:
                self.metadata.setdefault(METADATA_SECTION, {})["ids"] = {}
                self._fresh_ids = True
            self._ids = RecordedIds(id_store(self.metadata), can_extend=self.will_record, on_change=self._touch)
        return self._ids

    def _touch(self) -> None:
        self.dirty = True

    # -- replay --------------------------------------------------------------------------------

    def key(self, method: str, path: str, query: str, body: bytes, content_type: str | None) -> RequestKey:
        return self.matcher.key(method, path, query, body, content_type)

    def take(self, key: RequestKey) -> Interaction | None:
        """The next unplayed recording of ``key`` (or the last one with playback repeats)."""
        if self.record_mode == RecordMode.ALL:
            return None
        queue = self._index.get(key)
        if queue is None:
            return None
        with self._lock:
            position = self._cursor.get(key, 0)
            if position < len(queue):
                self._cursor[key] = position + 1
                self.play_count += 1
                return queue[position]
            if self.allow_playback_repeats and queue:
                self.play_count += 1
                return queue[-1]
        return None

    def reply_for(self, interaction: Interaction) -> tuple[int, list[tuple[str, str]], bytes, dict[str, Any]]:
        status, headers, body, extensions, reset_index, reset_offset = interaction.reply()
        if self.shift_ratelimit_reset and reset_index >= 0:
            offset = reset_offset
            if offset is None:
                offset = self._fallback_reset_offset(headers[reset_index][1])
            if offset is not None:
                headers = list(headers)
                headers[reset_index] = (headers[reset_index][0], str(int(time.time()) + offset))
        return status, headers, body, extensions

    def _fallback_reset_offset(self, value: str) -> int | None:
        recorded_at = (self.metadata.get(METADATA_SECTION) or {}).get("recorded_at")
        if not recorded_at:
            return None
        try:
            return int(value.split(",")[0].strip()) - int(datetime.fromisoformat(recorded_at).timestamp())
        except ValueError:
            return None

    def rewind(self) -> None:
        """Make every recording playable again (vcrpy's ``Cassette.rewind``)."""
        with self._lock:
            self._cursor.clear()
            self.play_count = 0

    @property
    def all_played(self) -> bool:
        return all(self._cursor.get(key, 0) >= len(queue) for key, queue in self._index.items())

    def unplayed(self) -> list[Interaction]:
        result = []
        for key, queue in self._index.items():
            result.extend(queue[self._cursor.get(key, 0) :])
        return result

    # -- misses --------------------------------------------------------------------------------

    def miss(self, key: RequestKey, *, can_reach_target: bool) -> NoRecordingError | None:
        """None if this unmatched request may be recorded, else the error to raise."""
        if self.will_record and can_reach_target:
            return None
        if self.will_record:
            return NoRecordingError(
                f"Can't record {key.describe()} into {self.path}: record mode '{self.mode}' records, "
                "but there is no target to record from.\nSet STREAM_KEY and STREAM_SECRET (and "
                "optionally STREAM_CHAT_URL) to record against the Stream API, or pass "
                "--stream-chat-record-target=fake to record against the fake server.",
                cassette=self,
                key=key,
                reason="no_target",
            )
        return self._no_match_error(key)

    def _no_match_error(self, key: RequestKey) -> NoRecordingError:
        lines: list[str]
        if not self.existed and not self.interactions:
            reason = "cassette_not_found"
            lines = [
                f"Can't play back {key.describe()}: the cassette {self.path} doesn't exist, and record "
                f"mode '{self.mode}' doesn't record new ones.",
                "Record it once: --stream-chat-record-mode=once (with STREAM_KEY/STREAM_SECRET set, "
                "or --stream-chat-record-target=fake).",
            ]
            return NoRecordingError("\n".join(lines), cassette=self, key=key, reason=reason)
        queue = self._index.get(key)
        if queue:
            reason = "already_played"
            lines = [
                f"Can't play back {key.describe()}: it was recorded {len(queue)} time(s) in {self.path} "
                f"and all of them have been played back (record mode '{self.mode}').",
                "If the same response may be reused, set allow_playback_repeats=True on the "
                "stream_chat_cassette marker; otherwise record the extra request with "
                "--stream-chat-record-mode=new_episodes.",
            ]
            return NoRecordingError("\n".join(lines), cassette=self, key=key, reason=reason)
        ranked = sorted(
            (interaction for interaction in self.interactions),
            key=lambda interaction: -similarity(key, interaction.key),
        )
        lines = [f"Can't play back {key.describe()}: no recorded interaction in {self.path} matches it "
                 f"(record mode '{self.mode}', {len(self.interactions)} interactions, {self.play_count} played)."]
        if ranked and similarity(key, ranked[0].key) > 0:
            reason = "no_match"
            closest = ranked[0]
            number = self.interactions.index(closest) + 1
            lines.append(f"Closest recorded request (interaction #{number}): {closest.key.describe()}")
            lines += [f"  - {reason_text}" for reason_text in differences(key, closest.key)]
            if len(ranked) > 1 and similarity(key, ranked[1].key) == similarity(key, closest.key):
                lines.append(f"  (next closest: {ranked[1].key.describe()})")
            lines.append(
                "If the request changed on purpose, re-record: --stream-chat-record-mode=new_episodes "
                "(or all). If a value changes on every run, take it from the stream_chat_ids fixture "
                "or ignore it with match_ignore=[...] on the stream_chat_cassette marker."
            )
        else:
            reason = "nothing_similar"
            lines.append("The cassette has nothing similar; record it with --stream-chat-record-mode=new_episodes.")
        return NoRecordingError("\n".join(lines), cassette=self, key=key, reason=reason)

    # -- recording -----------------------------------------------------------------------------

    def record(
        self,
        *,
        method: str,
        url: str,
        request_headers: Iterable[tuple[str, str]],
        request_body: bytes,
        status: int,
        reason_phrase: str,
        response_headers: Iterable[tuple[str, str]],
        response_body: bytes,
    ) -> Interaction:
        """Scrub and keep one real interaction (``response_body`` already decompressed)."""
        scrub = self.scrubber
        body = serializer.encode_body(request_body, response=False)
        stored_body: Any = _scrub_stored(scrub, body)
        request = {
            "method": method,
            "uri": scrub.uri(url),
            "body": stored_body,
            "headers": scrub.request_headers(request_headers),
        }
        kept_headers = [
            (name, value)
            for name, value in response_headers
            if name.lower() not in ("content-encoding", "transfer-encoding")
        ]
        headers = scrub.response_headers(kept_headers)
        for name in headers:
            if name.lower() == "content-length":
                headers[name] = [str(len(response_body))]
        response = {
            "status": {"code": status, "message": reason_phrase},
            "headers": headers,
            "body": _scrub_stored(scrub, serializer.encode_body(response_body, response=True)),
        }
        interaction = Interaction(request, response, self.matcher.stored_key(request), "recorded")
        with self._lock:
            self.interactions.append(interaction)
            self.dirty = True
        return interaction

    def _label(self) -> None:
        """Say in the metadata what the saved interactions were recorded against."""
        saved = self._saved_interactions()
        if not any(i.source == "recorded" for i in saved):
            return
        section = self.metadata.setdefault(METADATA_SECTION, {})
        target = self.record_target or "stream"
        if self._loaded_target and self._loaded_target != target and any(i.source == "loaded" for i in saved):
            target = "mixed"
        section["recorded_against"] = target
        section["note"] = TARGET_NOTES.get(target, target)
        section["recorded_at"] = datetime.now(UTC).replace(microsecond=0).isoformat()

    # -- saving --------------------------------------------------------------------------------

    def _saved_interactions(self) -> list[Interaction]:
        if self.record_mode != RecordMode.ALL:
            return self.interactions
        recorded = [i for i in self.interactions if i.source == "recorded"]
        if self.drop_unused_requests:
            return recorded
        recorded_keys = {i.key for i in recorded}
        kept = [i for i in self.interactions if i.source == "loaded" and i.key not in recorded_keys]
        return kept + recorded

    def document(self) -> dict[str, Any]:
        metadata = _clean_metadata(self.metadata)
        document: dict[str, Any] = {"version": serializer.CASSETTE_FORMAT_VERSION}
        if metadata:
            document["metadata"] = metadata
        document["interactions"] = [
            {"request": i.request, "response": i.response} for i in self._saved_interactions()
        ]
        return document

    def save(self, force: bool = False) -> bool:
        """Write the cassette if anything changed (never in ``none`` mode). Atomic replace."""
        if self.record_mode == RecordMode.NONE or not (self.dirty or force):
            return False
        self._label()
        section = self.metadata.get(METADATA_SECTION) or {}
        header = section.get("note") if isinstance(section, dict) else None
        text = serializer.dumps(self.document(), header=f"stream-chat-testing cassette (vcrpy format). {header or ''}".strip())
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self.dirty = False
        return True


def _scrub_stored(scrub: Scrubber, body: Any) -> Any:
    if isinstance(body, dict) and "json" in body:
        return {"json": scrub.data(body["json"])}
    if isinstance(body, dict) and "string" in body:
        return {"string": scrub.text(body["string"])}
    if isinstance(body, str):
        return scrub.text(body)
    return body


def _clean_metadata(metadata: dict[str, Any]) -> dict[str, Any]:
    result = dict(metadata)
    section = result.get(METADATA_SECTION)
    if isinstance(section, dict):
        section = dict(section)
        ids = section.get("ids")
        if isinstance(ids, dict):
            ids = {kind: values for kind, values in ids.items() if values}
            if ids:
                section["ids"] = ids
            else:
                section.pop("ids")
        if section:
            result[METADATA_SECTION] = section
        else:
            result.pop(METADATA_SECTION)
    return result
