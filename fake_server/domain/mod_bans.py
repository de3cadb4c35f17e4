"""GET /query_banned_users over ``app.bans`` (moderation §2.3, conventions §10.3, models §11).

Bans themselves are created and lifted by the chat core (§2.1-§2.2); this module only reads
the shared records.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fake_server.domain import mod_chat
from fake_server.domain.errors import input_error
from fake_server.domain.mod_common import optional_bool
from fake_server.domain.moderation import BanRecord
from fake_server.domain.query import (
    MISSING,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    page_limit,
    page_offset,
)
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

_ORDERED_EXISTS = frozenset({"$eq", "$in", "$gt", "$gte", "$lt", "$lte", "$exists"})

# Filter fields of §2.3 (the superset of the catalogue and conventions §10.3).
BAN_SCHEMA: Schema[BanRecord] = Schema(
    fields={
        "user_id": Field("user_id", FieldType.STRING, _ORDERED_EXISTS, lambda b: b.user_id),
        # App-wide bans have no channel: a channel_cid condition never matches them.
        "channel_cid": Field(
            "channel_cid",
            FieldType.STRING,
            frozenset({"$eq", "$in"}),
            lambda b: b.cid if b.cid is not None else MISSING,
        ),
        "banned_by_id": Field(
            "banned_by_id",
            FieldType.STRING,
            _ORDERED_EXISTS,
            lambda b: b.banned_by_id if b.banned_by_id is not None else MISSING,
        ),
        "reason": Field(
            "reason",
            FieldType.STRING,
            _ORDERED_EXISTS | {"$autocomplete"},
            lambda b: b.reason if b.reason is not None else MISSING,
        ),
        "created_at": Field("created_at", FieldType.DATE, _ORDERED_EXISTS, lambda b: b.created_at),
    },
    name="filter_conditions",
)

SORT_FIELDS: Mapping[str, SortField[BanRecord]] = {
    "created_at": SortField("created_at", lambda b: b.created_at),
}

DEFAULT_LIMIT = 25  # conventions §8.1 (choice)
MAX_LIMIT = 300
MAX_OFFSET = 10_000


def query_banned_users(app: ChatApp, payload: dict[str, Any]) -> dict[str, Any]:
    if "filter_conditions" not in payload or payload["filter_conditions"] is None:
        # §2.3 Fake: a missing filter is an input error; {} lists every ban.
        raise input_error("filter_conditions is a required field", filter_conditions="is required")
    matches = compile_filter(BAN_SCHEMA, payload["filter_conditions"])
    # At most one sort entry, on created_at; default created_at descending (§2.3 Fake, §10 Q6).
    sorter = compile_sort(
        payload.get("sort"), SORT_FIELDS, default=[("created_at", -1)], max_fields=1
    )
    limit = page_limit(payload.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = page_offset(payload.get("offset"), maximum=MAX_OFFSET)
    exclude_expired = optional_bool(payload, "exclude_expired_bans")
    now = app.clock.peek()
    candidates = [
        ban
        for ban in app.bans.values()
        if matches(ban) and not (exclude_expired and not ban.active(now))
    ]
    # Creation instants are unique (the clock never repeats), so the order is total.
    page = sorter(candidates)[offset : offset + limit]
    return {"bans": [render_ban(app, ban) for ban in page]}


def render_ban(app: ChatApp, ban: BanRecord) -> dict[str, Any]:
    """A Ban (§1.1). Shadow bans are listed too, with ``shadow: true`` (§2.3 Fake)."""
    out: dict[str, Any] = {
        "user": app.users.render_id(ban.user_id),
        "created_at": format_time(ban.created_at),
        "shadow": ban.shadow,
    }
    if ban.banned_by_id is not None:
        out["banned_by"] = app.users.render_id(ban.banned_by_id)
    if ban.cid is not None:
        out["channel"] = mod_chat.render_channel_by_cid(app, ban.cid)
    if ban.expires is not None:
        out["expires"] = format_time(ban.expires)
    if ban.reason is not None:
        out["reason"] = ban.reason
    return out
