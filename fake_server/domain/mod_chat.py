"""How moderation and push reach into the chat core (messages and channels live there).

Every access is guarded, so this area works whatever stage the chat core is at. The chat core
is asked for, in this order:

- ``app.chat.get_message(message_id: str) -> Message | None`` — any stored message of a live
  channel, soft-deleted ones included (``None`` when unknown or hard-deleted); fallbacks
  ``app.chat.require_message(message_id)`` (404 → None), then ``app.chat.store.messages``;
- ``app.chat.render_message(message: Message, *, show_deleted: bool = False) -> dict`` — the
  server-side rendering (models §5.1); fallback: a reduced rendering built here;
- ``app.chat.get_channel(cid: str) -> Channel | None`` — a live channel; fallback
  ``app.chat.store.channels`` (skipping soft-deleted channels);
- ``app.chat.render_channel(channel: Channel) -> dict`` — the ``channel`` object (models §2.1);
  fallbacks: ``fake_server.domain.chat.render.render_channel(core, channel)``, then a reduced
  rendering built here;
- ``app.chat.latest_message_for(user_id: str) -> Message | None`` — the newest message of a
  channel the user is a member of (check_push without ``message_id``); fallback: walks
  ``app.chat.store.channels_of(user_id)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import APIError
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.chat.models import Channel, Message


def _method(app: ChatApp, name: str) -> Callable[..., Any] | None:
    found = getattr(app.chat, name, None)
    return found if callable(found) else None


def _chat_module_function(module: str, name: str) -> Callable[..., Any] | None:
    """A function of a chat-core module (``fake_server.domain.chat.<module>``), if present."""
    try:
        loaded = importlib.import_module(f"fake_server.domain.chat.{module}")
    except ImportError:
        return None
    found = getattr(loaded, name, None)
    return found if callable(found) else None


def _store(app: ChatApp) -> Any:
    return getattr(app.chat, "store", None)


def find_message(app: ChatApp, message_id: str) -> Message | None:
    """A stored message of a live channel (soft-deleted messages included), or None."""
    getter = _method(app, "get_message")
    if getter is not None:
        found: Message | None = getter(message_id)
        return found
    requirer = _method(app, "require_message")
    if requirer is not None:
        try:
            required: Message = requirer(message_id)
        except APIError:
            return None
        return required
    messages = getattr(_store(app), "messages", None)
    if isinstance(messages, dict):
        stored: Message | None = messages.get(message_id)
        if stored is not None and find_channel(app, stored.cid) is not None:
            return stored
    return None


def render_message(app: ChatApp, message: Message, *, show_deleted: bool = False) -> dict[str, Any]:
    """The server-side rendering; ``show_deleted`` keeps a soft-deleted message's content
    (moderators reviewing flags see what was flagged)."""
    render = _method(app, "render_message")
    if render is not None:
        rendered: dict[str, Any] = (
            render(message, show_deleted=True) if show_deleted else render(message)
        )
        return rendered
    out: dict[str, Any] = dict(message.custom)
    out.update(
        id=message.id,
        cid=message.cid,
        type="deleted" if message.deleted_at is not None else message.type,
        text=message.text,
        user=app.users.render_id(message.user_id),
        shadowed=message.shadowed,
        silent=message.silent,
        created_at=format_time(message.created_at),
        updated_at=format_time(message.updated_at),
    )
    if message.parent_id is not None:
        out["parent_id"] = message.parent_id
    if message.deleted_at is not None:
        out["deleted_at"] = format_time(message.deleted_at)
    return out


def find_channel(app: ChatApp, cid: str) -> Channel | None:
    getter = _method(app, "get_channel")
    if getter is not None:
        found: Channel | None = getter(cid)
        return found
    channels = getattr(_store(app), "channels", None)
    if isinstance(channels, dict):
        stored: Channel | None = channels.get(cid)
        if stored is not None and stored.deleted_at is None:
            return stored
    return None


def render_channel(app: ChatApp, channel: Channel) -> dict[str, Any]:
    render = _method(app, "render_channel")
    if render is not None:
        rendered: dict[str, Any] = render(channel)
        return rendered
    module_render = _chat_module_function("render", "render_channel")
    if module_render is not None:
        by_module: dict[str, Any] = module_render(app.chat, channel)
        return by_module
    out: dict[str, Any] = dict(channel.custom)
    out.update(
        id=channel.id,
        type=channel.type,
        cid=channel.cid,
        created_at=format_time(channel.created_at),
        updated_at=format_time(channel.updated_at),
        frozen=channel.frozen,
        disabled=channel.disabled,
        member_count=len(channel.members),
    )
    if channel.team is not None:
        out["team"] = channel.team
    return out


def render_channel_by_cid(app: ChatApp, cid: str) -> dict[str, Any]:
    """The channel of ``cid``; a channel that is gone renders as its identity only."""
    channel = find_channel(app, cid)
    if channel is not None:
        return render_channel(app, channel)
    channel_type, _, channel_id = cid.partition(":")
    return {"id": channel_id, "type": channel_type, "cid": cid}


def channel_team(app: ChatApp, cid: str) -> str | None:
    channel = find_channel(app, cid)
    return None if channel is None else channel.team


def channel_name(app: ChatApp, cid: str) -> str:
    channel = find_channel(app, cid)
    if channel is None:
        return ""
    name = channel.custom.get("name")
    return name if isinstance(name, str) else ""


def latest_message_for(app: ChatApp, user_id: str) -> Message | None:
    """The newest listed, not deleted message of any channel ``user_id`` is a member of.

    The service picks "a random message" (§7.1); the fake picks the newest so that answers are
    deterministic.
    """
    finder = _method(app, "latest_message_for")
    if finder is not None:
        found: Message | None = finder(user_id)
        return found
    channels_of = getattr(_store(app), "channels_of", None)
    if not callable(channels_of):
        return None
    best: Message | None = None
    channels: Iterable[Channel] = channels_of(user_id)
    for channel in channels:
        for message in reversed(channel.messages):
            if message.deleted_at is not None or message.type in ("ephemeral", "error"):
                continue
            if best is None or message.created_at > best.created_at:
                best = message
            break
    return best
