"""Query members (§2.14): filters, sort, offset and keyset (user id / creation time) paging."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import channels, inputs, render
from fake_server.domain.chat.models import INVITE_STATES, MODERATOR_ROLE, Channel, Member
from fake_server.domain.errors import input_error
from fake_server.domain.query import (
    COMPARISONS,
    COMPARISONS_IN_EXISTS,
    EQ,
    EQ_IN,
    MISSING,
    ORDERED_OPERATORS,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    page_limit,
    page_offset,
)
from fake_server.domain.timefmt import parse_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

DEFAULT_LIMIT = 100
MAX_LIMIT = 300  # §9 Q13: the spec caps
MAX_OFFSET = 10_000
TEXT_OPS = frozenset({"$eq", "$in", "$autocomplete", "$q"})


def resolve_channel(core: ChatCore, payload: dict[str, Any]) -> Channel:
    """The queried channel: ``type`` + ``id``, or ``type`` + ``members`` for a distinct channel."""
    channel_type = inputs.string(payload.get("type"), "type", required=True)
    assert channel_type is not None
    channel_id = payload.get("id")
    if channel_id in (None, ""):
        entries = channels.parse_member_entries(payload.get("members"), "members")
        if len(entries) < 2:
            raise input_error("either id or members (at least 2) must be provided")
        channel_id = channels.distinct_id([e.user_id for e in entries])
    if not isinstance(channel_id, str):
        raise input_error('expected string for field "id"')
    return core.require_channel(channel_type, channel_id)


def member_schema(core: ChatCore, channel: Channel) -> Schema[Member]:
    app = core.app

    def user_field(key: str) -> Callable[[Member], object]:
        def get(member: Member) -> object:
            stored = app.users.get(member.user_id)
            if stored is None:
                return MISSING
            if key == "name":
                return stored.name if stored.name is not None else MISSING
            if key == "last_active":
                return stored.last_active or MISSING
            return stored.custom.get(key, MISSING)

        return get

    def banned(member: Member) -> bool:
        ban = app.active_ban(member.user_id, channel.cid)
        return ban is not None and not ban.shadow

    def invite_match(op: str, operand: object) -> Callable[[Member], bool]:
        if not isinstance(operand, str) or operand not in INVITE_STATES:
            raise input_error('invite value must be either "pending", "accepted" or "rejected"')
        return lambda member: member.invite_status == operand

    def cid_match(op: str, operand: object) -> Callable[[Member], bool]:
        if not isinstance(operand, str):
            raise input_error("field `cid` contains a non-string value. expecting string")
        same = operand == channel.cid
        return lambda member: same

    def custom_get(member: Member, key: str) -> object:
        if key in member.custom:
            return member.custom[key]
        stored = app.users.get(member.user_id)
        return stored.custom.get(key, MISSING) if stored is not None else MISSING

    ids = EQ_IN | ORDERED_OPERATORS | {"$exists"}
    fields: list[Field[Member]] = [
        Field("id", FieldType.STRING, ids, lambda m: m.user_id),
        Field("user_id", FieldType.STRING, ids, lambda m: m.user_id),
        Field("name", FieldType.STRING, TEXT_OPS, user_field("name")),
        Field("user.email", FieldType.STRING, TEXT_OPS, user_field("email")),
        Field("channel_role", FieldType.STRING, EQ_IN, lambda m: m.channel_role),
        Field("is_moderator", FieldType.BOOL, EQ, lambda m: m.channel_role == MODERATOR_ROLE),
        Field("banned", FieldType.BOOL, EQ, banned),
        Field("notifications_muted", FieldType.BOOL, EQ, lambda m: app.active_channel_mute(m.user_id, channel.cid) is not None),
        Field("invite", FieldType.STRING, EQ, lambda m: MISSING, invite_match),
        Field("joined", FieldType.BOOL, EQ, lambda m: m.joined),
        Field("created_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda m: m.created_at),
        Field("updated_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda m: m.updated_at),
        Field("last_active", FieldType.DATE, COMPARISONS | {"$exists"}, user_field("last_active")),
        Field("cid", FieldType.STRING, EQ, lambda m: MISSING, cid_match),
    ]
    return Schema(fields={f.name: f for f in fields}, custom_get=custom_get, name="filter_conditions")


_ORDER: dict[str, Callable[[Any, Any], bool]] = {
    "lt": lambda a, b: a < b, "lte": lambda a, b: a <= b, "gt": lambda a, b: a > b, "gte": lambda a, b: a >= b,
}
_KEYSET_USER = {"user_id_lt": "lt", "user_id_lte": "lte", "user_id_gt": "gt", "user_id_gte": "gte"}
_KEYSET_TIME = {
    "created_at_before": "lt", "created_at_before_or_equal": "lte",
    "created_at_after": "gt", "created_at_after_or_equal": "gte",
}


def _bound(get: Callable[[Member], Any], compare: Callable[[Any, Any], bool], bound: Any) -> Callable[[Member], bool]:
    return lambda member: compare(get(member), bound)


def _keyset(payload: dict[str, Any]) -> list[Callable[[Member], bool]]:
    """Keyset paging by user id (lexicographic) and membership creation time (§8.2)."""
    tests: list[Callable[[Member], bool]] = []
    for key, op in _KEYSET_USER.items():
        user_bound = inputs.string(payload.get(key), key)
        if user_bound is not None:
            tests.append(_bound(lambda m: m.user_id, _ORDER[op], user_bound))
    for key, op in _KEYSET_TIME.items():
        if payload.get(key) not in (None, ""):
            tests.append(_bound(lambda m: m.created_at, _ORDER[op], parse_time(payload[key], key)))
    return tests


def query_members(core: ChatCore, payload: dict[str, Any]) -> list[dict[str, Any]]:
    channel = resolve_channel(core, payload)
    conditions = payload.get("filter_conditions")
    if conditions is None:
        raise input_error("filter_conditions is a required field", filter_conditions="is required")
    matches = compile_filter(member_schema(core, channel), conditions)
    app = core.app

    def user_value(key: str) -> Callable[[Member], object]:
        def get(member: Member) -> object:
            stored = app.users.get(member.user_id)
            if stored is None:
                return MISSING
            return stored.name if key == "name" else (stored.last_active or MISSING)

        return get

    sort_fields = [
        SortField[Member]("created_at", lambda m: m.created_at),
        SortField[Member]("updated_at", lambda m: m.updated_at),
        SortField[Member]("user_id", lambda m: m.user_id),
        SortField[Member]("id", lambda m: m.user_id),
        SortField[Member]("name", user_value("name")),
        SortField[Member]("last_active", user_value("last_active")),
    ]
    sorter = compile_sort(
        payload.get("sort") or None, {f.name: f for f in sort_fields},
        default=[("created_at", 1)], tiebreak=[("user_id", 1)], max_fields=1,
    )
    limit = page_limit(payload.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = page_offset(payload.get("offset"), maximum=MAX_OFFSET)
    bounds = _keyset(payload)
    found = [m for m in channel.members.values() if matches(m) and all(test(m) for test in bounds)]
    return [render.render_member(core, channel, m) for m in sorter(found)[offset : offset + limit]]
