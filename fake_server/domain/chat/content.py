"""Validation of message content shared by send and update (§3.1, §3.4, §3.5)."""

from __future__ import annotations

import html as html_lib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import inputs, render
from fake_server.domain.chat.models import Channel
from fake_server.domain.errors import APIError, input_error
from fake_server.domain.timefmt import parse_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MAX_ATTACHMENTS = 30
MAX_MENTIONS = 25
MAX_ID_LENGTH = 255
DEFAULT_MAX_LENGTH = 5000
INPUT_TYPES = ("regular", "system")

# Keys of a message object that are built-in fields (everything else is custom data).
BUILTIN = frozenset(
    {
        "id", "text", "html", "mml", "type", "user", "user_id", "attachments", "mentioned_users",
        "parent_id", "show_in_channel", "quoted_message_id", "silent", "pinned", "pin_expires",
        "pinned_at", "restricted_visibility", "poll_id",
    }
)
# Server-computed keys rejected on send (§3.1 "reserved"; ``cid`` equal to the target is ignored).
SEND_RESERVED = frozenset(
    {
        "created_at", "updated_at", "deleted_at", "i18n", "reply_count", "deleted_reply_count",
        "reaction_counts", "reaction_scores", "reaction_groups", "latest_reactions", "own_reactions",
        "thread_participants", "command", "args", "cid", "shadowed", "pinned_by", "message_text_updated_at",
    }
)
# Read-only keys of a fetched message that a full update ignores so a round trip saves (§3.4).
UPDATE_IGNORED = frozenset(
    {
        "cid", "created_at", "updated_at", "reply_count", "deleted_reply_count", "reaction_counts",
        "reaction_scores", "reaction_groups", "latest_reactions", "own_reactions", "thread_participants",
        "pinned_by", "quoted_message", "shadowed", "deleted_at", "message_text_updated_at", "command",
        "args", "channel", "poll", "pending_message_metadata", "moderation", "before_message_send_failed",
        "image_labels", "member",
    }
)
# Input read-only keys ignored on send too (never custom data).
SEND_IGNORED = frozenset({"quoted_message", "channel"})


@dataclass(slots=True)
class Draft:
    """Validated content of a message input."""

    text: str = ""
    html: str | None = None
    mml: str | None = None
    type: str = "regular"
    attachments: list[dict[str, Any]] = field(default_factory=list)
    mentioned_user_ids: list[str] = field(default_factory=list)
    parent_id: str | None = None
    show_in_channel: bool = False
    quoted_message_id: str | None = None
    silent: bool = False
    pinned: bool | None = None
    pin_expires: datetime | None = None
    pinned_at: datetime | None = None
    restricted_visibility: list[str] | None = None
    poll_id: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def render_html(text: str) -> str:
    """A minimal markdown rendering: paragraphs of escaped text (``"hello"`` → ``<p>hello</p>\\n``)."""
    if not text:
        return ""
    paragraphs = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    return "".join(
        "<p>" + html_lib.escape(p.strip("\n"), quote=False).replace('"', "&quot;").replace("\n", "<br/>\n") + "</p>\n"
        for p in paragraphs
    )


def max_length(core: ChatCore, channel: Channel, config: dict[str, Any] | None = None) -> int:
    if config is None:
        config = render.effective_config(core, channel)
    value = config.get("max_message_length") or DEFAULT_MAX_LENGTH
    return int(value)


def check_text(core: ChatCore, channel: Channel, text: object, config: dict[str, Any] | None = None) -> str:
    if text is None:
        return ""
    if not isinstance(text, str):
        raise input_error('expected string for field "message.text"')
    limit = max_length(core, channel, config)
    if len(text) > limit:
        raise APIError(400, 20, f"message is too long: {len(text)} characters, the limit is {limit}")
    return text


def check_new_id(core: ChatCore, value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_ID_LENGTH or "," in value or "%" in value:
        raise input_error(
            'message.id must be a non-empty string of at most 255 characters without "," or "%"'
        )
    if value in core.store.messages or value in core.store.ephemeral:
        raise input_error(f"message with id {value} already exists")
    return value


def parse_attachments(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise input_error('expected array of objects for field "message.attachments"')
    if len(value) > MAX_ATTACHMENTS:
        raise input_error(f"a message can have at most {MAX_ATTACHMENTS} attachments")
    return [dict(item) for item in value]


def parse_mentions(core: ChatCore, value: object) -> list[str]:
    """Ids on input (user objects from a round trip are accepted too); users must exist."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise input_error('expected array of user ids for field "message.mentioned_users"')
    ids: list[str] = []
    for item in value:
        ident = item.get("id") if isinstance(item, dict) else item
        if not isinstance(ident, str) or not ident:
            raise input_error('expected array of user ids for field "message.mentioned_users"')
        ids.append(ident)
    ids = list(dict.fromkeys(ids))
    if len(ids) > MAX_MENTIONS:
        raise input_error(f"a message can mention at most {MAX_MENTIONS} users")
    missing = [uid for uid in ids if core.app.users.get(uid) is None]
    if missing:
        raise input_error(f"mentioned_users: the users {', '.join(missing)} do not exist")
    return ids


def parse_pin_expires(value: object, now: datetime) -> datetime | None:
    """§9 Q4: number → now + N seconds, string → timestamp, null → never; not in the future → 400/4."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise input_error('expected timestamp or number of seconds for field "pin_expires"')
    if isinstance(value, int | float):
        if value <= 0:
            raise input_error("pin_expires must be in the future")
        return now + timedelta(seconds=value)
    expires = parse_time(value, "pin_expires")
    if expires <= now:
        raise input_error("pin_expires must be in the future")
    return expires


def parse_draft(
    core: ChatCore,
    channel: Channel,
    raw: dict[str, Any],
    *,
    server_side: bool,
    for_update: bool,
    config: dict[str, Any] | None = None,
) -> Draft:
    """Validate a message object; custom keys are everything not built in (nor ignored)."""
    draft = Draft(text=check_text(core, channel, raw.get("text"), config))
    # Absent and null fields keep the defaults; only given ones are validated (most messages
    # carry little more than text, and this runs on every send).
    get = raw.get
    if get("attachments") is not None:
        draft.attachments = parse_attachments(raw["attachments"])
    if get("mentioned_users") is not None:
        draft.mentioned_user_ids = parse_mentions(core, raw["mentioned_users"])
    if get("show_in_channel") is not None:
        draft.show_in_channel = inputs.flag(raw["show_in_channel"], "message.show_in_channel")
    if get("quoted_message_id") is not None:
        draft.quoted_message_id = inputs.string(raw["quoted_message_id"], "message.quoted_message_id")
    if get("silent") is not None:
        draft.silent = inputs.flag(raw["silent"], "message.silent")
    if get("poll_id") is not None:
        draft.poll_id = inputs.string(raw["poll_id"], "message.poll_id")
    if server_side:
        draft.html = inputs.string(get("html"), "message.html")
        draft.mml = inputs.string(get("mml"), "message.mml")
    if not for_update:
        kind = get("type") or "regular"
        if kind not in INPUT_TYPES:
            raise input_error(f'message.type must be one of {", ".join(INPUT_TYPES)}, got "{kind}"')
        draft.type = kind
        draft.parent_id = inputs.string(get("parent_id"), "message.parent_id")
    if get("pinned") is not None:
        draft.pinned = inputs.flag(raw.get("pinned"), "message.pinned")
        if draft.pinned:
            draft.pin_expires = parse_pin_expires(raw.get("pin_expires"), core.app.clock.peek())
            draft.pinned_at = inputs.optional_time(raw.get("pinned_at"), "message.pinned_at")
    if raw.get("restricted_visibility") is not None:
        draft.restricted_visibility = inputs.string_list(
            raw.get("restricted_visibility"), "message.restricted_visibility", limit=None
        )
        if draft.pinned:
            raise input_error("messages with restricted visibility cannot be pinned")
    ignored = UPDATE_IGNORED if for_update else SEND_IGNORED
    reserved = [] if for_update else [
        key for key in raw
        if key in SEND_RESERVED and not (key == "cid" and raw[key] == channel.cid)
    ]
    inputs.reserved_error("message", reserved)
    draft.custom = {
        key: value
        for key, value in raw.items()
        if key not in BUILTIN and key not in ignored and key not in SEND_RESERVED and key not in ("i18n",)
    }
    inputs.check_custom_size(draft.custom, "message")
    return draft
