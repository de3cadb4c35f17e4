"""Filters of segments: which channels a channel segment's ``filter`` selects (models §15).

User segments filter like query users (conventions §10.3): ``user_ops.query.user_filter``.
Channel segments filter like query channels on the channel's own fields (server-side: no
acting user, so user-relative fields such as ``joined`` or ``hidden`` are not available).
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
    from fake_server.domain.chat.models import Channel

_ORDERED_IN: Final = COMPARISONS_IN_EXISTS
_CUSTOM_OPS: Final = frozenset(
    {"$eq", "$in", "$gt", "$gte", "$lt", "$lte", "$exists", "$contains", "$autocomplete", "$q"}
)


# -- channels ---------------------------------------------------------------------------------


def _opt(value: object) -> object:
    return MISSING if value is None else value


def _channel_custom(channel: Channel, key: str) -> object:
    return channel.custom.get(key, MISSING)


def _members_match(op: str, operand: object) -> Callable[[Channel], bool] | None:
    # members: $in = any of these users is a member; $eq with an array = exact member set.
    if op == "$eq" and isinstance(operand, list):
        wanted = frozenset(str(v) for v in operand)
        return lambda channel: frozenset(channel.members) == wanted
    return None


CHANNEL_SCHEMA: Final[Schema[Channel]] = Schema(
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


def channel_predicate(conditions: dict[str, Any]) -> Callable[[Channel], bool]:
    """Compile a channel filter over the chat core's channel records (400/4 when invalid)."""
    return compile_filter(CHANNEL_SCHEMA, conditions)
