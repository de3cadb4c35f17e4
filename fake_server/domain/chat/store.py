"""The chat store: records plus the indexes that keep queries proportional to their result."""

from __future__ import annotations

from collections.abc import Iterable

from fake_server.domain.chat.models import Channel, HistoryEntry, Member, Message, Reaction


class ChatStore:
    """Channels and messages of one app with their lookup indexes.

    Indexes: channels by cid, by type, by id and by member (user id → cids); messages by id
    and by author; reactions by author. Every channel keeps its own messages in creation order.
    Soft-deleted channels stay indexed (they can be recreated); readers skip them.
    """

    def __init__(self) -> None:
        self.channels: dict[str, Channel] = {}
        self.by_type: dict[str, set[str]] = {}
        self.by_channel_id: dict[str, set[str]] = {}
        self.by_member: dict[str, set[str]] = {}
        self.messages: dict[str, Message] = {}
        self.messages_by_user: dict[str, dict[str, Message]] = {}
        self.reactions_by_user: dict[str, dict[tuple[str, str], Reaction]] = {}
        # Giphy previews and other ephemeral messages an action may still refer to.
        self.ephemeral: dict[str, Message] = {}
        self.history_seq = 0

    # -- channels ------------------------------------------------------------------------------

    def add_channel(self, channel: Channel) -> None:
        cid = channel.cid
        self.channels[cid] = channel
        self.by_type.setdefault(channel.type, set()).add(cid)
        self.by_channel_id.setdefault(channel.id, set()).add(cid)
        for user_id in channel.members:
            self.by_member.setdefault(user_id, set()).add(cid)

    def drop_channel(self, channel: Channel) -> None:
        """Forget a channel with its members, messages and reactions."""
        cid = channel.cid
        if self.channels.get(cid) is not channel:
            return
        del self.channels[cid]
        _discard(self.by_type, channel.type, cid)
        _discard(self.by_channel_id, channel.id, cid)
        for user_id in channel.members:
            _discard(self.by_member, user_id, cid)
        for message in channel.messages:
            self.forget_message(message)
        channel.messages.clear()

    def add_member(self, channel: Channel, member: Member) -> None:
        channel.members[member.user_id] = member
        self.by_member.setdefault(member.user_id, set()).add(channel.cid)

    def remove_member(self, channel: Channel, user_id: str) -> Member | None:
        member = channel.members.pop(user_id, None)
        if member is not None:
            _discard(self.by_member, user_id, channel.cid)
        return member

    def channels_of(self, user_id: str) -> Iterable[Channel]:
        """Live (not soft-deleted) channels the user is a member of."""
        for cid in self.by_member.get(user_id, ()):
            channel = self.channels.get(cid)
            if channel is not None and channel.deleted_at is None:
                yield channel

    # -- messages ------------------------------------------------------------------------------

    def add_message(self, channel: Channel, message: Message) -> None:
        self.messages[message.id] = message
        self.messages_by_user.setdefault(message.user_id, {})[message.id] = message
        channel.messages.append(message)

    def forget_message(self, message: Message) -> None:
        """Remove a message and its reactions from the indexes (not from its channel list)."""
        self.messages.pop(message.id, None)
        by_user = self.messages_by_user.get(message.user_id)
        if by_user is not None:
            by_user.pop(message.id, None)
        for reaction in message.reactions.values():
            self.forget_reaction(reaction)

    def add_reaction(self, reaction: Reaction) -> None:
        self.reactions_by_user.setdefault(reaction.user_id, {})[
            (reaction.message_id, reaction.type)
        ] = reaction

    def forget_reaction(self, reaction: Reaction) -> None:
        by_user = self.reactions_by_user.get(reaction.user_id)
        if by_user is not None:
            by_user.pop((reaction.message_id, reaction.type), None)

    def next_history_seq(self) -> int:
        self.history_seq += 1
        return self.history_seq

    def history_entries(self) -> Iterable[HistoryEntry]:
        for message in self.messages.values():
            yield from message.history


def _discard(index: dict[str, set[str]], key: str, cid: str) -> None:
    bucket = index.get(key)
    if bucket is not None:
        bucket.discard(cid)
        if not bucket:
            del index[key]
