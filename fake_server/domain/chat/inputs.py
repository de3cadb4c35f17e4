"""Request-input rules shared by the chat endpoints: acting users, types, sizes, set/unset paths."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server import jsonio
from fake_server.domain.errors import input_error, payload_too_big
from fake_server.domain.timefmt import parse_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.users import User

CUSTOM_LIMIT = 5 * 1024
REACTION_CUSTOM_LIMIT = 1024
MAX_BATCH = 100


def acting_user(
    app: ChatApp,
    holder: dict[str, Any],
    prefix: str | None,
    *,
    create: bool,
    fallback: str | None = None,
    required: bool = True,
    id_key: str = "user_id",
    object_key: str = "user",
) -> User | None:
    """The acting user named by ``holder`` (§0.5): object form ``user`` or id form ``user_id``.

    Object form: created on the fly when ``create`` (authors, reactors, creators, event
    senders), else it must exist (400/4). Id form: must exist (400/4). Neither: the token's
    user (``fallback``) or, when ``required``, 400/4.
    """
    label = f"{prefix}." if prefix else ""
    obj = holder.get(object_key)
    ident = holder.get(id_key)
    if obj is not None and ident is not None:
        raise input_error(f"cannot set both {label}{object_key} and {label}{id_key}.")
    if obj is not None:
        if not isinstance(obj, dict):
            raise input_error(f'expected object for field "{label}{object_key}"')
        if create:
            return app.users.ensure(obj, field=f"{label}{object_key}")
        return app.users.require_reference(obj.get("id"), field=f"{label}{object_key}.id")
    if ident is not None:
        return app.users.require_reference(ident, field=f"{label}{id_key}")
    if fallback is not None:
        return app.users.require_reference(fallback, field=f"{label}{id_key}")
    if required:
        raise input_error(
            f"either {label}{object_key} or {label}{id_key} must be provided when using server side auth."
        )
    return None


def obj(value: object, field: str, *, required: bool = False) -> dict[str, Any]:
    """An optional JSON object (``null``/absent → ``{}``)."""
    if value is None:
        if required:
            raise input_error(f"{field} is a required field", **{field: "is required"})
        return {}
    if not isinstance(value, dict):
        raise input_error(f'expected object for field "{field}"')
    return value


def flag(value: object, field: str, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise input_error(f'expected boolean for field "{field}"')
    return value


def string(value: object, field: str, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise input_error(f"{field} is a required field", **{field: "is required"})
        return None
    if not isinstance(value, str):
        raise input_error(f'expected string for field "{field}"')
    return value


def integer(value: object, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
        raise input_error(f'expected integer for field "{field}"')
    return int(value)


def string_list(value: object, field: str, *, limit: int | None = MAX_BATCH) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise input_error(f'expected array of strings for field "{field}"')
    if limit is not None and len(value) > limit:
        raise input_error(f"{field} accepts at most {limit} entries")
    return list(dict.fromkeys(value))


def optional_time(value: object, field: str) -> datetime | None:
    return None if value is None else parse_time(value, field)


def check_custom_size(custom: dict[str, Any], what: str, limit: int = CUSTOM_LIMIT) -> None:
    if not custom:
        return
    size = len(jsonio.dumps(custom))
    if size > limit:
        raise payload_too_big(f"{what} custom data is too large: {size} bytes (limit {limit} bytes)")


def reserved_error(prefix: str, fields: Iterable[str]) -> None:
    found = sorted(set(fields))
    if found:
        names = ", ".join(f"{prefix}.{name}" for name in found)
        verb = "is a reserved field" if len(found) == 1 else "are reserved fields"
        raise input_error(f"{names} {verb}")


def parse_set_unset(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``set`` and ``unset`` of a partial update (conventions §3.2)."""
    to_set = obj(body.get("set"), "set")
    unset_value = body.get("unset")
    if unset_value is None:
        to_unset: list[str] = []
    elif isinstance(unset_value, list) and all(isinstance(k, str) for k in unset_value):
        to_unset = list(unset_value)
    else:
        raise input_error('expected array of strings for field "unset"')
    for key in [*to_set, *to_unset]:
        if not key or " " in key or key.startswith(".") or key.endswith(".") or ".." in key:
            raise input_error(f'invalid field name "{key}"')
    both = sorted(set(to_set) & set(to_unset))
    if both:
        # Recommended for channels (§2.5); applied to every partial update for consistency.
        raise input_error(f"cannot set and unset the same field: {', '.join(both)}")
    return to_set, to_unset


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set a dot-separated path, creating (or replacing non-object) intermediate objects."""
    head, *rest = path.split(".")
    if not rest:
        target[head] = value
        return
    child = target.get(head)
    if not isinstance(child, dict):
        child = {}
        target[head] = child
    set_path(child, ".".join(rest), value)


def unset_path(target: dict[str, Any], path: str) -> None:
    head, *rest = path.split(".")
    if not rest:
        target.pop(head, None)
        return
    child = target.get(head)
    if isinstance(child, dict):
        unset_path(child, ".".join(rest))


def root(path: str) -> str:
    return path.split(".", 1)[0]
