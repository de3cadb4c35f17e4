"""Validation of user data as clients write it (endpoints-users-app §1, models §1.4).

One parser serves upsert, partial update (which validates the patched document) and guest
creation, so every write path applies the same rules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.errors import input_error
from fake_server.domain.query import json_kind
from fake_server.domain.timefmt import format_time, parse_time
from fake_server.domain.users import RESERVED_USER_FIELDS

if TYPE_CHECKING:
    from fake_server.domain.users import UserDirectory

# Built-in keys a client may write (server-side upsert and partial update).
WRITABLE_FIELDS: Final = frozenset(
    {
        "name", "image", "role", "teams", "teams_role", "language", "invisible",
        "privacy_settings", "push_notifications", "revoke_tokens_issued_before",
    }
)
# Built-in keys computed by the server: ignored in upsert input, rejected in partial updates.
COMPUTED_FIELDS: Final = RESERVED_USER_FIELDS - WRITABLE_FIELDS - {"id"}

MAX_TEAMS: Final = 250
MAX_TEAM_BYTES: Final = 100
# "Whole user object must be < 5 KB serialized" — measured on the custom data (name, image
# and custom keys) as stored; built-in lists such as teams have their own limits.
MAX_CUSTOM_BYTES: Final = 5 * 1024

_PRIVACY_KEYS: Final = ("typing_indicators", "read_receipts", "delivery_receipts")


@dataclass(slots=True)
class UserFields:
    """Validated writable data of one user. ``None`` means "not given" (see ``given``)."""

    custom: dict[str, Any] = field(default_factory=dict)  # includes name and image
    role: str | None = None
    teams: list[str] | None = None
    teams_role: dict[str, str] | None = None
    language: str | None = None
    invisible: bool | None = None
    privacy_settings: dict[str, Any] | None = None
    push_notifications: dict[str, Any] | None = None
    revoke_tokens_issued_before: datetime | None = None
    # Built-in keys present in the input with a non-null value, plus
    # "revoke_tokens_issued_before" when given as null (null clears a revocation).
    given: set[str] = field(default_factory=set)


def check_custom_key(key: str, where: str) -> None:
    if not key or "." in key or " " in key:
        raise input_error(
            f'{where}: invalid field name "{key}": field names must be non-empty and may not '
            'contain "." or spaces',
            **{key or "field": "invalid field name"},
        )


def parse_user_fields(
    directory: UserDirectory, data: dict[str, Any], *, where: str, merge_custom: bool = True
) -> UserFields:
    """Validate the writable part of a user object; server-computed keys and ``id`` are ignored.

    A nested ``custom`` object is merged into the top level (endpoints-users-app §0.5);
    null values mean "absent", except ``revoke_tokens_issued_before: null`` (clears).
    """
    out = UserFields()
    items = dict(data)
    nested = items.get("custom")
    if merge_custom and isinstance(nested, dict):
        del items["custom"]
        for key, value in nested.items():
            items.setdefault(key, value)
    for key, value in items.items():
        if key == "id" or key in COMPUTED_FIELDS:
            continue
        if value is None:
            if key == "revoke_tokens_issued_before":
                out.given.add(key)
            continue
        if key in ("name", "image"):
            if not isinstance(value, str):
                raise _type_error(where, key, "string", value)
            out.custom[key] = value
        elif key == "role":
            out.role = _role(directory, value, f"{where}.role")
        elif key == "teams":
            out.teams = _teams(value, where)
        elif key == "teams_role":
            out.teams_role = _teams_role(directory, value, where)
        elif key == "language":
            if not isinstance(value, str):
                raise _type_error(where, key, "string", value)
            out.language = value
        elif key == "invisible":
            if not isinstance(value, bool):
                raise _type_error(where, key, "boolean", value)
            out.invisible = value
        elif key == "privacy_settings":
            out.privacy_settings = _privacy(value, where)
        elif key == "push_notifications":
            out.push_notifications = _push(value, where)
        elif key == "revoke_tokens_issued_before":
            out.revoke_tokens_issued_before = parse_time(value, "revoke_tokens_issued_before")
        else:
            check_custom_key(key, where)
            out.custom[key] = value
            continue
        out.given.add(key)
    size = len(json.dumps(out.custom, separators=(",", ":"), ensure_ascii=False).encode())
    if size >= MAX_CUSTOM_BYTES:
        raise input_error(
            f"{where}: user object is too large ({size} bytes of custom data, the limit is "
            f"{MAX_CUSTOM_BYTES} bytes)"
        )
    return out


def _type_error(where: str, key: str, expected: str, value: object) -> Exception:
    return input_error(
        f'{where}.{key} must be a {expected}, got {json_kind(value)}', **{key: f"must be a {expected}"}
    )




def _role(directory: UserDirectory, value: object, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise input_error(f"{where} must be a non-empty string", role="must be a string")
    if not directory.role_exists(value):
        raise input_error(f'{where}: role "{value}" does not exist', role="role does not exist")
    return value


def _teams(value: object, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(team, str) for team in value):
        raise _type_error(where, "teams", "list of strings", value)
    if len(value) > MAX_TEAMS:
        raise input_error(
            f"{where}.teams: a user can be in at most {MAX_TEAMS} teams, got {len(value)}",
            teams="too many teams",
        )
    for team in value:
        if not team or len(team.encode()) > MAX_TEAM_BYTES:
            raise input_error(
                f'{where}.teams: team name "{team}" must be 1 to {MAX_TEAM_BYTES} bytes long',
                teams="invalid team name",
            )
    # Duplicates collapse; order of first appearance is kept.
    return list(dict.fromkeys(value))


def _teams_role(directory: UserDirectory, value: object, where: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _type_error(where, "teams_role", "object", value)
    out: dict[str, str] = {}
    for team, role in value.items():
        out[team] = _role(directory, role, f"{where}.teams_role.{team}")
    return out


def _privacy(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _type_error(where, "privacy_settings", "object", value)
    for key in _PRIVACY_KEYS:
        setting = value.get(key)
        if setting is None:
            continue
        if not isinstance(setting, dict):
            raise _type_error(where, f"privacy_settings.{key}", "object", setting)
        enabled = setting.get("enabled")
        if enabled is not None and not isinstance(enabled, bool):
            raise _type_error(where, f"privacy_settings.{key}.enabled", "boolean", enabled)
    return value


def _push(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _type_error(where, "push_notifications", "object", value)
    out = dict(value)
    disabled = value.get("disabled")
    if disabled is not None and not isinstance(disabled, bool):
        raise _type_error(where, "push_notifications.disabled", "boolean", disabled)
    until = value.get("disabled_until")
    if until is not None:
        out["disabled_until"] = format_time(parse_time(until, "push_notifications.disabled_until"))
    return out


# -- unique usernames (enforce_unique_usernames, models §1.4) ----------------------------------

_NOT_WORD: Final = re.compile(r"[\W_]+")


def normalize_username(name: str) -> str:
    """Whitespace and punctuation removed, lower-cased: "John Doe" ≡ "john.doe"."""
    return _NOT_WORD.sub("", name).lower()
