"""Input rules shared by the moderation and push endpoints: acting users, typed fields.

The acting user of a moderation call (muter, flagger, reviewer) is named by ``user_id`` or by
a ``user`` object (conventions §3.1). Server-side calls must name one; user-token calls act as
the token's user and may not act for somebody else (403/17).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import input_error, not_allowed, not_found
from fake_server.domain.query import MISSING
from fake_server.domain.query.values import json_kind

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.auth import Actor
    from fake_server.domain.users import User

_TRUE_TEXT = frozenset({"1", "t", "true"})
_FALSE_TEXT = frozenset({"0", "f", "false"})


def acting_user_id(body: dict[str, Any], actor: Actor | None, *, required: bool = True) -> str | None:
    """The acting user's id from ``user_id`` / ``user.id`` (or the token's user).

    Both forms may be given only when they agree. A user token may only act as itself.
    """
    ident = body.get("user_id")
    obj = body.get("user")
    from_object: object = None
    if obj is not None:
        if not isinstance(obj, dict):
            raise input_error('expected an object for field "user"', user="must be an object")
        from_object = obj.get("id")
        if not isinstance(from_object, str) or not from_object:
            raise input_error("user.id is a required field", **{"user.id": "is required"})
    if ident is not None and (not isinstance(ident, str) or not ident):
        raise input_error("user_id must be a non-empty string", user_id="must be a string")
    if ident is not None and from_object is not None and ident != from_object:
        raise input_error("user and user_id name different users", user_id="conflicts with user.id")
    chosen = ident if ident is not None else from_object
    token_user = None if actor is None or actor.server else actor.user_id
    if token_user is not None:
        if chosen is not None and chosen != token_user:
            raise not_allowed(f"user {token_user} cannot act on behalf of user {chosen}")
        chosen = token_user
    if chosen is None:
        if required:
            raise input_error(
                "either user or user_id must be provided when using server side auth",
                user_id="is required",
            )
        return None
    assert isinstance(chosen, str)
    return chosen


def acting_user(app: ChatApp, body: dict[str, Any], actor: Actor | None) -> User:
    """The acting user, which must exist.

    An unknown acting user is 404/16: the moderation catalogue recommends 404 for an unknown
    banner/muter (§2.1, §2.4, §10 Q2), and the fake uses the same rule for flaggers and
    reviewers so that the whole area answers alike.
    """
    user_id = acting_user_id(body, actor)
    assert user_id is not None
    user = app.users.get(user_id)
    if user is None:
        raise not_found(f"user {user_id} does not exist")
    return user



def optional_string(body: dict[str, Any], key: str, *, max_length: int | None = None) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise input_error(f'expected a string for field "{key}", got {json_kind(value)}', **{key: "must be a string"})
    if max_length is not None and len(value) > max_length:
        raise input_error(f"{key} must be at most {max_length} characters", **{key: "too long"})
    return value


def optional_object(body: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise input_error(f'expected an object for field "{key}", got {json_kind(value)}', **{key: "must be an object"})
    return value


def optional_bool(holder: dict[str, Any], key: str, default: bool = False) -> bool:
    """A JSON boolean (query-string style text such as ``"True"`` is accepted too)."""
    value = holder.get(key, MISSING)
    if value is None or value is MISSING:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in _TRUE_TEXT:
            return True
        if lowered in _FALSE_TEXT:
            return False
    raise input_error(f'expected a boolean for field "{key}", got {json_kind(value)}', **{key: "must be a boolean"})


def optional_minutes(body: dict[str, Any], key: str) -> int | None:
    """A non-negative whole number of minutes; absent, null or 0 mean "no timeout"."""
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise input_error(f'expected an integer number of minutes for field "{key}", got {json_kind(value)}', **{key: "must be an integer"})
    if value < 0:
        raise input_error(f"{key} must be 0 or greater", **{key: "must be 0 or greater"})
    return value or None


def string_list(value: object, key: str, *, maximum: int) -> list[str]:
    """A non-empty array of non-empty strings (duplicates dropped, order kept)."""
    if not isinstance(value, list):
        raise input_error(f'expected an array of strings for field "{key}", got {json_kind(value)}', **{key: "must be an array"})
    if not value:
        raise input_error(f"{key} must not be empty", **{key: "must not be empty"})
    if len(value) > maximum:
        raise input_error(f"{key} accepts at most {maximum} items, got {len(value)}", **{key: "too many items"})
    seen: dict[str, None] = {}
    for item in value:
        if not isinstance(item, str) or not item:
            raise input_error(f"{key} must contain only non-empty strings", **{key: "must contain strings"})
        seen.setdefault(item, None)
    return list(seen)
