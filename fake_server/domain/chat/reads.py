"""Read state and unread counting (§6, §7, users-app §9)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import listing, render
from fake_server.domain.chat.models import Channel, Member, Message, ReadState
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MAX_UNREAD_CHANNELS = 100
MAX_READ_BY_CHANNEL = 30
_NEVER_COUNTED = ("ephemeral", "error")


def read_state(channel: Channel, user_id: str, start: datetime) -> ReadState:
    read = channel.reads.get(user_id)
    if read is None:
        read = ReadState(user_id=user_id, last_read=start)
        channel.reads[user_id] = read
    return read


def counts_as_unread(core: ChatCore, channel: Channel, message: Message, member: Member) -> bool:
    """Whether ``message`` raises ``member``'s unread count (§7 "Unread counts")."""
    return counts_for_anyone(message) and _counts_for(core, channel, message, member)


def counts_for_anyone(message: Message) -> bool:
    """The part of the unread rule that depends on the message alone."""
    if message.silent or message.pending or message.deleted or message.shadowed:
        return False
    return message.type not in _NEVER_COUNTED and message.in_channel_list


def _counts_for(core: ChatCore, channel: Channel, message: Message, member: Member) -> bool:
    app = core.app
    if message.user_id == member.user_id or not member.joined:
        return False
    if not message.visible_to(member.user_id):
        return False
    if channel.truncated_at is not None and message.created_at <= channel.truncated_at:
        return False
    if member.hide_messages_before is not None and message.created_at <= member.hide_messages_before:
        return False
    if app.channel_mutes and app.active_channel_mute(member.user_id, channel.cid) is not None:
        return False
    return not app.user_mutes or app.active_user_mute(member.user_id, message.user_id) is None


def read_events_on(core: ChatCore, channel: Channel, config: dict[str, Any] | None = None) -> bool:
    if config is None:
        config = render.effective_config(core, channel)
    return bool(config.get("read_events", True))


def count_unread(core: ChatCore, channel: Channel, member: Member, after: datetime) -> int:
    """Counted messages created after ``after``: walks back from the newest message only."""
    if not read_events_on(core, channel):
        return 0
    total = 0
    for message in reversed(channel.messages):
        if message.created_at <= after:
            break
        if counts_as_unread(core, channel, message, member):
            total += 1
    return total


def recount(core: ChatCore, channel: Channel, user_ids: list[str] | None = None) -> None:
    """Recompute stored unread counts (after deletions, undeletions and similar)."""
    for user_id in user_ids if user_ids is not None else list(channel.reads):
        read = channel.reads.get(user_id)
        member = channel.members.get(user_id)
        if read is None:
            continue
        read.unread_messages = 0 if member is None else count_unread(core, channel, member, read.last_read)


def on_new_message(
    core: ChatCore, channel: Channel, message: Message, config: dict[str, Any] | None = None
) -> None:
    """Unread increments for other members and the author's own read state (§7)."""
    counting = read_events_on(core, channel, config) and counts_for_anyone(message)
    for member in channel.members.values():
        if member.user_id == message.user_id:
            read = read_state(channel, member.user_id, member.created_at)
            if message.in_channel_list:
                read.last_read = message.created_at
                read.unread_messages = 0
                read.last_read_message_id = message.id
                read.first_unread_message_id = None
        elif counting and _counts_for(core, channel, message, member):
            read_state(channel, member.user_id, member.created_at).unread_messages += 1


def _event(core: ChatCore, channel: Channel, user_id: str, read: ReadState) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": "message.read",
        "cid": channel.cid,
        "channel_id": channel.id,
        "channel_type": channel.type,
        "created_at": format_time(core.app.clock.now()),
        "user": render.user(core, user_id),
    }
    if read.last_read_message_id is not None:
        event["last_read_message_id"] = read.last_read_message_id
    if channel.team is not None:
        event["team"] = channel.team
    return event


def mark_read(
    core: ChatCore, channel: Channel, user_id: str, *, message_id: str | None = None, thread_id: str | None = None
) -> dict[str, Any]:
    """§6.1: reset (or move) the user's read state; returns the ``message.read`` event."""
    now = core.app.clock.now()
    read = channel.reads.get(user_id) or ReadState(user_id=user_id, last_read=now)
    if thread_id is not None:
        parent = core.store.messages.get(thread_id)
        if parent is None or parent.cid != channel.cid:
            raise not_found(f"thread {thread_id} not found in channel {channel.cid}")
        # Thread read state is not modelled beyond this check (outside the SDK's responses).
        event = _event(core, channel, user_id, read)
        event["thread"] = {"parent_message_id": thread_id}
        return _publish_read(core, event, channel, read)
    if not read_events_on(core, channel):
        return _event(core, channel, user_id, read)
    channel.reads[user_id] = read
    member = channel.members.get(user_id)
    if message_id is None:
        newest = listing.newest_listed(core, channel, user_id)
        read.last_read = now
        read.unread_messages = 0
        read.last_read_message_id = newest.id if newest is not None else None
    else:
        message = core.store.messages.get(message_id)
        if message is None or message.cid != channel.cid:
            raise not_found(f"message with id {message_id} not found")
        read.last_read = message.created_at
        read.last_read_message_id = message.id
        read.unread_messages = 0 if member is None else count_unread(core, channel, member, read.last_read)
    read.first_unread_message_id = None
    return _publish_read(core, _event(core, channel, user_id, read), channel, read)


def _publish_read(core: ChatCore, event: dict[str, Any], channel: Channel, read: ReadState) -> dict[str, Any]:
    app = core.app
    app.emit(event["type"], **{k: v for k, v in event.items() if k != "type"})
    totals = unread_totals(core, read.user_id)
    app.emit(
        "notification.mark_read",
        cid=channel.cid,
        channel_id=channel.id,
        channel_type=channel.type,
        user=render.user(core, read.user_id),
        unread_count=totals["unread_count"],
        total_unread_count=totals["total_unread_count"],
        unread_channels=totals["unread_channels"],
    )
    return event


def mark_unread(
    core: ChatCore, channel: Channel, user_id: str, *, message_id: str | None, thread_id: str | None
) -> None:
    """§6.2: move the read state back to just before ``message_id`` (inclusive unread)."""
    if (message_id is None) == (thread_id is None):
        raise input_error("either message_id or thread_id must be provided")
    if thread_id is not None:
        parent = core.store.messages.get(thread_id)
        if parent is None or parent.cid != channel.cid:
            raise not_found(f"thread {thread_id} not found in channel {channel.cid}")
        return
    message = core.store.messages.get(message_id or "")
    if message is None or message.cid != channel.cid:
        raise not_found(f"message with id {message_id} not found")
    member = channel.members.get(user_id)
    read = read_state(channel, user_id, message.created_at)
    read.last_read = message.created_at - timedelta(microseconds=1)
    keep = listing.channel_filter(core, channel, user_id)
    previous = None
    for candidate in channel.messages:
        if candidate.created_at >= message.created_at:
            break
        if keep(candidate):
            previous = candidate
    read.last_read_message_id = previous.id if previous is not None else None
    read.first_unread_message_id = message.id
    read.unread_messages = 0 if member is None else count_unread(core, channel, member, read.last_read)
    totals = unread_totals(core, user_id)
    core.app.emit(
        "notification.mark_unread",
        cid=channel.cid,
        channel_id=channel.id,
        channel_type=channel.type,
        user=render.user(core, user_id),
        unread_messages=read.unread_messages,
        first_unread_message_id=message.id,
        last_read_at=format_time(read.last_read),
        last_read_message_id=read.last_read_message_id,
        unread_count=totals["unread_count"],
        total_unread_count=totals["total_unread_count"],
        unread_channels=totals["unread_channels"],
    )


def mark_all_read(core: ChatCore, user_id: str, read_by_channel: dict[str, Any] | None) -> None:
    """§2.10: every channel of the user (or only those in ``read_by_channel``)."""
    if read_by_channel is not None:
        if len(read_by_channel) > MAX_READ_BY_CHANNEL:
            raise input_error(f"read_by_channel accepts at most {MAX_READ_BY_CHANNEL} channels")
        for cid, message_id in read_by_channel.items():
            channel = core.store.channels.get(cid)
            if channel is None or channel.deleted:
                raise input_error(f"channel {cid} does not exist")
            if message_id is not None and not isinstance(message_id, str):
                raise input_error(f'expected string message id for channel "{cid}"')
            mark_read(core, channel, user_id, message_id=message_id or None)
        return
    for channel in sorted(core.store.channels_of(user_id), key=lambda c: c.cid):
        mark_read(core, channel, user_id)


# -- totals -------------------------------------------------------------------------------------


def unread_channels(core: ChatCore, user_id: str) -> list[tuple[Channel, ReadState]]:
    """The user's channels with unread messages (muted and deleted channels excluded)."""
    app = core.app
    found: list[tuple[Channel, ReadState]] = []
    for channel in core.store.channels_of(user_id):
        read = channel.reads.get(user_id)
        if read is None or read.unread_messages <= 0:
            continue
        if app.active_channel_mute(user_id, channel.cid) is not None:
            continue
        found.append((channel, read))
    return found


def unread_totals(core: ChatCore, user_id: str) -> dict[str, int]:
    channels = unread_channels(core, user_id)
    total = sum(read.unread_messages for _, read in channels)
    return {
        "total_unread_count": total,
        "unread_count": total,
        "unread_channels": len(channels),
        # Thread read state is not modelled (outside the SDK's responses): always 0.
        "unread_threads": 0,
    }


def unread_counts(core: ChatCore, user_id: str) -> dict[str, Any]:
    """The UnreadCounts object of ``GET /unread`` (users-app §9)."""
    channels = unread_channels(core, user_id)
    channels.sort(key=lambda pair: (pair[0].last_message_at or pair[0].created_at, pair[0].cid), reverse=True)
    by_type: dict[str, dict[str, int]] = {}
    by_team: dict[str, int] = {}
    for channel, read in channels:
        bucket = by_type.setdefault(channel.type, {"channel_count": 0, "unread_count": 0})
        bucket["channel_count"] += 1
        bucket["unread_count"] += read.unread_messages
        if channel.team is not None:
            by_team[channel.team] = by_team.get(channel.team, 0) + read.unread_messages
    out: dict[str, Any] = {
        "total_unread_count": sum(read.unread_messages for _, read in channels),
        "total_unread_threads_count": 0,
        "channels": [
            {
                # Recommended: the cid form (users-app §13 Q18).
                "channel_id": channel.cid,
                "unread_count": read.unread_messages,
                "last_read": format_time(read.last_read),
            }
            for channel, read in channels[:MAX_UNREAD_CHANNELS]
        ],
        "channel_type": [{"channel_type": name, **bucket} for name, bucket in sorted(by_type.items())],
        "threads": [],
    }
    if by_team:
        out["total_unread_count_by_team"] = by_team
    return out
