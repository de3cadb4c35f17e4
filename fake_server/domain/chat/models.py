"""Stored records of the chat core: channels, members, read states, messages, reactions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

INVITE_PENDING = "pending"
INVITE_ACCEPTED = "accepted"
INVITE_REJECTED = "rejected"
INVITE_STATES = (INVITE_PENDING, INVITE_ACCEPTED, INVITE_REJECTED)

MODERATOR_ROLE = "channel_moderator"
MEMBER_ROLE = "channel_member"


@dataclass(slots=True, eq=False)
class Member:
    """A user's membership of one channel, with that user's per-channel flags."""

    user_id: str
    created_at: datetime
    updated_at: datetime
    channel_role: str = MEMBER_ROLE
    invited: bool = False
    invite_accepted_at: datetime | None = None
    invite_rejected_at: datetime | None = None
    hidden: bool = False
    hide_messages_before: datetime | None = None
    pinned_at: datetime | None = None
    archived_at: datetime | None = None
    custom: dict[str, Any] = field(default_factory=dict)

    @property
    def invite_status(self) -> str | None:
        if not self.invited:
            return None
        if self.invite_accepted_at is not None:
            return INVITE_ACCEPTED
        if self.invite_rejected_at is not None:
            return INVITE_REJECTED
        return INVITE_PENDING

    @property
    def joined(self) -> bool:
        """A member who is not a pending or rejected invitee."""
        return self.invite_status in (None, INVITE_ACCEPTED)


@dataclass(slots=True, eq=False)
class ReadState:
    user_id: str
    last_read: datetime
    unread_messages: int = 0
    last_read_message_id: str | None = None
    first_unread_message_id: str | None = None


@dataclass(slots=True, eq=False)
class Reaction:
    message_id: str
    user_id: str
    type: str
    score: int
    created_at: datetime
    updated_at: datetime
    custom: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, eq=False)
class HistoryEntry:
    """A previous version of a message (§3.11), recorded when the message changed."""

    seq: int
    message_id: str
    updated_by_id: str
    updated_at: datetime
    text: str
    attachments: list[dict[str, Any]]
    is_deleted: bool
    custom: dict[str, Any]


_Item = TypeVar("_Item")


def _appended(items: Sequence[_Item], item: _Item) -> list[_Item]:
    """``items`` with ``item`` added: the list itself once there is one (a shared empty tuple
    until the first item, so most messages carry no list of their own)."""
    grown = items if isinstance(items, list) else list(items)
    grown.append(item)
    return grown


@dataclass(slots=True, eq=False)
class Message:
    id: str
    cid: str
    user_id: str
    created_at: datetime
    updated_at: datetime
    text: str = ""
    html: str = ""
    mml: str | None = None
    type: str = "regular"
    # Tuples, replaced whole on edits: most messages have none, and an empty tuple is
    # shared, where an empty list per message is one more object for every full garbage
    # collection to walk (thousands of stored messages made that cost visible per request).
    attachments: tuple[dict[str, Any], ...] = ()
    mentioned_user_ids: tuple[str, ...] = ()
    parent_id: str | None = None
    show_in_channel: bool = False
    quoted_message_id: str | None = None
    silent: bool = False
    shadowed: bool = False
    pinned: bool = False
    pinned_at: datetime | None = None
    pinned_by_id: str | None = None
    pin_expires: datetime | None = None
    deleted_at: datetime | None = None
    deleted_by_id: str | None = None
    # Soft deletions made on behalf of a user deletion/deactivation can be undone in bulk.
    deleted_with_user: bool = False
    message_text_updated_at: datetime | None = None
    i18n: dict[str, str] | None = None
    command: str | None = None
    args: str | None = None
    restricted_visibility: list[str] | None = None
    poll_id: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    reply_count: int = 0
    deleted_reply_count: int = 0
    # Ids in order of first reply (the parent's author first); see ``add_thread_participant``.
    thread_participant_ids: tuple[str, ...] = ()
    # Keyed (user_id, type); insertion order is irrelevant (renderers sort by time).
    reactions: dict[tuple[str, str], Reaction] = field(default_factory=dict)
    # First time each reaction type was used, kept when the type's last reaction goes (§4.2).
    first_reaction_at: dict[str, datetime] = field(default_factory=dict)
    pending: bool = False
    pending_metadata: dict[str, str] | None = None
    # Replies of a parent, in creation order (soft-deleted ones included); a list from the
    # first reply on (``add_reply``), like ``history`` from the first edit (``add_history``).
    replies: Sequence[Message] = ()
    history: Sequence[HistoryEntry] = ()
    # Giphy preview state (ephemeral messages only).
    giphy_query: str | None = None
    giphy_index: int = 0
    flagged: bool = False
    # The app's before-message-send hook failed and the message was stored as submitted.
    before_send_failed: bool = False

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    @property
    def in_channel_list(self) -> bool:
        """Top-level messages and replies also shown in the channel."""
        return self.parent_id is None or self.show_in_channel

    def add_reply(self, reply: Message) -> None:
        self.replies = _appended(self.replies, reply)

    def add_thread_participant(self, user_id: str) -> None:
        """``user_id`` replied visibly: the thread's participants start with the parent's author."""
        participants = self.thread_participant_ids or (self.user_id,)
        if user_id not in participants:
            participants = (*participants, user_id)
        self.thread_participant_ids = participants

    def add_history(self, entry: HistoryEntry) -> None:
        self.history = _appended(self.history, entry)

    def pinned_now(self, now: datetime) -> bool:
        return self.pinned and (self.pin_expires is None or self.pin_expires > now)

    def visible_to(self, user_id: str) -> bool:
        """Restricted visibility and shadowing, from the point of view of ``user_id``."""
        if user_id == self.user_id:
            return True
        if self.shadowed:
            return False
        return self.restricted_visibility is None or user_id in self.restricted_visibility


@dataclass(slots=True, eq=False)
class Upload:
    upload_id: str
    cid: str
    kind: str  # "file" or "image"
    name: str
    content_type: str
    data: bytes
    user_id: str
    created_at: datetime


@dataclass(slots=True, eq=False)
class Channel:
    type: str
    id: str
    created_at: datetime
    updated_at: datetime
    created_by_id: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)
    frozen: bool = False
    disabled: bool = False
    cooldown: int = 0
    team: str | None = None
    auto_translation_enabled: bool | None = None
    auto_translation_language: str | None = None
    config_overrides: dict[str, Any] = field(default_factory=dict)
    last_message_at: datetime | None = None
    deleted_at: datetime | None = None
    truncated_at: datetime | None = None
    truncated_by_id: str | None = None
    # Member set a distinct (id-less) channel was created for; None for ordinary channels.
    distinct_member_ids: frozenset[str] | None = None
    members: dict[str, Member] = field(default_factory=dict)
    reads: dict[str, ReadState] = field(default_factory=dict)
    # Every stored message of the channel (replies and pending ones included), ascending by
    # created_at: the clock never repeats an instant, and a message's created_at is fixed
    # when it is appended.
    messages: list[Message] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    # Client-side slow mode: when each user last posted.
    last_post_at: dict[str, datetime] = field(default_factory=dict)
    # Every message of the channel ever pinned (a superset: readers check ``pinned_now``), so
    # listing pinned messages does not walk the whole history. See ``note_pinned``.
    pinned_ids: set[str] = field(default_factory=set)

    # "type:id", computed once: a channel's type and id never change, and every rendering,
    # event and index lookup reads it.
    cid: str = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.cid = f"{self.type}:{self.id}"

    def note_pinned(self, message: Message) -> None:
        """Call whenever a message of this channel becomes pinned."""
        self.pinned_ids.add(message.id)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def last_updated(self) -> datetime:
        return self.last_message_at or self.created_at
