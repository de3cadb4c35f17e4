"""Filters of segments: which users / channels a segment's ``filter`` selects (models §15).

User segments filter like query users (conventions §10.3, the users area's schema); channel
segments filter like query channels on the channel's own fields (server-side: no acting
user, so user-relative fields such as ``joined`` or ``hidden`` are not available).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.query import (
    COMPARISONS_IN_EXISTS,
    EQ,
    EQ_IN,
    MISSING,
    Field,
    FieldType,
    Schema,
    compile_filter,
)

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.users import User

_ORDERED_IN: Final = COMPARISONS_IN_EXISTS
_CUSTOM_OPS: Final = frozenset(
    {"$eq", "$in", "$gt", "$gte", "$lt", "$lte", "$exists", "$contains", "$autocomplete", "$q"}
)


def user_predicate(app: ChatApp, conditions: dict[str, Any]) -> Callable[[User], bool]:
    """Compile a user filter (400/4 when invalid) with the users area's query schema."""
    from fake_server.domain.user_ops import query as user_query

    public = getattr(user_query, "user_filter", None)
    if callable(public):
        predicate: Callable[[User], bool] = public(app, conditions)
        return predicate
    schema_of = getattr(user_query, "_schema", None)
    schema: Schema[User] = schema_of(app) if callable(schema_of) else _FALLBACK_USER_SCHEMA
    return compile_filter(schema, conditions)


def _user_custom(user: User, key: str) -> object:
    return user.custom.get(key, MISSING)


_FALLBACK_USER_SCHEMA: Final[Schema[Any]] = Schema(
    fields={
        "id": Field("id", FieldType.STRING, _ORDERED_IN | {"$autocomplete"}, lambda u: u.id),
        "role": Field("role", FieldType.STRING, _ORDERED_IN, lambda u: u.role),
        "teams": Field("teams", FieldType.STRING_LIST, EQ_IN | {"$contains"}, lambda u: u.teams),
        "created_at": Field("created_at", FieldType.DATE, _ORDERED_IN, lambda u: u.created_at),
        "updated_at": Field("updated_at", FieldType.DATE, _ORDERED_IN, lambda u: u.updated_at),
    },
    custom_get=_user_custom,
    name="filter",
)


# -- channels ---------------------------------------------------------------------------------


def _opt(value: object) -> object:
    return MISSING if value is None else value


def _channel_custom(channel: Any, key: str) -> object:
    custom: dict[str, Any] = channel.custom
    return custom.get(key, MISSING)


def _members_match(op: str, operand: object) -> Callable[[Any], bool] | None:
    # members: $in = any of these users is a member; $eq with an array = exact member set.
    if op == "$eq" and isinstance(operand, list):
        wanted = frozenset(str(v) for v in operand)
        return lambda channel: frozenset(channel.members) == wanted
    return None


CHANNEL_SCHEMA: Final[Schema[Any]] = Schema(
    fields={
        "cid": Field("cid", FieldType.STRING, _ORDERED_IN, lambda c: c.cid),
        "id": Field("id", FieldType.STRING, _ORDERED_IN, lambda c: c.id),
        "type": Field("type", FieldType.STRING, _ORDERED_IN, lambda c: c.type),
        "team": Field("team", FieldType.STRING, _ORDERED_IN, lambda c: _opt(c.team)),
        "frozen": Field("frozen", FieldType.BOOL, EQ, lambda c: c.frozen),
        "disabled": Field("disabled", FieldType.BOOL, EQ, lambda c: c.disabled),
        "created_by_id": Field("created_by_id", FieldType.STRING, _ORDERED_IN, lambda c: _opt(c.created_by_id)),
        "created_at": Field("created_at", FieldType.DATE, _ORDERED_IN, lambda c: c.created_at),
        "updated_at": Field("updated_at", FieldType.DATE, _ORDERED_IN, lambda c: c.updated_at),
        "last_message_at": Field(
            "last_message_at", FieldType.DATE, _ORDERED_IN, lambda c: _opt(c.last_message_at)
        ),
        "member_count": Field(
            "member_count", FieldType.NUMBER, _ORDERED_IN - {"$exists"}, lambda c: len(c.members)
        ),
        "members": Field(
            "members",
            FieldType.STRING_LIST,
            EQ_IN | {"$contains"},
            lambda c: sorted(c.members),
            custom_match=_members_match,
        ),
    },
    custom_get=_channel_custom,
    custom_ops=_CUSTOM_OPS,
    name="filter",
)


def channel_predicate(conditions: dict[str, Any]) -> Callable[[Any], bool]:
    """Compile a channel filter over the chat core's channel records (400/4 when invalid)."""
    return compile_filter(CHANNEL_SCHEMA, conditions)
