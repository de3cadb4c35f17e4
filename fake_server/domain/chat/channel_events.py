"""Client events sent to a channel (§2.16): typing, custom events and legacy read events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import inputs, reads, render
from fake_server.domain.chat.models import Channel
from fake_server.domain.errors import APIError, input_error
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

TYPING = frozenset({"typing.start", "typing.stop"})
# Built-in event types a client may not send (§2.16: recommend 400/18).
BUILTIN_TYPES = frozenset(
    ["channel.created", "channel.updated", "channel.deleted", "channel.truncated", "channel.hidden", "channel.visible", "channel.muted", "channel.unmuted", "member.added", "member.updated", "member.removed", "message.new", "message.updated", "message.deleted", "message.undeleted", "reaction.new", "reaction.updated", "reaction.deleted", "user.updated", "user.deleted", "user.deactivated", "user.reactivated", "user.banned", "user.unbanned", "user.muted", "user.unmuted", "user.flagged", "user.messages.deleted", "user.presence.changed", "user.watching.start", "user.watching.stop", "notification.message_new", "notification.mark_read", "notification.mark_unread", "notification.added_to_channel", "notification.removed_from_channel", "notification.invited", "notification.invite_accepted", "notification.invite_rejected", "notification.channel_deleted", "notification.channel_truncated", "notification.channel_mutes_updated", "notification.mutes_updated", "health.check", "connection.changed", "connection.recovered"]
)


def _unsupported(detail: str) -> APIError:
    return APIError(400, 18, detail)


def send_event(core: ChatCore, channel: Channel, raw: object, *, client_user: str | None) -> dict[str, Any]:
    event = inputs.obj(raw, "event", required=True)
    kind = inputs.string(event.get("type"), "event.type", required=True)
    assert kind is not None
    sender = inputs.acting_user(core.app, event, "event", create=True, fallback=client_user)
    assert sender is not None
    config = render.effective_config(core, channel)
    if kind in TYPING:
        if not config.get("typing_events", True):
            raise _unsupported(f"Channel type {channel.type} does not support typing events")
    elif kind == "message.read":
        if not config.get("read_events", True):
            raise _unsupported(f"Channel type {channel.type} does not support read events")
    elif kind in BUILTIN_TYPES:
        raise _unsupported(f"event type {kind} cannot be sent by clients")
    elif not config.get("custom_events", True):
        raise _unsupported(f"Channel type {channel.type} does not support custom events")
    out: dict[str, Any] = {k: v for k, v in event.items() if k not in ("user", "user_id")}
    out.update(
        type=kind,
        cid=channel.cid,
        channel_id=channel.id,
        channel_type=channel.type,
        created_at=format_time(core.app.clock.now()),
        user=render.user(core, sender.id),
    )
    if kind == "message.read":
        # Legacy way to mark read: like mark_read without message_id (records message.read).
        return reads.mark_read(core, channel, sender.id)
    if out.get("parent_id") is not None and not isinstance(out["parent_id"], str):
        raise input_error('expected string for field "event.parent_id"')
    core.app.emit(kind, **{k: v for k, v in out.items() if k != "type"})
    return out
