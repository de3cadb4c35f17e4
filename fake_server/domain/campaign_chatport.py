"""What campaigns need from the chat core, in one place.

Every call goes through the chat core's own operations (the same code paths as the channel
and message endpoints: validation, events, unread counts, hidden channels), looked up
defensively so that this area fails with a clear error — never an AttributeError — while a
chat-core operation does not exist.

Chat-core operations used (``fake_server.domain.chat``):

- ``app.chat.store.channels`` (cid → channel record) and ``store.channels_of(user_id)``;
- ``channels.create_channel(core, type, id, data, *, distinct_members, client_user)`` and
  ``channels.distinct_id(member_ids)`` for member-based ids;
- ``channels.add_member(core, channel, MemberEntry(user_id), now)`` +
  ``channels.member_event(core, channel, "member.added", member)``;
- ``members.show(core, channel, user_id)``;
- ``messages.send(core, channel, raw, SendOptions(skip_push=...), client_user=None)`` and
  ``app.chat.render_message(message)``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import APIError

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


class ChatUnavailable(APIError):
    """The chat core lacks an operation this area needs (the fake is incomplete)."""

    def __init__(self, what: str) -> None:
        super().__init__(500, -1, f"the fake's chat core does not support {what} yet")


def _module(name: str) -> Any:
    try:
        return importlib.import_module(f"fake_server.domain.chat.{name}")
    except ImportError:
        return None


def _function(module_name: str, name: str) -> Any:
    function = getattr(_module(module_name), name, None)
    if not callable(function):
        raise ChatUnavailable(f"{module_name}.{name}")
    return function


class ChatPort:
    def __init__(self, app: ChatApp) -> None:
        self._app = app

    @property
    def _core(self) -> Any:
        return self._app.chat

    def _channels(self) -> dict[str, Any]:
        store = getattr(self._core, "store", None)
        channels = getattr(store, "channels", None)
        if not isinstance(channels, dict):
            raise ChatUnavailable("channel storage")
        return channels

    def available(self) -> bool:
        try:
            self._channels()
            _function("messages", "send")
            _function("channels", "create_channel")
        except ChatUnavailable:
            return False
        return True

    # -- reads -------------------------------------------------------------------------------

    def channel(self, cid: str) -> Any | None:
        """The live (not soft-deleted) channel record, or None."""
        channel = self._channels().get(cid)
        if channel is None or getattr(channel, "deleted_at", None) is not None:
            return None
        return channel

    def channels_of(self, user_id: str) -> set[str]:
        """Cids of the live channels the user is a member of."""
        return {cid for cid, channel in self._channels().items()
                if channel.deleted_at is None and user_id in channel.members}

    def distinct_id(self, member_ids: list[str]) -> str:
        derive = _function("channels", "distinct_id")
        result: str = derive(member_ids)
        return result

    def channel_context(self, channel: Any) -> dict[str, Any]:
        """What ``{{ channel.* }}`` placeholders see: the channel's custom data and ids."""
        return {**dict(channel.custom), "id": channel.id, "type": channel.type, "cid": channel.cid,
                "member_count": len(channel.members)}

    # -- writes --------------------------------------------------------------------------------

    def create_channel(
        self,
        channel_type: str,
        channel_id: str | None,
        *,
        creator_id: str,
        member_ids: list[str],
        custom: dict[str, Any],
        team: str | None,
    ) -> Any:
        """Create a channel as the creator (server-side); ``channel_id=None`` → member-based id."""
        create = _function("channels", "create_channel")
        data: dict[str, Any] = {**custom, "created_by_id": creator_id, "members": list(member_ids)}
        if team:
            data["team"] = team
        distinct: frozenset[str] | None = None
        if channel_id is None:
            distinct = frozenset(member_ids)
            channel_id = self.distinct_id(member_ids)
        return create(self._core, channel_type, channel_id, data, distinct_members=distinct, client_user=None)

    def add_member(self, channel: Any, user_id: str) -> None:
        if user_id in channel.members:
            return
        entry_type = getattr(_module("channels"), "MemberEntry", None)
        add = _function("channels", "add_member")
        announce = _function("channels", "member_event")
        if entry_type is None:
            raise ChatUnavailable("channels.MemberEntry")
        member = add(self._core, channel, entry_type(user_id), self._app.clock.now())
        announce(self._core, channel, "member.added", member)

    def show(self, channel: Any, user_id: str) -> None:
        member = channel.members.get(user_id)
        if member is None or not member.hidden:
            return
        _function("members", "show")(self._core, channel, user_id)

    def send(self, channel: Any, message: dict[str, Any], user_id: str, *, skip_push: bool) -> dict[str, Any]:
        """Send as ``user_id`` through the chat core's send path; returns the rendered message
        (type ``error`` when the chat core refused it without raising)."""
        send = _function("messages", "send")
        options_type = getattr(_module("messages"), "SendOptions", None)
        if options_type is None:
            raise ChatUnavailable("messages.SendOptions")
        raw = {**message, "user_id": user_id}
        stored = send(self._core, channel, raw, options_type(skip_push=skip_push), client_user=None)
        render = getattr(self._core, "render_message", None)
        if not callable(render):
            raise ChatUnavailable("render_message")
        rendered: dict[str, Any] = render(stored)
        return rendered
