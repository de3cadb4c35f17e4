"""Sending a started campaign (endpoints-moderation-tasks §6.2, §6.9).

The fake sends the whole campaign synchronously at its start instant: for every target user
it finds (or, with ``create_channels``, creates from ``channel_template``) the channel
between sender and receiver and posts the templated message as the sender; for every
target channel it posts into that channel. Messages are ordinary ``regular`` messages from
the sender carrying ``message_template.custom`` plus a ``campaign_id`` custom field, sent
through the chat core (so they emit ``message.new`` and count as unread). With
``skip_webhook`` the events they cause are kept away from webhooks and queues.

Choices where the spec is silent (recorded here):

- the sender is never a receiver of its own campaign (segments with ``all_users`` include
  the sender; sending to oneself makes no sense);
- unknown, deleted or deactivated target users and missing target channels are skipped, as
  are targets whose channel cannot be addressed or created (e.g. a rendered channel id that
  is not a valid id) — the campaign still completes;
- without ``channel_template.id`` the channel is the member-based channel of its initial
  members (sender unless ``sender_mode: "exclude"``, receiver, template members); a target
  whose member set has fewer than two users is skipped;
- the channel type defaults to ``messaging`` when there is no ``channel_template``.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from fake_server.domain.campaign_model import COMPLETED, IN_PROGRESS, Campaign
from fake_server.domain.campaign_templates import TemplateError, render_template, render_value
from fake_server.domain.chat import channels as chat_channels
from fake_server.domain.chat import members as chat_members
from fake_server.domain.chat import messages as chat_messages
from fake_server.domain.errors import APIError
from fake_server.domain.ids import check_channel_id
from fake_server.domain.outbound_hooks import MESSAGE_BUILTIN_FIELDS, REWRITABLE_FIELDS

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.campaigns import CampaignStore
    from fake_server.domain.chat.models import Channel

DEFAULT_CHANNEL_TYPE = "messaging"


def resolve_targets(app: ChatApp, store: CampaignStore, campaign: Campaign) -> tuple[list[str], list[str]]:
    """(user ids, channel cids) the campaign sends to, in a stable order."""
    fields = campaign.fields
    users: list[str] = []
    channels: set[str] = set()
    if fields.user_ids:
        users = list(fields.user_ids)
    segment_users: set[str] = set()
    for segment_id in fields.segment_ids:
        segment = store.segments.get(segment_id)
        if segment is None:
            continue
        if segment.type == "user":
            segment_users.update(store.segments.resolve_users(segment))
        else:
            channels.update(
                store.segments.resolve_channels(
                    segment, lambda: {channel.cid for channel in app.chat.store.channels_of(fields.sender_id)}
                )
            )
    users.extend(sorted(segment_users - set(users)))
    users = [uid for uid in users if uid != fields.sender_id]
    return users, sorted(channels)


def _message(campaign: Campaign, context: dict[str, Any]) -> dict[str, Any]:
    template = campaign.fields.message_template
    message: dict[str, Any] = {}
    custom = template.get("custom")
    if isinstance(custom, dict):
        rendered = render_value(custom, context)
        message.update(
            {k: v for k, v in rendered.items() if k not in MESSAGE_BUILTIN_FIELDS and k not in REWRITABLE_FIELDS}
        )
    message["text"] = render_template(str(template["text"]), context)
    attachments = template.get("attachments")
    if attachments:
        message["attachments"] = render_value(attachments, context)
    poll_id = template.get("poll_id")
    if isinstance(poll_id, str) and poll_id:
        message["poll_id"] = poll_id
    message["type"] = "regular"
    message["campaign_id"] = campaign.id
    return message


def _channel_context(channel: Channel) -> dict[str, Any]:
    """What ``{{ channel.* }}`` placeholders see: the channel's custom data and ids."""
    return {**dict(channel.custom), "id": channel.id, "type": channel.type, "cid": channel.cid,
            "member_count": len(channel.members)}


class CampaignSender:
    def __init__(self, app: ChatApp, store: CampaignStore, campaign: Campaign) -> None:
        self.app = app
        self.store = store
        self.campaign = campaign

    def run(self) -> None:
        app, campaign = self.app, self.campaign
        users, channels = resolve_targets(app, self.store, campaign)
        now = app.clock.now()
        campaign.status = IN_PROGRESS
        campaign.stats.started_at = now
        campaign.updated_at = now
        app.emit("campaign.started", campaign=self.store.render(campaign))
        sender = app.users.get(campaign.fields.sender_id)
        total = len(users) + len(channels)
        done = 0
        if sender is not None:
            sender_view = app.users.render(sender)
            quiet = app.outbound.suppressed() if campaign.fields.skip_webhook else contextlib.nullcontext()
            with quiet:
                for receiver_id in users:
                    self._to_user(sender_view, receiver_id)
                    done += 1
                    campaign.stats.progress = done / total
                for cid in channels:
                    self._to_channel(sender_view, cid)
                    done += 1
                    campaign.stats.progress = done / total
        finished = app.clock.now()
        campaign.status = COMPLETED
        campaign.stats.progress = 1.0
        campaign.stats.completed_at = finished
        campaign.updated_at = finished
        app.emit("campaign.completed", campaign=self.store.render(campaign))

    # -- targets -------------------------------------------------------------------------------

    def _to_user(self, sender: dict[str, Any], receiver_id: str) -> None:
        app, fields = self.app, self.campaign.fields
        receiver = app.users.get(receiver_id)
        if receiver is None or receiver.deactivated_at is not None:
            return
        context: dict[str, Any] = {"sender": sender, "receiver": app.users.render(receiver)}
        template = fields.channel_template or {}
        channel_type = str(template.get("type") or DEFAULT_CHANNEL_TYPE)
        members = self._initial_members(receiver_id, template)
        try:
            channel_id: str | None = None
            if isinstance(template.get("id"), str):
                channel_id = check_channel_id(render_template(template["id"], context), "channel_template.id")
            elif len(members) < 2:
                return
            else:
                channel_id = chat_channels.distinct_id(members)
            channel = app.chat.get_channel(f"{channel_type}:{channel_id}")
            created = False
            if channel is None:
                if not fields.create_channels:
                    return
                channel = self._create_channel(channel_type, channel_id, members, template, context)
                self.campaign.stats.channels_created += 1
                created = True
            else:
                self._include_sender(channel)
                member = channel.members.get(receiver_id)
                if fields.show_channels and member is not None and member.hidden:
                    chat_members.show(app.chat, channel, receiver_id)
            context["channel"] = _channel_context(channel)
            sent = self._send(channel, context)
        except (APIError, TemplateError):
            return  # this target is skipped; the campaign goes on
        if created:
            # After the send, which un-hides the channel for its members.
            self._sender_visibility(channel)
        self._count(channel.cid, receiver_id, sent)

    def _to_channel(self, sender: dict[str, Any], cid: str) -> None:
        channel = self.app.chat.get_channel(cid)
        if channel is None:
            return
        context: dict[str, Any] = {"sender": sender, "receiver": {}, "channel": _channel_context(channel)}
        try:
            self._include_sender(channel)
            sent = self._send(channel, context)
        except (APIError, TemplateError):
            return
        self._count(cid, None, sent)

    # -- through the chat core's own operations (validation, events, unread counts, hiding) ----

    def _create_channel(
        self, channel_type: str, channel_id: str, members: list[str], template: dict[str, Any], context: dict[str, Any]
    ) -> Channel:
        """Create a channel as the sender (server-side); without ``channel_template.id`` it is
        the member-based channel of ``members``."""
        custom = template.get("custom")
        data: dict[str, Any] = render_value(custom, context) if isinstance(custom, dict) else {}
        data.update(created_by_id=self.campaign.fields.sender_id, members=list(members))
        team = template.get("team")
        if isinstance(team, str) and team:
            data["team"] = team
        distinct = None if isinstance(template.get("id"), str) else frozenset(members)
        return chat_channels.create_channel(
            self.app.chat, channel_type, channel_id, data, distinct_members=distinct, client_user=None
        )

    def _include_sender(self, channel: Channel) -> None:
        """``sender_mode: "include"``: the sender joins a channel it is not a member of."""
        sender_id = self.campaign.fields.sender_id
        if self.campaign.fields.sender_mode != "include" or sender_id in channel.members:
            return
        core = self.app.chat
        member = chat_channels.add_member(core, channel, chat_channels.MemberEntry(sender_id), self.app.clock.now())
        chat_channels.member_event(core, channel, "member.added", member)

    def _send(self, channel: Channel, context: dict[str, Any]) -> dict[str, Any]:
        """Send the templated message as the sender; the rendered message has type ``error``
        when the chat core refused it without raising."""
        fields = self.campaign.fields
        raw = {**_message(self.campaign, context), "user_id": fields.sender_id}
        core = self.app.chat
        stored = chat_messages.send(core, channel, raw, chat_messages.SendOptions(skip_push=fields.skip_push), client_user=None)
        return core.render_message(stored)

    def _initial_members(self, receiver_id: str, template: dict[str, Any]) -> list[str]:
        fields = self.campaign.fields
        members: list[str] = []
        if fields.sender_mode != "exclude":
            members.append(fields.sender_id)
        members.append(receiver_id)
        extra = template.get("members")
        if isinstance(extra, list):
            members.extend(m for m in extra if isinstance(m, str))
        entries = template.get("members_template")
        if isinstance(entries, list):
            members.extend(e["user_id"] for e in entries if isinstance(e, dict) and isinstance(e.get("user_id"), str))
        return list(dict.fromkeys(members))

    def _sender_visibility(self, channel: Channel) -> None:
        visibility = self.campaign.fields.sender_visibility
        member = channel.members.get(self.campaign.fields.sender_id)
        if member is None or visibility is None:
            return
        if visibility == "hidden":
            member.hidden = True
        elif visibility == "archived":
            member.archived_at = self.app.clock.now()

    def _count(self, cid: str, receiver_id: str | None, sent: dict[str, Any]) -> None:
        if sent.get("type") == "error":
            return
        stats = self.campaign.stats
        stats.messages_sent += 1
        if receiver_id is not None:
            stats.users_sent += 1
            message_id = sent.get("id")
            if isinstance(message_id, str):
                self.campaign.sent.append((cid, receiver_id, message_id))
