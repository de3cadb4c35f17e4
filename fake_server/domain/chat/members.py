"""Membership: the member operations of ``POST /channels/{type}/{id}`` (§2.2-2.4), hide/show
(§2.11) and member partial update (§2.13)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import channels, inputs, render
from fake_server.domain.chat.channels import MemberEntry
from fake_server.domain.chat.models import MEMBER_ROLE, MODERATOR_ROLE, Channel, Member
from fake_server.domain.errors import input_error, not_allowed, not_found
from fake_server.domain.timefmt import parse_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore
    from fake_server.domain.users import User

MEMBER_RESERVED = frozenset(
    {
        "user_id", "user", "created_at", "updated_at", "banned", "shadow_banned", "ban_expires",
        "invited", "invite_accepted_at", "invite_rejected_at", "is_moderator", "role", "status",
        "notifications_muted", "pinned_at", "archived_at", "hide_messages_before", "deleted_at",
    }
)
_DISTINCT_ADD = (
    "cannot add members to the distinct channel they don't belong to, please create a new "
    "distinct channel with the desired members"
)
_DISTINCT_INVITE = (
    "cannot invite members to the distinct channel, please create a new distinct channel with the desired members"
)


@dataclass(slots=True)
class ChannelUpdate:
    """The parsed body of ``POST /channels/{type}/{id}``."""

    data: dict[str, Any] | None = None
    add_members: list[MemberEntry] = field(default_factory=list)
    remove_members: list[str] = field(default_factory=list)
    invites: list[MemberEntry] = field(default_factory=list)
    add_moderators: list[str] = field(default_factory=list)
    demote_moderators: list[str] = field(default_factory=list)
    assign_roles: list[MemberEntry] = field(default_factory=list)
    accept_invite: bool = False
    reject_invite: bool = False
    cooldown: int | None = None
    hide_history_before: datetime | None = None
    message: dict[str, Any] | None = None
    actor: User | None = None

    @property
    def changes_channel(self) -> bool:
        return bool(
            self.data is not None or self.add_members or self.remove_members or self.invites
            or self.add_moderators or self.demote_moderators or self.assign_roles or self.cooldown is not None
        )


def parse_update(core: ChatCore, body: dict[str, Any], client_user: str | None) -> ChannelUpdate:
    app = core.app
    update = ChannelUpdate(
        data=body["data"] if isinstance(body.get("data"), dict) else None,
        add_members=channels.parse_member_entries(body.get("add_members"), "add_members"),
        remove_members=inputs.string_list(body.get("remove_members"), "remove_members"),
        invites=channels.parse_member_entries(body.get("invites"), "invites"),
        add_moderators=inputs.string_list(body.get("add_moderators"), "add_moderators"),
        demote_moderators=inputs.string_list(body.get("demote_moderators"), "demote_moderators"),
        accept_invite=inputs.flag(body.get("accept_invite"), "accept_invite"),
        reject_invite=inputs.flag(body.get("reject_invite"), "reject_invite"),
    )
    if body.get("data") is not None and update.data is None:
        raise input_error('expected object for field "data"')
    roles = body.get("assign_roles")
    if roles is not None:
        if not isinstance(roles, list) or len(roles) > inputs.MAX_BATCH:
            raise input_error(f"assign_roles must be an array of at most {inputs.MAX_BATCH} entries")
        for entry in roles:
            if not isinstance(entry, dict) or not isinstance(entry.get("user_id"), str):
                raise input_error('each assign_roles entry needs "user_id" and "channel_role"')
            role = inputs.string(entry.get("channel_role"), "assign_roles.channel_role", required=True)
            update.assign_roles.append(MemberEntry(entry["user_id"], role))
    if body.get("cooldown") is not None:
        update.cooldown = channels.check_cooldown(body["cooldown"])
    if update.data is not None and update.data.get("cooldown") is not None:
        channels.check_cooldown(update.data["cooldown"])
    now = app.clock.peek()
    if body.get("hide_history_before") is not None:
        update.hide_history_before = parse_time(body["hide_history_before"], "hide_history_before")
        if update.hide_history_before > now:
            raise input_error("hide_history_before must be in the past")
    elif inputs.flag(body.get("hide_history"), "hide_history"):
        update.hide_history_before = now
    message = body.get("message")
    if message is not None:
        update.message = inputs.obj(message, "message")
        if update.message.get("user") is None and update.message.get("user_id") is None and client_user is None:
            raise input_error("either message.user or message.user_id must be provided when using server side auth.")
    update.actor = inputs.acting_user(
        app, body, None, create=False, fallback=client_user, required=update.accept_invite or update.reject_invite
    )
    adding = {e.user_id for e in update.add_members}
    both = sorted(adding & set(update.remove_members))
    if both:
        raise input_error(f"cannot add and remove the same members: {', '.join(both)}")
    return update


def validate_update(core: ChatCore, channel: Channel, update: ChannelUpdate) -> None:
    """Every check that must pass before anything changes."""
    channels.require_users(core, [e.user_id for e in update.add_members], "add_members")
    channels.require_users(core, [e.user_id for e in update.invites], "invites")
    channels.require_users(core, update.add_moderators, "add_moderators")
    if channel.distinct_member_ids is not None:
        if update.invites:
            raise not_allowed(_DISTINCT_INVITE)
        newcomers = [e.user_id for e in update.add_members] + update.add_moderators
        if any(uid not in channel.distinct_member_ids for uid in newcomers):
            raise not_allowed(_DISTINCT_ADD)
    for entry in update.assign_roles:
        if entry.user_id not in channel.members:
            raise input_error(f"user {entry.user_id} is not a member of channel {channel.cid}")
    if update.accept_invite or update.reject_invite:
        assert update.actor is not None
        member = channel.members.get(update.actor.id)
        if member is None or not member.invited:
            raise input_error(f"user {update.actor.id} is not invited to channel {channel.cid}")
    if update.data is not None:
        staged = channels.staged_builtins(channel)
        for key in channels.BUILTIN_SETTABLE:
            if update.data.get(key) is not None:
                channels.apply_builtin(staged, key, update.data[key])


def apply_update(core: ChatCore, channel: Channel, update: ChannelUpdate) -> bool:
    """Apply a validated update; returns False for a repeated accept/reject (no message then)."""
    now = core.app.clock.now()
    if update.data is not None:
        channels.full_update(core, channel, update.data)
    for entry in update.add_members:
        if entry.user_id in channel.members:
            continue  # re-adding leaves the member (and its read state) unchanged
        member = channels.add_member(core, channel, entry, now)
        member.hide_messages_before = update.hide_history_before
        _added(core, channel, member, "notification.added_to_channel")
    for entry in update.invites:
        if entry.user_id in channel.members:
            continue
        member = channels.add_member(core, channel, entry, now, invited=True)
        _added(core, channel, member, "notification.invited")
    for user_id in update.remove_members:
        removed = core.store.remove_member(channel, user_id)
        channel.reads.pop(user_id, None)
        if removed is not None:
            payload = {"member": render.render_member(core, channel, removed), "user": render.user(core, user_id)}
            core.channel_event("member.removed", channel, **payload)
            core.channel_event("notification.removed_from_channel", channel, **payload)
    for user_id in update.add_moderators:
        existing = channel.members.get(user_id)
        if existing is None:
            added = channels.add_member(core, channel, MemberEntry(user_id, MODERATOR_ROLE), now)
            _added(core, channel, added, "notification.added_to_channel")
        else:
            _set_role(core, channel, existing, MODERATOR_ROLE, now)
    for user_id in update.demote_moderators:
        existing = channel.members.get(user_id)
        if existing is not None:
            _set_role(core, channel, existing, MEMBER_ROLE, now)
    for entry in update.assign_roles:
        _set_role(core, channel, channel.members[entry.user_id], entry.channel_role or MEMBER_ROLE, now)
    if update.cooldown is not None:
        channel.cooldown = update.cooldown
        channel.updated_at = now
    answered = True
    if update.accept_invite or update.reject_invite:
        assert update.actor is not None
        answered = _answer_invite(core, channel, channel.members[update.actor.id], update.accept_invite, now)
    if update.changes_channel:
        channel.updated_at = max(channel.updated_at, now)
    return answered


def _added(core: ChatCore, channel: Channel, member: Member, notification: str) -> None:
    channels.member_event(core, channel, "member.added", member)
    core.channel_event(
        notification, channel, channel=render.render_channel(core, channel),
        member=render.render_member(core, channel, member), user=render.user(core, member.user_id),
    )


def _set_role(core: ChatCore, channel: Channel, member: Member, role: str, now: datetime) -> None:
    if member.channel_role == role:
        return
    member.channel_role = role
    member.updated_at = now
    channels.member_event(core, channel, "member.updated", member)


def _answer_invite(core: ChatCore, channel: Channel, member: Member, accept: bool, now: datetime) -> bool:
    if accept and member.invite_accepted_at is not None:
        return False
    if not accept and member.invite_rejected_at is not None:
        return False
    if accept:
        member.invite_accepted_at, member.invite_rejected_at = now, None
    else:
        member.invite_rejected_at, member.invite_accepted_at = now, None
    member.updated_at = now
    channels.member_event(core, channel, "member.updated", member)
    core.channel_event(
        "notification.invite_accepted" if accept else "notification.invite_rejected", channel,
        channel=render.render_channel(core, channel), member=render.render_member(core, channel, member),
        user=render.user(core, member.user_id),
    )
    return True


# -- hide / show ----------------------------------------------------------------------------------


def hide(core: ChatCore, channel: Channel, user_id: str, *, clear_history: bool) -> None:
    member = channel.members.get(user_id)
    if member is None:
        # §9 Q12: only members can hide a channel.
        raise input_error(f"user {user_id} is not a member of channel {channel.cid}")
    now = core.app.clock.now()
    member.hidden = True
    if clear_history:
        member.hide_messages_before = now
    core.channel_event("channel.hidden", channel, user=render.user(core, user_id), clear_history=clear_history)


def show(core: ChatCore, channel: Channel, user_id: str) -> None:
    member = channel.members.get(user_id)
    if member is None:
        raise input_error(f"user {user_id} is not a member of channel {channel.cid}")
    member.hidden = False
    core.channel_event("channel.visible", channel, user=render.user(core, user_id))


# -- member partial update --------------------------------------------------------------------------


def update_member_partial(
    core: ChatCore, channel: Channel, user_id: str, to_set: dict[str, Any], to_unset: list[str]
) -> Member:
    """§2.13: pin/archive, channel_role and member custom data (dot paths)."""
    member = channel.members.get(user_id)
    if member is None:
        raise not_found(f"user {user_id} is not a member of channel {channel.cid}")  # §9 Q12
    for key in [*to_set, *to_unset]:
        if inputs.root(key) in MEMBER_RESERVED:
            raise input_error(f"field `{inputs.root(key)}` is reserved and cannot be updated")
    now = core.app.clock.now()
    custom = channels.deep_copy(member.custom)
    pinned_at, archived_at, role = member.pinned_at, member.archived_at, member.channel_role
    for key, value in to_set.items():
        if key == "pinned":
            pinned_at = now if inputs.flag(value, "pinned") else None
        elif key == "archived":
            archived_at = now if inputs.flag(value, "archived") else None
        elif key == "channel_role":
            role = inputs.string(value, "channel_role", required=True) or MEMBER_ROLE
        else:
            inputs.set_path(custom, key, value)
    for key in to_unset:
        if key == "pinned":
            pinned_at = None
        elif key == "archived":
            archived_at = None
        elif key == "channel_role":
            role = MEMBER_ROLE
        else:
            inputs.unset_path(custom, key)
    inputs.check_custom_size(custom, "member")
    member.custom, member.pinned_at, member.archived_at, member.channel_role = custom, pinned_at, archived_at, role
    member.updated_at = now
    channels.member_event(core, channel, "member.updated", member)
    return member
