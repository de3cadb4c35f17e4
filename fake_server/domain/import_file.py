"""Reading and validating an import file (endpoints-moderation-tasks §4, models §17).

The file is JSON Lines: one ``{"type": <kind>, "data": {...}}`` object per line (``item`` is
accepted as a synonym of ``data``, the key the service's own import tools write), kinds in
the order ``user``, ``device``, ``future_channel_ban``, ``channel``, ``member``, ``message``,
``reaction``. Timestamps are RFC 3339; custom data is at most 5 KiB per object (1 KiB per
reaction). Every item is checked against the app's state plus the items before it; all
problems are reported (``{error, item_type, item, line}``), and a file with any problem is
not applied at all.

Fields per kind (aliases in brackets):

- user: ``id`` + user fields as for upsert (``created_at`` kept for new users);
- device: ``id``, ``user_id``, ``push_provider`` [``push_provider_type``],
  ``push_provider_name``;
- future_channel_ban: ``user_id`` [``user``, ``target_id``] is banned from every channel
  ``created_by_id`` [``created_by``, ``moderator``, ``banned_by_id``] creates; ``reason``;
- channel: ``type`` + ``id`` [``cid``], ``created_by_id`` [``created_by``], ``team``,
  ``frozen``, ``disabled``, ``members`` (user ids), ``created_at``, custom data;
- member: ``channel_type`` + ``channel_id`` [``cid``], ``user_id`` [``user``],
  ``channel_role``, ``created_at``, custom data;
- message: ``id`` (generated when absent), ``channel_type`` + ``channel_id`` [``cid``],
  ``user_id`` [``user``], ``text``, ``type`` (``regular``/``system``), ``attachments``,
  ``parent_id``, ``show_in_channel``, ``mentioned_users`` (ids), ``silent``, ``created_at``,
  ``updated_at``, ``deleted_at``, custom data;
- reaction: ``message_id``, ``user_id`` [``user``], ``type``, ``score``, ``created_at``,
  custom data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.errors import APIError
from fake_server.domain.ids import check_channel_id, check_user_id, new_id
from fake_server.domain.timefmt import try_parse_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

KINDS: Final = ("user", "device", "future_channel_ban", "channel", "member", "message", "reaction")
MAX_FILE_BYTES: Final = 300 * 1024 * 1024
MAX_ERRORS: Final = 100
CUSTOM_LIMIT: Final = 5 * 1024
REACTION_CUSTOM_LIMIT: Final = 1024
MESSAGE_TYPES: Final = ("regular", "system")
PUSH_PROVIDERS: Final = ("firebase", "apn", "huawei", "xiaomi")

_CHANNEL_BUILTINS: Final = frozenset(
    {"type", "id", "cid", "created_by", "created_by_id", "team", "frozen", "disabled", "members",
     "created_at", "updated_at", "member_count", "config", "last_message_at"}
)
_MEMBER_BUILTINS: Final = frozenset(
    {"channel_type", "channel_id", "cid", "user", "user_id", "channel_role", "role", "created_at", "updated_at"}
)
_MESSAGE_BUILTINS: Final = frozenset(
    {"id", "channel_type", "channel_id", "cid", "user", "user_id", "text", "html", "type", "attachments",
     "parent_id", "show_in_channel", "mentioned_users", "silent", "created_at", "updated_at", "deleted_at",
     "latest_reactions", "own_reactions", "reaction_counts", "reaction_scores", "reply_count"}
)
_REACTION_BUILTINS: Final = frozenset(
    {"message_id", "user", "user_id", "type", "score", "created_at", "updated_at"}
)


class ItemError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class Item:
    line: int
    kind: str
    raw: dict[str, Any]
    # Normalised fields (see the module docstring), ready to apply.
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Analysis:
    items: list[Item] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals = {kind + "s": 0 for kind in KINDS}
        for item in self.items:
            totals[item.kind + "s"] += 1
        return totals

    def fail(self, line: int, kind: str | None, item: object, message: str) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"error": message, "item_type": kind or "", "item": item, "line": line})


# -- field helpers ------------------------------------------------------------------------------


def _first(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        value = data.get(key)
        if value is not None:
            return value
    return None


def _ref_id(value: object, what: str) -> str:
    """A reference given as an id string or as an object with ``id``."""
    if isinstance(value, dict):
        value = value.get("id")
    if not isinstance(value, str) or not value:
        raise ItemError(f"{what} is required")
    return value


def _time(data: dict[str, Any], key: str) -> datetime | None:
    value = data.get(key)
    if value is None:
        return None
    parsed = try_parse_time(value)
    if parsed is None:
        raise ItemError(f"{key} must be an RFC 3339 timestamp, got {value!r}")
    return parsed


def _bool(data: dict[str, Any], key: str) -> bool | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise ItemError(f"{key} must be a boolean")
    return value


def _custom(data: dict[str, Any], builtins: frozenset[str], limit: int) -> dict[str, Any]:
    custom = {k: v for k, v in data.items() if k not in builtins and v is not None}
    nested = data.get("custom")
    if isinstance(nested, dict):
        custom.pop("custom", None)
        for key, value in nested.items():
            custom.setdefault(key, value)
    size = len(json.dumps(custom, separators=(",", ":"), ensure_ascii=False).encode())
    if size > limit:
        raise ItemError(f"custom data is too large ({size} bytes, the limit is {limit})")
    return custom


def _cid(data: dict[str, Any], type_key: str, id_key: str) -> str:
    cid = data.get("cid")
    if isinstance(cid, str) and cid:
        if cid.count(":") != 1 or not all(cid.split(":")):
            raise ItemError(f'cid "{cid}" is not a valid channel cid (type:id)')
        return cid
    channel_type, channel_id = data.get(type_key), data.get(id_key)
    if not isinstance(channel_type, str) or not channel_type or not isinstance(channel_id, str) or not channel_id:
        raise ItemError(f"{type_key} and {id_key} (or cid) are required")
    return f"{channel_type}:{channel_id}"


# -- the analyser ---------------------------------------------------------------------------------


class Analyser:
    """Validates items in file order, tracking what the file itself creates."""

    def __init__(self, app: ChatApp) -> None:
        self.app = app
        self.users: set[str] = set()
        self.channels: set[str] = set()
        self.messages: dict[str, str] = {}  # message id → cid (of messages in the file)
        self.message_parents: dict[str, str | None] = {}
        self._app_messages = app.chat.store.messages

    # existence, in the file or in the app
    def user_exists(self, user_id: str) -> bool:
        return user_id in self.users or self.app.users.get(user_id) is not None

    def channel_exists(self, cid: str) -> bool:
        return cid in self.channels or self.app.chat.get_channel(cid) is not None

    def message_cid(self, message_id: str) -> str | None:
        if message_id in self.messages:
            return self.messages[message_id]
        message = self._app_messages.get(message_id)
        return None if message is None else message.cid

    def message_parent(self, message_id: str) -> str | None:
        if message_id in self.message_parents:
            return self.message_parents[message_id]
        message = self._app_messages.get(message_id)
        return None if message is None else message.parent_id

    def require_user(self, user_id: str, what: str) -> None:
        if not self.user_exists(user_id):
            raise ItemError(f"{what} {user_id} does not exist (neither in the app nor earlier in the file)")

    # kinds
    def user(self, data: dict[str, Any]) -> dict[str, Any]:
        try:
            user_id = check_user_id(data.get("id"), "id")
            from fake_server.domain.user_ops.fields import parse_user_fields

            parse_user_fields(self.app.users, data, where="user")
        except APIError as exc:
            raise ItemError(exc.detail) from None
        created_at = _time(data, "created_at")
        self.users.add(user_id)
        fields = {k: v for k, v in data.items() if k not in ("created_at", "updated_at")}
        return {"id": user_id, "fields": fields, "created_at": created_at}

    def device(self, data: dict[str, Any]) -> dict[str, Any]:
        device_id = data.get("id")
        if not isinstance(device_id, str) or not device_id or len(device_id) > 255:
            raise ItemError("id is required (1 to 255 characters)")
        user_id = _ref_id(_first(data, "user_id", "user"), "user_id")
        self.require_user(user_id, "user")
        provider = _first(data, "push_provider", "push_provider_type")
        if provider not in PUSH_PROVIDERS:
            raise ItemError(f"push_provider must be one of {', '.join(PUSH_PROVIDERS)}, got {provider!r}")
        name = data.get("push_provider_name")
        if name is not None and not isinstance(name, str):
            raise ItemError("push_provider_name must be a string")
        return {"id": device_id, "user_id": user_id, "push_provider": provider, "push_provider_name": name or None}

    def future_channel_ban(self, data: dict[str, Any]) -> dict[str, Any]:
        user_id = _ref_id(_first(data, "user_id", "user", "target_id"), "user_id")
        creator = _ref_id(_first(data, "created_by_id", "created_by", "moderator", "banned_by_id"), "created_by_id")
        self.require_user(user_id, "banned user")
        self.require_user(creator, "channel creator")
        reason = data.get("reason")
        if reason is not None and not isinstance(reason, str):
            raise ItemError("reason must be a string")
        return {"user_id": user_id, "created_by_id": creator, "reason": reason, "created_at": _time(data, "created_at")}

    def channel(self, data: dict[str, Any]) -> dict[str, Any]:
        cid = _cid(data, "type", "id")
        channel_type, channel_id = cid.split(":")
        if self.app.channel_types.get(channel_type) is None:
            raise ItemError(f"channel type {channel_type} does not exist")
        try:
            check_channel_id(channel_id, "id")
        except APIError as exc:
            raise ItemError(exc.detail) from None
        creator = _first(data, "created_by_id", "created_by")
        creator_id = None if creator is None else _ref_id(creator, "created_by")
        if creator_id is not None:
            self.require_user(creator_id, "channel creator")
        members = data.get("members")
        member_ids: list[str] = []
        if members is not None:
            if not isinstance(members, list):
                raise ItemError("members must be an array of user ids")
            member_ids = [_ref_id(m if not isinstance(m, dict) else m.get("user_id") or m.get("user"), "members[]")
                          for m in members]
            for member_id in member_ids:
                self.require_user(member_id, "member")
        team = data.get("team")
        if team is not None and not isinstance(team, str):
            raise ItemError("team must be a string")
        self.channels.add(cid)
        return {
            "cid": cid, "type": channel_type, "id": channel_id, "created_by_id": creator_id,
            "team": team, "frozen": _bool(data, "frozen"), "disabled": _bool(data, "disabled"),
            "member_ids": list(dict.fromkeys(member_ids)), "created_at": _time(data, "created_at"),
            "custom": _custom(data, _CHANNEL_BUILTINS, CUSTOM_LIMIT),
        }

    def member(self, data: dict[str, Any]) -> dict[str, Any]:
        cid = _cid(data, "channel_type", "channel_id")
        if not self.channel_exists(cid):
            raise ItemError(f"channel {cid} does not exist (neither in the app nor earlier in the file)")
        user_id = _ref_id(_first(data, "user_id", "user"), "user_id")
        self.require_user(user_id, "user")
        role = data.get("channel_role")
        if role is not None and (not isinstance(role, str) or not role):
            raise ItemError("channel_role must be a non-empty string")
        return {"cid": cid, "user_id": user_id, "channel_role": role, "created_at": _time(data, "created_at"),
                "custom": _custom(data, _MEMBER_BUILTINS, CUSTOM_LIMIT)}

    def message(self, data: dict[str, Any]) -> dict[str, Any]:
        raw_id = data.get("id")
        if raw_id is not None and (not isinstance(raw_id, str) or not raw_id or len(raw_id) > 255
                                   or "," in raw_id or "%" in raw_id):
            raise ItemError("id must be 1 to 255 characters without ',' or '%'")
        message_id = raw_id or new_id()
        if message_id in self.messages:
            raise ItemError(f"message {message_id} appears twice in the file")
        cid = _cid(data, "channel_type", "channel_id")
        if not self.channel_exists(cid):
            raise ItemError(f"channel {cid} does not exist (neither in the app nor earlier in the file)")
        user_id = _ref_id(_first(data, "user_id", "user"), "user")
        self.require_user(user_id, "author")
        text = data.get("text", "")
        if not isinstance(text, str):
            raise ItemError("text must be a string")
        message_type = data.get("type") or "regular"
        if message_type not in MESSAGE_TYPES:
            raise ItemError(f"type must be regular or system, got {message_type!r}")
        attachments = data.get("attachments") or []
        if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
            raise ItemError("attachments must be an array of objects")
        if not text and not attachments:
            raise ItemError("a message needs text or attachments")
        parent_id = data.get("parent_id")
        if parent_id is not None:
            if not isinstance(parent_id, str) or self.message_cid(parent_id) != cid:
                raise ItemError(f"parent message {parent_id} does not exist in channel {cid}")
            if self.message_parent(parent_id) is not None:
                raise ItemError("a reply cannot be the parent of another reply")
        mentions = data.get("mentioned_users") or []
        if not isinstance(mentions, list):
            raise ItemError("mentioned_users must be an array of user ids")
        mentioned = [_ref_id(m, "mentioned_users[]") for m in mentions]
        for mentioned_id in mentioned:
            self.require_user(mentioned_id, "mentioned user")
        self.messages[message_id] = cid
        self.message_parents[message_id] = parent_id
        return {
            "id": message_id, "cid": cid, "user_id": user_id, "text": text, "type": message_type,
            "html": data.get("html") if isinstance(data.get("html"), str) else None,
            "attachments": attachments, "parent_id": parent_id,
            "show_in_channel": bool(_bool(data, "show_in_channel")), "silent": bool(_bool(data, "silent")),
            "mentioned_user_ids": mentioned, "created_at": _time(data, "created_at"),
            "updated_at": _time(data, "updated_at"), "deleted_at": _time(data, "deleted_at"),
            "custom": _custom(data, _MESSAGE_BUILTINS, CUSTOM_LIMIT),
        }

    def reaction(self, data: dict[str, Any]) -> dict[str, Any]:
        message_id = data.get("message_id")
        if not isinstance(message_id, str) or not message_id or self.message_cid(message_id) is None:
            raise ItemError(f"message {message_id} does not exist (neither in the app nor earlier in the file)")
        user_id = _ref_id(_first(data, "user_id", "user"), "user")
        self.require_user(user_id, "user")
        reaction_type = data.get("type")
        if not isinstance(reaction_type, str) or not reaction_type:
            raise ItemError("type is required")
        score = data.get("score", 1)
        if isinstance(score, bool) or not isinstance(score, int) or score < 1:
            raise ItemError("score must be a positive integer")
        return {"message_id": message_id, "user_id": user_id, "type": reaction_type, "score": score,
                "created_at": _time(data, "created_at"),
                "custom": _custom(data, _REACTION_BUILTINS, REACTION_CUSTOM_LIMIT)}


def analyse(app: ChatApp, content: bytes) -> Analysis:
    result = Analysis()
    if len(content) > MAX_FILE_BYTES:
        result.fail(0, None, None, f"the file is larger than {MAX_FILE_BYTES} bytes")
        return result
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.fail(0, None, None, "the file is not UTF-8 text")
        return result
    analyser = Analyser(app)
    rank = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError as exc:
            result.fail(number, None, line[:200], f"invalid JSON: {exc}")
            continue
        if not isinstance(document, dict):
            result.fail(number, None, document, "each line must be a JSON object")
            continue
        kind = document.get("type")
        if kind not in KINDS:
            result.fail(number, None, document, f"unknown item type {kind!r}; expected one of {', '.join(KINDS)}")
            continue
        data = document.get("data", document.get("item"))
        if not isinstance(data, dict):
            result.fail(number, kind, document, 'each item needs a "data" object')
            continue
        position = KINDS.index(kind)
        if position < rank:
            result.fail(number, kind, data, f"{kind} items must come before {KINDS[rank]} items (order: {', '.join(KINDS)})")
            continue
        rank = position
        try:
            normalised = getattr(analyser, kind)(data)
        except ItemError as exc:
            result.fail(number, kind, data, exc.message)
            continue
        result.items.append(Item(line=number, kind=kind, raw=data, data=normalised))
    if not result.items and not result.errors:
        result.fail(0, None, None, "the file contains no items")
    return result
