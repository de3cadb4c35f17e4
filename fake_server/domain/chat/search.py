"""Message search (§5): channel filter, message filter, sort, offset or cursor paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import channel_query, inputs, render
from fake_server.domain.chat.models import Channel, Message
from fake_server.domain.errors import input_error
from fake_server.domain.query import (
    COMPARISONS_IN,
    COMPARISONS_IN_EXISTS,
    EQ,
    EQ_IN,
    FIELD_OPERATORS,
    MISSING,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    constraint_values,
    keyset_page,
    page_limit,
    page_offset,
)

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

DEFAULT_LIMIT = 100
MAX_LIMIT = 100
MAX_RESULTS = 1000
MAX_CHANNELS = 500
_EXCLUDED_TYPES = ("system", "ephemeral", "error", "deleted")


def message_schema() -> Schema[Message]:
    def mentioned_match(op: str, operand: object) -> Callable[[Message], bool]:
        if op != "$contains":
            raise input_error("mentioned_users.id only supports $contains operator")
        if not isinstance(operand, str):
            raise input_error("mentioned_users.id only supports $contains with a string value")
        return lambda m: operand in m.mentioned_user_ids

    fields: list[Field[Message]] = [
        Field("id", FieldType.STRING, COMPARISONS_IN, lambda m: m.id),
        Field("text", FieldType.STRING, COMPARISONS_IN | {"$q", "$autocomplete"}, lambda m: m.text),
        Field("type", FieldType.STRING, COMPARISONS_IN, lambda m: m.type),
        Field("parent_id", FieldType.STRING, COMPARISONS_IN_EXISTS, lambda m: m.parent_id or MISSING),
        Field("reply_count", FieldType.NUMBER, COMPARISONS_IN, lambda m: m.reply_count),
        Field("attachments", FieldType.ANY, frozenset({"$exists"}), lambda m: m.attachments or MISSING),
        Field("attachments.type", FieldType.STRING, EQ_IN, lambda m: [a.get("type") for a in m.attachments]),
        Field("mentioned_users.id", FieldType.STRING, FIELD_OPERATORS, lambda m: m.mentioned_user_ids, mentioned_match),
        Field("user.id", FieldType.STRING, COMPARISONS_IN, lambda m: m.user_id),
        Field("user_id", FieldType.STRING, COMPARISONS_IN, lambda m: m.user_id),
        Field("created_at", FieldType.DATE, COMPARISONS_IN, lambda m: m.created_at),
        Field("updated_at", FieldType.DATE, COMPARISONS_IN, lambda m: m.updated_at),
        Field("pinned", FieldType.BOOL, EQ, lambda m: m.pinned),
        Field("cid", FieldType.STRING, EQ_IN, lambda m: m.cid),
    ]
    return Schema(
        fields={f.name: f for f in fields},
        custom_get=lambda m, key: m.custom.get(key, MISSING),
        custom_ops=COMPARISONS_IN_EXISTS,
        name="message_filter_conditions",
    )


def _candidates(core: ChatCore, channel: Channel, viewer: str | None) -> list[Message]:
    """Searchable messages of a channel: replies included; deleted, system, ephemeral,
    pending, truncated and (for a viewer) invisible messages excluded."""
    member = channel.members.get(viewer) if viewer is not None else None
    hidden_before = member.hide_messages_before if member is not None else None
    found: list[Message] = []
    for message in channel.messages:
        if message.deleted or message.pending or message.type in _EXCLUDED_TYPES:
            continue
        if channel.truncated_at is not None and message.created_at <= channel.truncated_at:
            continue
        if viewer is not None:
            if hidden_before is not None and message.created_at <= hidden_before:
                continue
            if not message.visible_to(viewer):
                continue
        found.append(message)
    return found


def search(core: ChatCore, payload: dict[str, Any], viewer: str | None) -> dict[str, Any]:
    conditions = payload.get("filter_conditions")
    if not isinstance(conditions, dict) or not conditions:
        raise input_error("filter_conditions is required and must be a non-empty object")
    query = payload.get("query")
    message_conditions = payload.get("message_filter_conditions")
    if (query is None) == (message_conditions is None):
        raise input_error("exactly one of query and message_filter_conditions must be provided")
    if query is not None:
        if not isinstance(query, str) or not query.strip():
            raise input_error("query must be a non-empty string")
        message_conditions = {"text": {"$q": query}}
    sort_spec = payload.get("sort") or None
    next_cursor = inputs.string(payload.get("next"), "next")
    offset_given = payload.get("offset") is not None
    if offset_given and (sort_spec or next_cursor):
        raise input_error("cannot use offset with sort or next parameters")
    limit = page_limit(payload.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = page_offset(payload.get("offset"), maximum=MAX_RESULTS)
    message_matches = compile_filter(message_schema(), message_conditions)
    sorter = compile_sort(
        sort_spec,
        {
            "relevance": SortField[Message]("relevance", lambda m: 0, constant=True),
            "id": SortField[Message]("id", lambda m: m.id),
            "created_at": SortField[Message]("created_at", lambda m: m.created_at),
            "updated_at": SortField[Message]("updated_at", lambda m: m.updated_at),
            "text": SortField[Message]("text", lambda m: m.text),
            "reply_count": SortField[Message]("reply_count", lambda m: m.reply_count),
            "type": SortField[Message]("type", lambda m: m.type),
            "user.id": SortField[Message]("user.id", lambda m: m.user_id),
        },
        # Without a relevance model every hit is equally relevant (§5), so id order decides.
        default=[("relevance", -1)],
        tiebreak=[("id", 1)],
        custom_get=lambda m, key: m.custom.get(key, MISSING),
    )
    channels = _searchable_channels(core, conditions, viewer)
    warning = None
    if len(channels) > MAX_CHANNELS:
        warning = {
            "warning_code": 1,
            "warning_description": f"Search was limited to {MAX_CHANNELS} of {len(channels)} matching channels",
            "channel_search_count": MAX_CHANNELS,
            "channel_search_cids": [ch.cid for ch in channels[:MAX_CHANNELS]],
        }
        channels = channels[:MAX_CHANNELS]
    hits = sorter([m for ch in channels for m in _candidates(core, ch, viewer) if message_matches(m)])
    out: dict[str, Any] = {}
    if offset_given:
        page = hits[: MAX_RESULTS][offset : offset + limit]
    else:
        page, next_out, prev_out = keyset_page(
            hits, key=sorter.key, directions=sorter.directions, limit=limit,
            next_cursor=next_cursor, prev_cursor=None,
            context={"f": conditions, "m": message_conditions, "s": sort_spec},
        )
        if next_out:
            out["next"] = next_out
        if prev_out:
            out["previous"] = prev_out
    by_cid = {ch.cid: ch for ch in channels}
    out["results"] = [
        {"message": {**render.render_message(core, m, viewer=viewer), "channel": render.render_channel(core, by_cid[m.cid])}}
        for m in page
    ]
    if warning is not None:
        out["results_warning"] = warning
    return out


def _searchable_channels(core: ChatCore, conditions: dict[str, Any], viewer: str | None) -> list[Channel]:
    """Matching channels whose type allows search; naming a non-searchable type → 400/4."""
    types = core.app.channel_types

    def searchable(name: str) -> bool:
        channel_type = types.get(name)
        return channel_type is not None and bool(channel_type.config.get("search", True))

    named = set(constraint_values(conditions, "type") or ())
    named.update(cid.split(":", 1)[0] for cid in constraint_values(conditions, "cid") or () if ":" in cid)
    for name in sorted(named):
        if types.get(name) is not None and not searchable(name):
            raise input_error(f"search is disabled for channel type {name}")
    found = channel_query.matching_channels(core, conditions, viewer)
    found = [ch for ch in found if searchable(ch.type)]
    found.sort(key=lambda ch: (ch.last_updated, ch.cid), reverse=True)
    return found
