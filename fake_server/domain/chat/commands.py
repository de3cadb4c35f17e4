"""Slash commands in message text (§3.1.4): /giphy previews and the moderation commands."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fake_server.domain.channel_types import BUILTIN_COMMANDS
from fake_server.domain.chat import bans
from fake_server.domain.chat.models import Channel
from fake_server.domain.moderation import UserMute

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

GIPHY_VARIANTS = 8
_SETS = {"fun_set": ("giphy",), "moderation_set": ("ban", "unban", "mute", "unmute")}
MODERATION = frozenset(_SETS["moderation_set"])


@dataclass(slots=True)
class Command:
    name: str
    args: str


def parse(core: ChatCore, config: dict[str, Any], text: str) -> Command | None:
    """The enabled command ``text`` starts with, or None (then it is an ordinary message)."""
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    name = head.strip()
    if not name or name not in enabled(core, config):
        return None
    return Command(name=name, args=rest.strip())


def enabled(core: ChatCore, config: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for entry in config.get("commands") or []:
        if entry == "all":
            names.update(BUILTIN_COMMANDS)
            names.update(core.app.commands.custom)
        elif entry in _SETS:
            names.update(_SETS[entry])
        elif isinstance(entry, str):
            names.add(entry)
    return names


def giphy_attachment(query: str, index: int, *, with_actions: bool) -> dict[str, Any]:
    """A deterministic placeholder image: the fake cannot call Giphy."""
    slug = hashlib.sha256(query.encode()).hexdigest()[:12]
    variant = index % GIPHY_VARIANTS
    url = f"https://media.giphy.fake/{slug}/{variant}/giphy.gif"
    attachment: dict[str, Any] = {
        "type": "giphy",
        "title": query,
        "title_link": f"https://giphy.fake/gifs/{slug}-{variant}",
        "thumb_url": url,
        "image_url": url,
        "giphy": {"original": {"url": url, "width": "480", "height": "270", "size": "0", "frames": "1"}},
    }
    if with_actions:
        attachment["actions"] = [
            {"name": "image_action", "text": "Send", "style": "primary", "type": "button", "value": "send"},
            {"name": "image_action", "text": "Shuffle", "style": "default", "type": "button", "value": "shuffle"},
            {"name": "image_action", "text": "Cancel", "style": "default", "type": "button", "value": "cancel"},
        ]
    return attachment


def giphy_start_index(query: str) -> int:
    return int(hashlib.sha256(query.encode()).hexdigest()[12:16], 16) % GIPHY_VARIANTS


def run_moderation(core: ChatCore, channel: Channel, author_id: str, command: Command) -> tuple[str, str]:
    """Run /mute, /unmute, /ban, /unban as the author; returns (message type, text).

    §9 Q15: success → a ``system`` confirmation, failure → an ``error`` message; neither is
    stored. /ban and /unban act in the channel's scope.
    """
    app = core.app
    target, _, reason = command.args.partition(" ")
    target_id = target.lstrip("@")
    if not target_id:
        return "error", f'"/{command.name}" needs a user: /{command.name} @username'
    if app.users.get(target_id) is None:
        return "error", f"user {target_id} does not exist"
    if target_id == author_id:
        return "error", f"You cannot {command.name} yourself"
    now = app.clock.now()
    if command.name == "mute":
        app.user_mutes[(author_id, target_id)] = UserMute(author_id, target_id, now, now)
        app.emit("user.muted", user=app.users.render_id(author_id), target_user=app.users.render_id(target_id))
        return "system", f"@{target_id} has been muted"
    if command.name == "unmute":
        app.user_mutes.pop((author_id, target_id), None)
        app.emit("user.unmuted", user=app.users.render_id(author_id), target_user=app.users.render_id(target_id))
        return "system", f"@{target_id} has been unmuted"
    if command.name == "ban":
        bans.ban(
            core, target_id, channel, banned_by_id=author_id, timeout=None,
            reason=reason.strip() or None, shadow=False, ip_ban=False,
        )
        return "system", f"@{target_id} has been banned"
    bans.unban(core, target_id, channel, created_by=author_id)
    return "system", f"@{target_id} has been unbanned"
