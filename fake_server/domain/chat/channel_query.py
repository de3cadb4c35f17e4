"""Query channels (§2.9): filter schema, index-driven candidates, sort and paging.

The channel filter is shared with search (§5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import listing
from fake_server.domain.chat.models import INVITE_STATES, Channel
from fake_server.domain.errors import input_error
from fake_server.domain.query import (
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
    constraint_values,
    page_limit,
    page_offset,
)

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

DEFAULT_LIMIT = 10
MAX_LIMIT = 30
MAX_OFFSET = 1000
MAX_MEMBER_LIMIT = 100
MAX_SORT_FIELDS = 5
STRING_OPS = EQ_IN | ORDERED_OPERATORS | {"$exists"}
# Fields that only make sense for the user named by the request (§2.9).
USER_FIELDS = frozenset({"joined", "muted", "hidden", "pinned", "archived", "invite", "has_unread"})
Predicate = Callable[[Channel], bool]


def _needs_user(name: str, viewer: str | None) -> str:
    if viewer is None:
        if name == "invite":
            raise input_error("invite requires a valid user")
        raise input_error(f'filter on "{name}" requires a user: pass user_id (or user) with the request')
    return viewer


def _bool_operand(name: str, operand: object) -> bool:
    if not isinstance(operand, bool):
        raise input_error(f"field `{name}` contains type {type(operand).__name__}. expecting boolean")
    return operand


def channel_schema(core: ChatCore, viewer: str | None) -> Schema[Channel]:
    return core.per_viewer("channel_schema", viewer, lambda v: _build_channel_schema(core, v))


def _build_channel_schema(core: ChatCore, viewer: str | None) -> Schema[Channel]:
    app = core.app

    def member_flag(name: str, test: Callable[[Channel, str], bool]) -> Field[Channel]:
        def custom_match(op: str, operand: object) -> Predicate:
            user_id = _needs_user(name, viewer)
            wanted = _bool_operand(name, operand)
            return lambda ch: test(ch, user_id) == wanted

        return Field(name, FieldType.BOOL, EQ, lambda ch: MISSING, custom_match)

    def joined(ch: Channel, uid: str) -> bool:
        member = ch.members.get(uid)
        return member is not None and member.joined

    def muted(ch: Channel, uid: str) -> bool:
        return app.active_channel_mute(uid, ch.cid) is not None

    def hidden(ch: Channel, uid: str) -> bool:
        member = ch.members.get(uid)
        return member is not None and member.hidden

    def pinned(ch: Channel, uid: str) -> bool:
        member = ch.members.get(uid)
        return member is not None and member.pinned_at is not None

    def archived(ch: Channel, uid: str) -> bool:
        member = ch.members.get(uid)
        return member is not None and member.archived_at is not None

    def invite_match(op: str, operand: object) -> Predicate:
        user_id = _needs_user("invite", viewer)
        if not isinstance(operand, str) or operand not in INVITE_STATES:
            raise input_error("invalid invite parameter. should be one of pending|accepted|rejected")

        def test(ch: Channel) -> bool:
            member = ch.members.get(user_id)
            return member is not None and member.invite_status == operand

        return test

    def has_unread_match(op: str, operand: object) -> Predicate:
        user_id = _needs_user("has_unread", viewer)
        if operand is not True:
            raise input_error("has_unread only supports true")

        def test(ch: Channel) -> bool:
            read = ch.reads.get(user_id)
            return ch.members.get(user_id) is not None and read is not None and read.unread_messages > 0

        return test

    def app_banned_match(op: str, operand: object) -> Predicate:
        if operand not in ("excluded", "only"):
            raise input_error('app_banned must be "excluded" or "only"')

        def has_banned(ch: Channel) -> bool:
            return len(ch.members) == 2 and any(
                (ban := app.active_ban(uid)) is not None and not ban.shadow for uid in ch.members
            )

        return has_banned if operand == "only" else (lambda ch: not has_banned(ch))

    def member_names(ch: Channel) -> object:
        names: list[object] = []
        for uid in ch.members:
            stored = app.users.get(uid)
            names.append(stored.name if stored is not None else None)
        return names

    fields: list[Field[Channel]] = [
        Field("type", FieldType.STRING, STRING_OPS, lambda ch: ch.type),
        Field("id", FieldType.STRING, STRING_OPS | {"$ne"}, lambda ch: ch.id),
        Field("cid", FieldType.STRING, STRING_OPS, lambda ch: ch.cid),
        Field("members", FieldType.STRING_LIST, frozenset({"$eq", "$in", "$nin", "$contains"}), lambda ch: tuple(ch.members)),
        Field("member_count", FieldType.NUMBER, COMPARISONS_IN_EXISTS, lambda ch: len(ch.members)),
        Field("created_by_id", FieldType.STRING, STRING_OPS, lambda ch: ch.created_by_id if ch.created_by_id else MISSING),
        Field("team", FieldType.STRING, STRING_OPS, lambda ch: ch.team if ch.team is not None else MISSING),
        Field("frozen", FieldType.BOOL, EQ, lambda ch: ch.frozen),
        Field("disabled", FieldType.BOOL, EQ, lambda ch: ch.disabled),
        Field("distinct", FieldType.BOOL, EQ, lambda ch: ch.distinct_member_ids is not None),
        Field("created_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda ch: ch.created_at),
        Field("updated_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda ch: ch.updated_at),
        Field("last_message_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda ch: ch.last_message_at or MISSING),
        Field("last_updated", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda ch: ch.last_updated),
        Field("member.user.name", FieldType.STRING, frozenset({"$eq", "$in", "$autocomplete", "$q"}), member_names),
        member_flag("joined", joined),
        member_flag("muted", muted),
        member_flag("hidden", hidden),
        member_flag("pinned", pinned),
        member_flag("archived", archived),
        Field("invite", FieldType.STRING, EQ, lambda ch: MISSING, invite_match),
        Field("has_unread", FieldType.BOOL, EQ, lambda ch: MISSING, has_unread_match),
        Field("app_banned", FieldType.STRING, EQ, lambda ch: MISSING, app_banned_match),
    ]
    return Schema(
        fields={f.name: f for f in fields},
        custom_get=_custom_value,
        name="filter_conditions",
    )


def _mentions(conditions: object, key: str) -> bool:
    """Whether ``key`` appears anywhere in a filter (inside $and/$or/$nor too)."""
    if isinstance(conditions, dict):
        return any(k == key or (k.startswith("$") and _mentions(v, key)) for k, v in conditions.items())
    if isinstance(conditions, list):
        return any(_mentions(item, key) for item in conditions)
    return False


def _positive_user_filter(conditions: dict[str, Any]) -> bool:
    """A top-level user filter that only members of the viewer's channels can satisfy."""
    for key in ("joined", "pinned", "archived", "hidden", "has_unread"):
        value = conditions.get(key)
        if value is True or (isinstance(value, dict) and value.get("$eq") is True):
            return True
    return "invite" in conditions


def candidates(core: ChatCore, conditions: dict[str, Any], viewer: str | None) -> Iterable[Channel]:
    """The smallest index bucket that must contain every match (the whole store otherwise)."""
    store = core.store
    buckets: list[Iterable[str]] = []
    members = constraint_values(conditions, "members")
    if members is not None:
        found: set[str] = set()
        for user_id in members:
            found |= store.by_member.get(user_id, set())
        buckets.append(found)
    cids = constraint_values(conditions, "cid")
    if cids is not None:
        buckets.append([cid for cid in cids if cid in store.channels])
    types = constraint_values(conditions, "type")
    if types is not None:
        buckets.append([cid for name in types for cid in store.by_type.get(name, ())])
    ids = constraint_values(conditions, "id")
    if ids is not None:
        buckets.append([cid for ident in ids for cid in store.by_channel_id.get(ident, ())])
    if viewer is not None and _positive_user_filter(conditions):
        buckets.append(store.by_member.get(viewer, set()))
    if not buckets:
        return [ch for ch in store.channels.values() if not ch.deleted]
    smallest = min(buckets, key=lambda bucket: len(bucket) if isinstance(bucket, set | list) else 0)
    return [store.channels[cid] for cid in smallest if cid in store.channels and not store.channels[cid].deleted]


def compile_channel_filter(core: ChatCore, conditions: object, viewer: str | None) -> Predicate:
    """Compiled channel filter incl. the default exclusion of channels the viewer hid."""
    schema = channel_schema(core, viewer)
    matches = compile_filter(schema, conditions)
    if viewer is None or _mentions(conditions, "hidden"):
        return matches

    def visible(ch: Channel) -> bool:
        member = ch.members.get(viewer)
        return not (member is not None and member.hidden) and matches(ch)

    return visible


def matching_channels(core: ChatCore, conditions: object, viewer: str | None) -> list[Channel]:
    predicate = compile_channel_filter(core, conditions, viewer)
    assert isinstance(conditions, dict)
    return [ch for ch in candidates(core, conditions, viewer) if predicate(ch)]


def channel_sorter(core: ChatCore, spec: object, viewer: str | None) -> Callable[[list[Channel]], list[Channel]]:
    return compile_sort(
        spec,
        core.per_viewer("channel_sort_fields", viewer, _channel_sort_fields),
        default=[("last_updated", -1)],
        tiebreak=[("cid", 1)],  # recommended final tie-break (§2.9)
        custom_get=_custom_value,
        max_fields=MAX_SORT_FIELDS,
    )


def _custom_value(ch: Channel, key: str) -> object:
    return ch.custom.get(key, MISSING)


def _channel_sort_fields(viewer: str | None) -> dict[str, SortField[Channel]]:
    def unread(ch: Channel) -> object:
        if viewer is None:
            return MISSING
        read = ch.reads.get(viewer)
        return read.unread_messages if read is not None and viewer in ch.members else 0

    def has_unread(ch: Channel) -> object:
        count = unread(ch)
        return MISSING if count is MISSING else (isinstance(count, int) and count > 0)

    def pinned_at(ch: Channel) -> object:
        member = ch.members.get(viewer) if viewer is not None else None
        return member.pinned_at if member is not None and member.pinned_at is not None else MISSING

    fields = [
        SortField[Channel]("last_updated", lambda ch: ch.last_updated),
        SortField[Channel]("last_message_at", lambda ch: ch.last_message_at or MISSING),
        SortField[Channel]("updated_at", lambda ch: ch.updated_at),
        SortField[Channel]("created_at", lambda ch: ch.created_at),
        SortField[Channel]("member_count", lambda ch: len(ch.members)),
        SortField[Channel]("cid", lambda ch: ch.cid),
        SortField[Channel]("id", lambda ch: ch.id),
        SortField[Channel]("type", lambda ch: ch.type),
        SortField[Channel]("unread_count", unread),
        SortField[Channel]("has_unread", has_unread),
        SortField[Channel]("pinned_at", pinned_at),
    ]
    return {f.name: f for f in fields}


@dataclass(slots=True)
class ChannelQuery:
    conditions: dict[str, Any]
    sort: object
    limit: int
    offset: int
    state_options: listing.StateOptions
    viewer: str | None


def parse_query(core: ChatCore, body: dict[str, Any], viewer: str | None, *, server_side: bool) -> ChannelQuery:
    conditions = body.get("filter_conditions")
    if conditions is None:
        conditions = {}
    if not isinstance(conditions, dict):
        raise input_error('expected object for field "filter_conditions"')
    for flag_name in ("watch", "presence"):
        if body.get(flag_name) is True and server_side:
            raise input_error(f"cannot use {flag_name} with server side auth, {flag_name} requires a client connection")
    return ChannelQuery(
        conditions=conditions,
        sort=body.get("sort") or None,
        limit=page_limit(body.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT),
        offset=page_offset(body.get("offset"), maximum=MAX_OFFSET),
        state_options=listing.StateOptions(
            messages=listing.MessagePage(
                limit=listing.bounded(body.get("message_limit"), "message_limit", default=listing.DEFAULT_MESSAGE_LIMIT, maximum=listing.MAX_MESSAGE_LIMIT)
            ),
            member_limit=listing.bounded(body.get("member_limit"), "member_limit", default=MAX_MEMBER_LIMIT, maximum=MAX_MEMBER_LIMIT),
        ),
        viewer=viewer,
    )


def query_channels(core: ChatCore, query: ChannelQuery) -> list[dict[str, Any]]:
    sorter = channel_sorter(core, query.sort, query.viewer)
    found = sorter(matching_channels(core, query.conditions, query.viewer))
    page = found[query.offset : query.offset + query.limit]
    return [listing.channel_state(core, ch, query.viewer, query.state_options) for ch in page]

