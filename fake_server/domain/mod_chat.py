"""Views of chat-core channels that moderation and push need (channels live in ``app.chat``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


def render_channel_by_cid(app: ChatApp, cid: str) -> dict[str, Any]:
    """The channel of ``cid``; a channel that is gone renders as its identity only."""
    channel = app.chat.get_channel(cid)
    if channel is not None:
        return app.chat.render_channel(channel)
    channel_type, _, channel_id = cid.partition(":")
    return {"id": channel_id, "type": channel_type, "cid": cid}


def channel_team(app: ChatApp, cid: str) -> str | None:
    channel = app.chat.get_channel(cid)
    return None if channel is None else channel.team


def channel_name(app: ChatApp, cid: str) -> str:
    channel = app.chat.get_channel(cid)
    if channel is None:
        return ""
    name = channel.custom.get("name")
    return name if isinstance(name, str) else ""
