"""Query message history (§3.11): previous versions of messages, cursor-paged."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat.models import HistoryEntry
from fake_server.domain.errors import input_error
from fake_server.domain.query import (
    COMPARISONS,
    EQ_IN,
    MISSING,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    constraint_values,
    paged,
)
from fake_server.domain.query.paging import page_limit
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_CONDITIONS = 3
MAX_SORT_FIELDS = 5

SCHEMA: Schema[HistoryEntry] = Schema(
    fields={
        "message_id": Field("message_id", FieldType.STRING, EQ_IN, lambda e: e.message_id),
        "message_updated_by_id": Field("message_updated_by_id", FieldType.STRING, EQ_IN, lambda e: e.updated_by_id),
        "message_updated_at": Field("message_updated_at", FieldType.DATE, COMPARISONS, lambda e: e.updated_at),
    },
    custom_get=lambda e, key: e.custom.get(key, MISSING),
    name="filter",
)
SORT_FIELDS: dict[str, SortField[HistoryEntry]] = {
    "message_updated_at": SortField("message_updated_at", lambda e: e.updated_at),
    "message_id": SortField("message_id", lambda e: e.message_id),
    "seq": SortField("seq", lambda e: e.seq),
}


def render_entry(entry: HistoryEntry) -> dict[str, Any]:
    # §9 Q23: custom fields of the version inline at the top level.
    out: dict[str, Any] = dict(entry.custom)
    out.update(
        message_id=entry.message_id,
        message_updated_by_id=entry.updated_by_id,
        message_updated_at=format_time(entry.updated_at),
        text=entry.text,
        attachments=[dict(a) for a in entry.attachments],
        is_deleted=entry.is_deleted,
    )
    return out


def query_history(core: ChatCore, body: dict[str, Any]) -> dict[str, Any]:
    conditions = body.get("filter")
    if not isinstance(conditions, dict) or not conditions:
        raise input_error("filter is required and must be a non-empty object")
    if len(conditions) > MAX_CONDITIONS:
        raise input_error(f"filter accepts at most {MAX_CONDITIONS} conditions")
    matches = compile_filter(SCHEMA, conditions)
    sort_spec = body.get("sort") or None
    sorter = compile_sort(
        sort_spec, SORT_FIELDS, default=[("message_updated_at", -1)], tiebreak=[("seq", -1)],
        max_fields=MAX_SORT_FIELDS,
    )
    limit = page_limit(body.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    entries = sorter([e for e in _candidates(core, conditions) if matches(e)])
    page, cursors = paged(
        entries, body, key=sorter.key, directions=sorter.directions, limit=limit,
        context={"f": conditions, "s": sort_spec},
    )
    return {"message_history": [render_entry(e) for e in page], **cursors}


def _candidates(core: ChatCore, conditions: dict[str, Any]) -> Iterable[HistoryEntry]:
    ids = constraint_values(conditions, "message_id")
    if ids is None:
        return core.store.history_entries()
    messages = (core.store.messages.get(message_id) for message_id in ids)
    return [entry for message in messages if message is not None for entry in message.history]
