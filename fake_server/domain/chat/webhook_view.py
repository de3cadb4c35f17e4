"""What webhooks add to channel and message events (moderation-tasks §8.4).

Deliveries of events about a channel carry up to 50 of its members with their read state, and
the acting ``user`` — and every member's ``user`` — carries the user's unread counters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import render
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore
    from fake_server.domain.chat.models import Channel

MAX_MEMBERS = 50


def enrich(core: ChatCore, event: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``event`` with the webhook-only fields; events without a channel unchanged."""
    cid = event.get("cid")
    channel = core.store.channels.get(cid) if isinstance(cid, str) else None
    if channel is None:
        return event
    enriched = dict(event)
    user = event.get("user")
    if isinstance(user, dict) and isinstance(user.get("id"), str):
        enriched["user"] = {**user, **_unread_fields(core, channel, user["id"])}
    members = []
    for member in render.sorted_members(channel)[:MAX_MEMBERS]:
        rendered = render.render_member(core, channel, member)
        rendered["user"] = {**rendered["user"], **_unread_fields(core, channel, member.user_id)}
        members.append(rendered)
    enriched["members"] = members
    return enriched


def _unread_fields(core: ChatCore, channel: Channel, user_id: str) -> dict[str, Any]:
    totals = core.unread_totals(user_id)
    read = channel.reads.get(user_id)
    fields: dict[str, Any] = {
        "total_unread_count": totals["total_unread_count"],
        "unread_channels": totals["unread_channels"],
        "unread_count": totals["unread_count"],
        "channel_unread_count": read.unread_messages if read is not None else 0,
    }
    if read is not None:
        fields["channel_last_read_at"] = format_time(read.last_read)
    return fields
