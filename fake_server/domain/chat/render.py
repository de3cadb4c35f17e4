"""Wire renderings of chat records (models.md §2-6)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat.models import (
    INVITE_ACCEPTED,
    INVITE_PENDING,
    INVITE_REJECTED,
    MODERATOR_ROLE,
    Channel,
    Member,
    Message,
    Reaction,
    ReadState,
)
from fake_server.domain.timefmt import format_optional, format_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MAX_LATEST_REACTIONS = 10
MAX_OWN_REACTIONS = 10

_CAPABILITIES: tuple[tuple[str, str | None], ...] = (
    ("ban-channel-members", None), ("cast-poll-vote", None), ("connect-events", "connect_events"),
    ("create-attachment", None), ("delete-any-message", None), ("delete-channel", None),
    ("delete-own-message", None), ("flag-message", None), ("freeze-channel", None),
    ("join-channel", None), ("leave-channel", None), ("mute-channel", "mutes"),
    ("pin-message", None), ("quote-message", "quotes"), ("read-events", "read_events"),
    ("search-messages", "search"), ("send-custom-events", "custom_events"),
    ("send-links", None), ("send-message", None), ("send-reaction", "reactions"),
    ("send-reply", "replies"), ("send-typing-events", "typing_events"),
    ("set-channel-cooldown", None), ("skip-slow-mode", None), ("slow-mode", None),
    ("typing-events", "typing_events"), ("update-any-message", None), ("update-channel", None),
    ("update-channel-members", None), ("update-own-message", None), ("update-thread", None),
    ("upload-file", "uploads"),
)

def user(core: ChatCore, user_id: str) -> dict[str, Any]:
    """A user embedded in a chat record (shared within a request: never modify it)."""
    return core.app.users.embed_id(user_id)


# -- members and reads ------------------------------------------------------------------------


def member_role(core: ChatCore, channel: Channel, member: Member) -> str:
    """The deprecated ``role``: owner, then admin (app role), then moderator, else member."""
    if channel.created_by_id == member.user_id:
        return "owner"
    stored = core.app.users.get(member.user_id)
    if stored is not None and stored.role == "admin":
        return "admin"
    if member.channel_role == MODERATOR_ROLE:
        return "moderator"
    return "member"


_MEMBER_STATUS = {INVITE_PENDING: "pending", INVITE_REJECTED: "rejected"}


def render_member(core: ChatCore, channel: Channel, member: Member) -> dict[str, Any]:
    app = core.app
    ban = app.active_ban(member.user_id, channel.cid) if app.bans else None
    status = member.invite_status
    out: dict[str, Any] = {
        **member.custom,
        "user_id": member.user_id,
        "user": user(core, member.user_id),
        "created_at": format_time(member.created_at),
        "updated_at": format_time(member.updated_at),
        "channel_role": member.channel_role,
        "role": member_role(core, channel, member),
        "banned": ban is not None and not ban.shadow,
        "shadow_banned": ban is not None and ban.shadow,
        "notifications_muted": bool(app.channel_mutes)
        and app.active_channel_mute(member.user_id, channel.cid) is not None,
        # models §3 choice: pending/rejected invites show their state, everyone else "member".
        "status": _MEMBER_STATUS.get(status or "", "member"),
    }
    if ban is not None and ban.expires is not None:
        out["ban_expires"] = format_time(ban.expires)
    if member.channel_role == MODERATOR_ROLE:
        out["is_moderator"] = True
    if member.invited:
        out["invited"] = True
    if member.invite_accepted_at is not None and status == INVITE_ACCEPTED:
        out["invite_accepted_at"] = format_time(member.invite_accepted_at)
    if member.invite_rejected_at is not None and status == INVITE_REJECTED:
        out["invite_rejected_at"] = format_time(member.invite_rejected_at)
    if member.pinned_at is not None:
        out["pinned_at"] = format_time(member.pinned_at)
    if member.archived_at is not None:
        out["archived_at"] = format_time(member.archived_at)
    if member.hide_messages_before is not None:
        out["hide_messages_before"] = format_time(member.hide_messages_before)
    return out


def sorted_members(channel: Channel) -> list[Member]:
    """Members by membership creation, ties by user id (§9 Q7)."""
    return sorted(channel.members.values(), key=lambda m: (m.created_at, m.user_id))


def render_read(core: ChatCore, read: ReadState) -> dict[str, Any]:
    out: dict[str, Any] = {
        "user": user(core, read.user_id),
        "last_read": format_time(read.last_read),
        "unread_messages": read.unread_messages,
    }
    if read.last_read_message_id is not None:
        out["last_read_message_id"] = read.last_read_message_id
    if read.first_unread_message_id is not None:
        out["first_unread_message_id"] = read.first_unread_message_id
    return out


# -- reactions and messages -------------------------------------------------------------------


def render_reaction(core: ChatCore, reaction: Reaction) -> dict[str, Any]:
    out: dict[str, Any] = dict(reaction.custom)
    out.update(
        message_id=reaction.message_id,
        user_id=reaction.user_id,
        user=user(core, reaction.user_id),
        type=reaction.type,
        score=reaction.score,
        created_at=format_time(reaction.created_at),
        updated_at=format_time(reaction.updated_at),
    )
    return out


def newest_reactions(message: Message) -> list[Reaction]:
    return sorted(message.reactions.values(), key=lambda r: (r.created_at, r.user_id, r.type), reverse=True)


def reaction_aggregates(core: ChatCore, message: Message, viewer: str | None) -> dict[str, Any]:
    if not message.reactions:
        return {"latest_reactions": [], "own_reactions": [], "reaction_counts": {}, "reaction_scores": {}}
    ordered = newest_reactions(message)
    counts: dict[str, int] = {}
    scores: dict[str, int] = {}
    groups: dict[str, dict[str, Any]] = {}
    last_at: dict[str, datetime] = {}
    for reaction in ordered:
        counts[reaction.type] = counts.get(reaction.type, 0) + 1
        scores[reaction.type] = scores.get(reaction.type, 0) + reaction.score
        stamp = max(reaction.created_at, reaction.updated_at)
        if reaction.type not in last_at or stamp > last_at[reaction.type]:
            last_at[reaction.type] = stamp
    for kind, count in counts.items():
        first = message.first_reaction_at.get(kind)
        groups[kind] = {
            "count": count,
            "sum_scores": scores[kind],
            "first_reaction_at": format_optional(first or last_at[kind]),
            "last_reaction_at": format_time(last_at[kind]),
        }
    own = [r for r in ordered if r.user_id == viewer][:MAX_OWN_REACTIONS] if viewer else []
    out: dict[str, Any] = {
        "latest_reactions": [render_reaction(core, r) for r in ordered[:MAX_LATEST_REACTIONS]],
        "own_reactions": [render_reaction(core, r) for r in own],
        "reaction_counts": counts,
        "reaction_scores": scores,
    }
    if groups:
        out["reaction_groups"] = groups
    return out


def render_message(
    core: ChatCore,
    message: Message,
    *,
    viewer: str | None = None,
    show_deleted: bool = False,
    quote: bool = True,
) -> dict[str, Any]:
    """A message as every endpoint returns it (models §5.1).

    Soft-deleted messages read as ``type: "deleted"`` with their content blanked unless
    ``show_deleted`` (§9 Q3); expired pins read as unpinned.
    """
    stripped = message.deleted and not show_deleted
    pinned = message.pinned and message.pinned_now(core.app.clock.peek())
    # One dict display rather than update() calls: this runs for every message of a query.
    out: dict[str, Any] = {
        **({} if stripped else message.custom),
        "id": message.id,
        "cid": message.cid,
        "type": "deleted" if message.deleted else message.type,
        "text": "" if stripped else message.text,
        "html": "" if stripped else message.html,
        "user": user(core, message.user_id),
        "attachments": [dict(a) for a in message.attachments] if message.attachments and not stripped else [],
        "mentioned_users": (
            [user(core, uid) for uid in message.mentioned_user_ids]
            if message.mentioned_user_ids and not stripped
            else []
        ),
        "reply_count": message.reply_count,
        "deleted_reply_count": message.deleted_reply_count,
        "silent": message.silent,
        "shadowed": message.shadowed,
        "pinned": pinned,
        "pinned_at": format_optional(message.pinned_at) if pinned else None,
        "pinned_by": user(core, message.pinned_by_id) if pinned and message.pinned_by_id else None,
        "pin_expires": format_optional(message.pin_expires) if pinned else None,
        "created_at": format_time(message.created_at),
        "updated_at": format_time(message.updated_at),
    }
    if message.reactions:
        out.update(reaction_aggregates(core, message, viewer))
    else:
        out["latest_reactions"], out["own_reactions"] = [], []
        out["reaction_counts"], out["reaction_scores"] = {}, {}
    if message.mml is not None and not stripped:
        out["mml"] = message.mml
    if message.parent_id is not None:
        out["parent_id"] = message.parent_id
        if message.show_in_channel:
            out["show_in_channel"] = True
    if message.thread_participant_ids:
        out["thread_participants"] = [user(core, uid) for uid in message.thread_participant_ids]
    if message.quoted_message_id is not None:
        out["quoted_message_id"] = message.quoted_message_id
        quoted = core.store.messages.get(message.quoted_message_id)
        if quote and quoted is not None:
            out["quoted_message"] = render_message(core, quoted, viewer=viewer, quote=False)
    if message.deleted_at is not None:
        out["deleted_at"] = format_time(message.deleted_at)
    if message.message_text_updated_at is not None:
        out["message_text_updated_at"] = format_time(message.message_text_updated_at)
    if message.i18n is not None and not stripped:
        out["i18n"] = dict(message.i18n)
    if message.command is not None:
        out["command"] = message.command
        if message.args is not None:
            out["args"] = message.args
    if message.restricted_visibility is not None:
        out["restricted_visibility"] = list(message.restricted_visibility)
    if message.poll_id is not None:
        out["poll_id"] = message.poll_id
    if message.before_send_failed:
        out["before_message_send_failed"] = True
    return out


# -- channels ------------------------------------------------------------------------------------


def effective_config(core: ChatCore, channel: Channel) -> dict[str, Any]:
    """The channel's effective config, to read (shared within a request: never modify it)."""
    return core.app.channel_types.effective_shared(channel.type, channel.config_overrides)


def render_channel(
    core: ChatCore, channel: Channel, *, viewer: str | None = None, deleted_view: bool = False
) -> dict[str, Any]:
    """The ``channel`` object (models §2.1). ``deleted_view`` is the reduced shape of the
    delete response (no custom fields, creator or last_message_at; §2.6)."""
    app = core.app
    out: dict[str, Any] = {
        **({} if deleted_view else channel.custom),
        "id": channel.id,
        "type": channel.type,
        "cid": channel.cid,
        "created_at": format_time(channel.created_at),
        "updated_at": format_time(channel.updated_at),
        "frozen": channel.frozen,
        "disabled": channel.disabled,
        "member_count": len(channel.members),
        "config": app.channel_types.render_config(channel.type, channel.config_overrides),
    }
    if channel.created_by_id is not None and not deleted_view:
        out["created_by"] = user(core, channel.created_by_id)
    if channel.last_message_at is not None and not deleted_view:
        out["last_message_at"] = format_time(channel.last_message_at)
    if channel.deleted_at is not None:
        out["deleted_at"] = format_time(channel.deleted_at)
    if channel.truncated_at is not None:
        out["truncated_at"] = format_time(channel.truncated_at)
        if channel.truncated_by_id is not None:
            out["truncated_by"] = user(core, channel.truncated_by_id)
    if channel.cooldown:
        out["cooldown"] = channel.cooldown
    if channel.team is not None:
        out["team"] = channel.team
    if channel.auto_translation_enabled is not None:
        out["auto_translation_enabled"] = channel.auto_translation_enabled
    if channel.auto_translation_language is not None:
        out["auto_translation_language"] = channel.auto_translation_language
    if viewer is not None:
        member = channel.members.get(viewer)
        mute = app.active_channel_mute(viewer, channel.cid)
        out["hidden"] = bool(member and member.hidden)
        out["muted"] = mute is not None
        if mute is not None and mute.expires is not None:
            out["mute_expires_at"] = format_time(mute.expires)
        config = out["config"]
        out["own_capabilities"] = [
            name for name, feature in _CAPABILITIES if feature is None or config.get(feature, True)
        ]
    return out
