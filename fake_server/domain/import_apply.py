"""Applying a validated import file to the app's state (endpoints-moderation-tasks §4.3).

Modes: ``upsert`` — existing users, channels, members, messages and reactions are updated
(their custom data replaced); ``insert`` — existing items are left alone (skipped).

Users go through the users area (``user_ops.upsert_users``) and devices through
``app.push.add_device``, so their rules apply unchanged. Channels, members, messages and
reactions are written as chat-core records with the timestamps of the file (a normal send
would stamp "now"): they land in creation order, replies update their parents' counters and
thread participants, ``last_message_at`` follows the newest message, and members' read
state starts at the import (imported history is not unread). Imports are bulk loads: they
emit no channel/message events, and nothing an import does reaches webhooks or queues.

Future channel bans are kept in ``app.imports.future_channel_bans`` and applied as channel
bans to every channel of the file created by the banning user.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import channels as chat_channels
from fake_server.domain.chat.content import render_html
from fake_server.domain.chat.models import Channel, Message, Reaction
from fake_server.domain.errors import APIError
from fake_server.domain.import_file import KINDS, Analysis, Item
from fake_server.domain.moderation import BanRecord

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

USER_BATCH = 100


@dataclass(slots=True)
class FutureChannelBan:
    user_id: str
    created_by_id: str
    reason: str | None
    created_at: datetime


def _zeros() -> dict[str, int]:
    return {kind + "s": 0 for kind in KINDS}


@dataclass(slots=True)
class Outcome:
    created: dict[str, int] = field(default_factory=_zeros)
    updated: dict[str, int] = field(default_factory=_zeros)
    skipped: dict[str, int] = field(default_factory=_zeros)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind + "s"] = bucket.get(kind + "s", 0) + 1


class Applier:
    def __init__(self, app: ChatApp, mode: str) -> None:
        self.app = app
        self.mode = mode
        self.outcome = Outcome()
        self.core = app.chat
        self.touched: dict[str, Channel] = {}  # cid → channel whose messages need re-ordering

    def run(self, analysis: Analysis) -> Outcome:
        items_by_kind: dict[str, list[Item]] = {}
        for item in analysis.items:
            items_by_kind.setdefault(item.kind, []).append(item)
        with self.app.outbound.suppressed():
            self._users(items_by_kind.get("user", []))
            for kind in ("device", "future_channel_ban", "channel", "member", "message", "reaction"):
                for item in items_by_kind.get(kind, []):
                    try:
                        getattr(self, "_" + kind)(item.data)
                    except APIError as exc:
                        self.outcome.errors.append(
                            {"error": exc.detail, "item_type": kind, "item": item.raw, "line": item.line}
                        )
            self._finish_channels()
        return self.outcome

    # -- users and devices ---------------------------------------------------------------------

    def _users(self, items: list[Item]) -> None:
        from fake_server.domain.user_ops import upsert_users

        directory = self.app.users
        pending: dict[str, Item] = {}
        for item in items:
            user_id = item.data["id"]
            exists = directory.get(user_id) is not None and user_id not in pending
            if exists and self.mode == "insert":
                self.outcome.count(self.outcome.skipped, "user")
                continue
            self.outcome.count(self.outcome.updated if exists else self.outcome.created, "user")
            pending[user_id] = item
        batch: list[Item] = []
        for item in pending.values():
            batch.append(item)
            if len(batch) == USER_BATCH:
                self._upsert(upsert_users, batch)
                batch = []
        if batch:
            self._upsert(upsert_users, batch)

    def _upsert(self, upsert: Any, batch: list[Item]) -> None:
        directory = self.app.users
        new = {item.data["id"] for item in batch if directory.get(item.data["id"]) is None}
        try:
            upsert(self.app, {"users": {item.data["id"]: item.data["fields"] for item in batch}})
        except APIError as exc:
            for item in batch:
                self.outcome.errors.append({"error": exc.detail, "item_type": "user", "item": item.raw, "line": item.line})
            return
        for item in batch:
            created_at = item.data["created_at"]
            user = directory.get(item.data["id"])
            if user is not None and created_at is not None and item.data["id"] in new:
                user.created_at = created_at

    def _device(self, data: dict[str, Any]) -> None:
        push = self.app.push
        existing = push.devices.get(data["id"])
        if existing is not None and self.mode == "insert":
            self.outcome.count(self.outcome.skipped, "device")
            return
        push.add_device(data["user_id"], data["id"], data["push_provider"], data["push_provider_name"])
        self.outcome.count(self.outcome.updated if existing is not None else self.outcome.created, "device")

    def _future_channel_ban(self, data: dict[str, Any]) -> None:
        registry = self.app.imports
        ban = FutureChannelBan(
            user_id=data["user_id"],
            created_by_id=data["created_by_id"],
            reason=data["reason"],
            created_at=data["created_at"] or self.app.clock.now(),
        )
        key = (ban.user_id, ban.created_by_id)
        existing = registry.future_channel_bans.get(key)
        if existing is not None and self.mode == "insert":
            self.outcome.count(self.outcome.skipped, "future_channel_ban")
            return
        registry.future_channel_bans[key] = ban
        self.outcome.count(self.outcome.updated if existing else self.outcome.created, "future_channel_ban")

    # -- chat records ------------------------------------------------------------------------------

    def _channel(self, data: dict[str, Any]) -> None:
        store = self.core.store
        now = self.app.clock.now()
        channel = store.channels.get(data["cid"])
        if channel is not None and channel.deleted_at is None:
            if self.mode == "insert":
                self.outcome.count(self.outcome.skipped, "channel")
                return
            channel.custom = copy.deepcopy(data["custom"])
            self._channel_flags(channel, data)
            channel.updated_at = now
            self.outcome.count(self.outcome.updated, "channel")
        else:
            if channel is not None:
                store.drop_channel(channel)  # a soft-deleted channel is replaced
            created_at = data["created_at"] or now
            channel = Channel(
                type=data["type"], id=data["id"], created_at=created_at, updated_at=created_at,
                created_by_id=data["created_by_id"], custom=copy.deepcopy(data["custom"]),
            )
            self._channel_flags(channel, data)
            store.add_channel(channel)
            self.outcome.count(self.outcome.created, "channel")
            self._future_bans(channel)
        for user_id in data["member_ids"]:
            if user_id not in channel.members:
                self._add_member(channel, user_id, None, data["created_at"], {})
                self.outcome.count(self.outcome.created, "member")

    @staticmethod
    def _channel_flags(channel: Channel, data: dict[str, Any]) -> None:
        for key in ("team", "frozen", "disabled"):
            if data[key] is not None:
                setattr(channel, key, data[key])

    def _future_bans(self, channel: Channel) -> None:
        for ban in self.app.imports.future_channel_bans.values():
            if channel.created_by_id == ban.created_by_id and (ban.user_id, channel.cid) not in self.app.bans:
                self.app.bans[(ban.user_id, channel.cid)] = BanRecord(
                    user_id=ban.user_id, cid=channel.cid, created_at=self.app.clock.now(),
                    banned_by_id=ban.created_by_id, reason=ban.reason,
                )

    def _member(self, data: dict[str, Any]) -> None:
        channel = self.core.store.channels[data["cid"]]
        existing = channel.members.get(data["user_id"])
        if existing is not None and self.mode == "insert":
            self.outcome.count(self.outcome.skipped, "member")
            return
        self._add_member(channel, data["user_id"], data["channel_role"], data["created_at"], data["custom"])
        self.outcome.count(self.outcome.updated if existing is not None else self.outcome.created, "member")

    def _add_member(
        self, channel: Channel, user_id: str, role: str | None, created_at: datetime | None, custom: dict[str, Any]
    ) -> None:
        member = channel.members.get(user_id)
        if member is None:
            entry = chat_channels.MemberEntry(user_id, role, dict(custom))
            member = chat_channels.add_member(self.core, channel, entry, self.app.clock.now())
            if created_at is not None:
                member.created_at = member.updated_at = created_at
            return
        if role is not None:
            member.channel_role = role
        if custom:
            member.custom = dict(custom)
        member.updated_at = self.app.clock.now()

    def _message(self, data: dict[str, Any]) -> None:
        store = self.core.store
        channel = store.channels[data["cid"]]
        now = self.app.clock.now()
        html = data["html"] if data["html"] is not None else render_html(data["text"])
        existing = store.messages.get(data["id"])
        if existing is not None:
            if self.mode == "insert" or existing.cid != channel.cid:
                self.outcome.count(self.outcome.skipped, "message")
                return
            existing.text, existing.html = data["text"], html
            existing.attachments = tuple(copy.deepcopy(data["attachments"]))
            existing.custom = copy.deepcopy(data["custom"])
            existing.mentioned_user_ids = tuple(data["mentioned_user_ids"])
            existing.deleted_at = data["deleted_at"]
            existing.updated_at = data["updated_at"] or now
            self.outcome.count(self.outcome.updated, "message")
            return
        created_at = data["created_at"] or now
        message = Message(
            id=data["id"], cid=channel.cid, user_id=data["user_id"], created_at=created_at,
            updated_at=data["updated_at"] or created_at, text=data["text"], html=html,
            type="reply" if data["parent_id"] else data["type"],
            attachments=tuple(copy.deepcopy(data["attachments"])), mentioned_user_ids=tuple(data["mentioned_user_ids"]),
            parent_id=data["parent_id"], show_in_channel=data["show_in_channel"] and data["parent_id"] is not None,
            silent=data["silent"], deleted_at=data["deleted_at"], custom=copy.deepcopy(data["custom"]),
        )
        store.add_message(channel, message)
        if message.parent_id is not None:
            parent = store.messages.get(message.parent_id)
            if parent is not None:
                parent.add_reply(message)
                parent.replies = sorted(parent.replies, key=lambda m: m.created_at)
                if message.deleted_at is None:
                    parent.reply_count += 1
                else:
                    parent.deleted_reply_count += 1
                parent.add_thread_participant(message.user_id)
        if message.in_channel_list and message.deleted_at is None and (
            channel.last_message_at is None or created_at > channel.last_message_at
        ):
            channel.last_message_at = created_at
        self.touched[channel.cid] = channel
        self.outcome.count(self.outcome.created, "message")

    def _reaction(self, data: dict[str, Any]) -> None:
        store = self.core.store
        message = store.messages[data["message_id"]]
        key = (data["user_id"], data["type"])
        existing = message.reactions.get(key)
        if existing is not None:
            if self.mode == "insert":
                self.outcome.count(self.outcome.skipped, "reaction")
                return
            existing.score = data["score"]
            existing.custom = copy.deepcopy(data["custom"])
            existing.updated_at = self.app.clock.now()
            self.outcome.count(self.outcome.updated, "reaction")
            return
        created_at = data["created_at"] or self.app.clock.now()
        reaction = Reaction(
            message_id=message.id, user_id=data["user_id"], type=data["type"], score=data["score"],
            created_at=created_at, updated_at=created_at, custom=copy.deepcopy(data["custom"]),
        )
        message.reactions[key] = reaction
        first = message.first_reaction_at.get(reaction.type)
        if first is None or created_at < first:
            message.first_reaction_at[reaction.type] = created_at
        store.add_reaction(reaction)
        self.outcome.count(self.outcome.created, "reaction")

    def _finish_channels(self) -> None:
        for channel in self.touched.values():
            channel.messages.sort(key=lambda m: m.created_at)

