"""The chat core: channels, members, messages, reactions, read state and search.

The work is split into small modules with one job each (``channels``, ``members``,
``messages``, ``reactions``, ``reads``, ``search``, ``uploads``, ``bans`` …); they take the
``ChatCore`` of the app as their first argument. ``ChatCore`` holds the store and offers the
lookups they share plus the methods other areas (users, exports) call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from fake_server.domain.chat import render
from fake_server.domain.chat.models import Channel, Message, Reaction
from fake_server.domain.chat.store import ChatStore
from fake_server.domain.errors import not_found

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.events import Event

_T = TypeVar("_T")
_MAX_VIEWER_CACHE = 256


class ChatCore:
    """Channels and everything inside them for one app."""

    def __init__(self, app: ChatApp) -> None:
        self.app = app
        self.store = ChatStore()
        self._per_viewer: dict[tuple[str, str | None], Any] = {}
        # The message the current request published and its rendering (see messages.render_sent).
        self.just_published: tuple[Message, dict[str, Any]] | None = None

    def per_viewer(self, kind: str, viewer: str | None, build: Callable[[str | None], _T]) -> _T:
        """A value that depends only on the requesting user, built once and kept (query
        schemas and sort fields hold closures over the app and the viewer, no state)."""
        key = (kind, viewer)
        found = self._per_viewer.get(key)
        if found is None:
            if len(self._per_viewer) >= _MAX_VIEWER_CACHE:
                self._per_viewer.clear()
            found = self._per_viewer[key] = build(viewer)
        result: _T = found
        return result

    # -- lookups shared by the chat modules ------------------------------------------------------

    def require_channel(self, channel_type: str, channel_id: str) -> Channel:
        """A live channel; 404/16 for an unknown type, a missing or a soft-deleted channel."""
        self.app.channel_types.require(channel_type)
        cid = f"{channel_type}:{channel_id}"
        channel = self.store.channels.get(cid)
        if channel is None or channel.deleted:
            raise not_found(f"Can't find channel with id {cid}")
        return channel

    def require_message(self, message_id: str) -> Message:
        """A stored message whose channel is live; 404/16 otherwise (hard-deleted included)."""
        message = self.store.messages.get(message_id)
        if message is None:
            raise not_found(f"message with id {message_id} not found")
        channel = self.store.channels.get(message.cid)
        if channel is None or channel.deleted:
            raise not_found(f"message with id {message_id} not found: its channel {message.cid} was deleted")
        return message

    def channel_of(self, message: Message) -> Channel:
        return self.store.channels[message.cid]

    def channel_event(self, event_type: str, target: Channel, /, **payload: Any) -> Event:
        """Record an event about ``target`` (cid, channel_id, channel_type and team added)."""
        event: dict[str, Any] = {"type": event_type, "cid": target.cid, "channel_id": target.id, "channel_type": target.type}
        if target.team is not None:
            event["team"] = target.team
        event.update(payload)
        return self.app.record_event(event)

    # -- for other areas (users, moderation, push, configuration, exports) -----------------------

    def get_message(self, message_id: str) -> Message | None:
        """A stored message of a live channel (soft-deleted included), or None."""
        message = self.store.messages.get(message_id)
        if message is None or self.get_channel(message.cid) is None:
            return None
        return message

    def get_channel(self, cid: str) -> Channel | None:
        """A live (not soft-deleted) channel, or None."""
        channel = self.store.channels.get(cid)
        return None if channel is None or channel.deleted else channel

    def render_channel(self, channel: Channel) -> dict[str, Any]:
        """The ``channel`` object (models §2.1), server-side view."""
        return render.render_channel(self, channel)

    def latest_message_for(self, user_id: str) -> Message | None:
        """The newest listed message of any channel the user is a member of."""
        from fake_server.domain.chat.listing import newest_listed

        newest: Message | None = None
        for channel in self.store.channels_of(user_id):
            found = newest_listed(self, channel, user_id)
            if found is not None and (newest is None or found.created_at > newest.created_at):
                newest = found
        return newest

    def channel_count_of_type(self, type_name: str) -> int:
        """Live channels of a channel type (a type with channels cannot be deleted)."""
        return sum(1 for cid in self.store.by_type.get(type_name, ()) if self.get_channel(cid) is not None)

    def forget_blocklist(self, name: str) -> None:
        """Drop channel overrides naming a deleted blocklist."""
        for channel in self.store.channels.values():
            overrides = channel.config_overrides
            if overrides.get("blocklist") == name:
                overrides.pop("blocklist", None)
                overrides.pop("blocklist_behavior", None)
            if isinstance(overrides.get("blocklists"), list):
                overrides["blocklists"] = [
                    entry for entry in overrides["blocklists"]
                    if not (isinstance(entry, dict) and entry.get("blocklist") == name)
                ]

    def messages_by_user(self, user_id: str) -> list[Message]:
        """Every stored message authored by the user (soft-deleted and pending ones included,
        ephemeral previews excluded), oldest first. Render with :meth:`render_message`."""
        return sorted(self.store.messages_by_user.get(user_id, {}).values(), key=lambda m: m.created_at)

    def reactions_by_user(self, user_id: str) -> list[Reaction]:
        """Every reaction of the user, oldest first. Render with :meth:`render_reaction`."""
        return sorted(self.store.reactions_by_user.get(user_id, {}).values(), key=lambda r: r.created_at)

    def render_message(self, message: Message, *, viewer: str | None = None, show_deleted: bool = False) -> dict[str, Any]:
        """The wire form of a message (models §5.1); ``viewer`` fills ``own_reactions``."""
        return render.render_message(self, message, viewer=viewer, show_deleted=show_deleted)

    def render_reaction(self, reaction: Reaction) -> dict[str, Any]:
        """The wire form of a reaction (models §6)."""
        return render.render_reaction(self, reaction)

    def delete_user_content(
        self, user_id: str, *, messages: str | None, conversations: str | None, deleted_by: str | None
    ) -> dict[str, int]:
        """Delete a user's messages (``"soft"``, ``"pruning"`` or ``"hard"``) and/or their
        2-member conversation channels (``"soft"`` or ``"hard"``); ``None`` leaves them.

        Soft deletions made here can be undone with :meth:`restore_user_messages`; pruning
        also blanks the content for good. Emits ``message.deleted`` / ``channel.deleted``.
        Returns ``{"messages": n, "channels": m}`` (how many were deleted).
        """
        from fake_server.domain.chat.user_content import delete_user_content

        return delete_user_content(
            self, user_id, messages=messages, conversations=conversations, deleted_by=deleted_by
        )

    def restore_user_messages(self, user_id: str) -> int:
        """Undo the soft deletions :meth:`delete_user_content` made (e.g. on reactivation);
        returns how many messages came back."""
        from fake_server.domain.chat.user_content import restore_user_messages

        return restore_user_messages(self, user_id)

    def transfer_channel_ownership(self, old_user_id: str, new_user_id: str) -> int:
        """Make ``new_user_id`` the creator of every channel ``old_user_id`` created; returns
        the number of channels changed."""
        from fake_server.domain.chat.user_content import transfer_channel_ownership

        return transfer_channel_ownership(self, old_user_id, new_user_id)

    def unread_totals(self, user_id: str) -> dict[str, int]:
        """``total_unread_count``, ``unread_count``, ``unread_channels``, ``unread_threads``
        of a user, for full-user renderings (muted and deleted channels excluded)."""
        from fake_server.domain.chat.reads import unread_totals

        return unread_totals(self, user_id)

    def enrich_webhook_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """The event as webhooks deliver it: channel events gain ``members`` and unread counters."""
        from fake_server.domain.chat.webhook_view import enrich

        return enrich(self, event)

    def user_channel_mutes(self, user_id: str) -> list[dict[str, Any]]:
        """The user's active channel mutes, rendered as ChannelMute objects (models §12)."""
        from fake_server.domain.chat.bans import render_user_channel_mutes

        return render_user_channel_mutes(self, user_id)
