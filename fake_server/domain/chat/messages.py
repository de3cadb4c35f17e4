"""Sending messages (§3.1) and what a visible message does to its channel (§7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import automod, bans, commands, content, inputs, reads, render
from fake_server.domain.chat.models import MODERATOR_ROLE, Channel, Message
from fake_server.domain.errors import (
    APIError,
    feature_disabled,
    input_error,
    not_allowed,
    not_found,
)
from fake_server.domain.ids import new_id

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore
    from fake_server.domain.users import User

FROZEN_TEXT = "Sorry, this channel has been frozen by the admin"
BLOCKED_TEXT = "Automod blocked your message"


_OPTION_KEYS = frozenset(
    {
        "skip_push", "skip_enrich_url", "keep_channel_hidden", "pending", "is_pending_message",
        "pending_message_metadata", "force_moderation",
    }
)


@dataclass(slots=True)
class SendOptions:
    skip_push: bool = False
    skip_enrich_url: bool = False
    keep_channel_hidden: bool = False
    pending: bool | None = None
    pending_metadata: dict[str, str] | None = None
    force_moderation: bool = False

    @classmethod
    def parse(cls, body: dict[str, Any]) -> SendOptions:
        if _OPTION_KEYS.isdisjoint(body):
            return cls()  # the usual send: a message and nothing else
        pending = body.get("pending")
        if pending is None:
            pending = body.get("is_pending_message")  # §9 Q14: alias of ``pending``
        metadata = body.get("pending_message_metadata")
        if metadata is not None and (
            not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values())
        ):
            raise input_error('expected map of strings for field "pending_message_metadata"')
        return cls(
            skip_push=inputs.flag(body.get("skip_push"), "skip_push"),
            skip_enrich_url=inputs.flag(body.get("skip_enrich_url"), "skip_enrich_url"),
            keep_channel_hidden=inputs.flag(body.get("keep_channel_hidden"), "keep_channel_hidden"),
            pending=None if pending is None else inputs.flag(pending, "pending"),
            pending_metadata=dict(metadata) if metadata else None,
            force_moderation=inputs.flag(body.get("force_moderation"), "force_moderation"),
        )


def send(
    core: ChatCore,
    channel: Channel,
    raw: object,
    options: SendOptions,
    *,
    client_user: str | None,
) -> Message:
    """Validate and send a message. Returns the stored message, or an unstored ``ephemeral``
    (giphy preview), ``system`` (moderation command) or ``error`` (rejection) message."""
    app = core.app
    raw = inputs.obj(raw, "message", required=True)
    author = inputs.acting_user(app, raw, "message", create=True, fallback=client_user)
    assert author is not None
    if author.deactivated_at is not None:
        raise input_error(f"user {author.id} is deactivated")
    config = render.effective_config(core, channel)
    custom_command = _custom_command(core, config, raw)
    verdict = _consult_hooks(core, channel, author, raw, custom_command)
    if isinstance(verdict, str):
        return _unstored(core, channel, author.id, _id_or_new(raw), "error", verdict)
    raw, hook_failed = verdict
    draft = content.parse_draft(
        core, channel, raw, server_side=client_user is None, for_update=False, config=config
    )
    message_id = content.check_new_id(core, raw.get("id")) or new_id()
    if not draft.text and not draft.attachments and draft.poll_id is None:
        raise input_error("message must have text, attachments or a poll")
    parent = _thread_parent(core, channel, draft.parent_id, config)
    check_quote(core, channel, draft.quoted_message_id, config)
    if client_user is not None:
        refusal = _client_checks(core, channel, author)
        if refusal is not None:
            return _unstored(core, channel, author.id, message_id, "error", refusal)
    now = app.clock.now()
    message = Message(
        id=message_id, cid=channel.cid, user_id=author.id, created_at=now, updated_at=now,
        text=draft.text, html=draft.html if draft.html is not None else content.render_html(draft.text),
        mml=draft.mml, type="reply" if parent is not None else draft.type,
        attachments=tuple(draft.attachments), mentioned_user_ids=tuple(draft.mentioned_user_ids),
        parent_id=draft.parent_id, show_in_channel=draft.show_in_channel and parent is not None,
        quoted_message_id=draft.quoted_message_id, silent=draft.silent,
        restricted_visibility=draft.restricted_visibility, poll_id=draft.poll_id, custom=draft.custom,
    )
    message.before_send_failed = hook_failed
    command = custom_command or commands.parse(core, config, draft.text)
    if command is not None:
        message.command, message.args = command.name, command.args
        if command.name == "giphy":
            return _giphy_preview(core, message, command.args)
        if command.name in commands.MODERATION:
            kind, text = commands.run_moderation(core, channel, author.id, command)
            return _unstored(core, channel, author.id, message_id, kind, text, command=command)
    found = None
    if client_user is not None or options.force_moderation:
        # §7: server-side sends are moderated only with force_moderation (recommended).
        found = app.blocklists.check(draft.text, config)
        if found is not None and found.behavior == automod.BLOCK:
            return _unstored(core, channel, author.id, message_id, "error", BLOCKED_TEXT)
        message.shadowed = found is not None and found.behavior == automod.SHADOW_BLOCK
    message.shadowed = message.shadowed or bans.is_shadow_banned(core, author.id, channel.cid)
    if draft.pinned:
        message.pinned, message.pinned_at, message.pinned_by_id = True, draft.pinned_at or now, author.id
        message.pin_expires = draft.pin_expires
        channel.note_pinned(message)
    pending = options.pending if options.pending is not None else bool(config.get("mark_messages_pending"))
    message.pending = pending
    message.pending_metadata = options.pending_metadata if pending else None
    store(core, channel, message, parent)
    if client_user is not None:
        channel.last_post_at[author.id] = now
    if found is not None and found.behavior == automod.FLAG:
        message.flagged = True
        automod.report_flag(app, message.id, found, message.text)
    if not pending:
        publish(core, channel, message, keep_hidden=options.keep_channel_hidden, config=config)
    return message


def _custom_command(core: ChatCore, config: dict[str, Any], raw: dict[str, Any]) -> commands.Command | None:
    """The app-defined slash command the submitted text starts with (built-ins run here)."""
    text = raw.get("text")
    command = commands.parse(core, config, text) if isinstance(text, str) else None
    if command is None or command.name not in core.app.commands.custom:
        return None
    return command


def _consult_hooks(
    core: ChatCore,
    channel: Channel,
    author: User,
    raw: dict[str, Any],
    custom_command: commands.Command | None,
) -> tuple[dict[str, Any], bool] | str:
    """Run the before-send hook (§8.6) and the custom command handler (§8.7) on a submitted
    message: the (possibly rewritten) input and whether the hook failed open, or the text of
    the error message that replaces a rejected one."""
    app = core.app
    hook_failed = False
    if not app.settings.get("before_message_send_hook_url") and custom_command is None:
        return raw, hook_failed
    user = app.users.render(author)
    channel_view = render.render_channel(core, channel)
    if app.settings.get("before_message_send_hook_url"):
        verdict = app.outbound.before_send(dict(raw), user, channel_view)
        if verdict.action == "reject":
            return verdict.error_text or "Message was rejected by the before message send hook"
        raw, hook_failed = verdict.apply(raw), verdict.failed
    if custom_command is not None:
        submitted = {**raw, "command": custom_command.name, "args": custom_command.args}
        verdict = app.outbound.run_custom_command(
            submitted, user, channel=channel_view, command=custom_command.name
        )
        if verdict.action == "reject":
            return verdict.error_text or f"/{custom_command.name} failed"
        raw = verdict.apply(raw)
    return raw, hook_failed


def _id_or_new(raw: dict[str, Any]) -> str:
    value = raw.get("id")
    return value if isinstance(value, str) and value else new_id()


def post_operation_message(core: ChatCore, channel: Channel, raw: dict[str, Any], *, client_user: str | None) -> Message:
    """The optional message of channel update / member operations / truncate (§7)."""
    return send(core, channel, raw, SendOptions(), client_user=client_user)


def store(core: ChatCore, channel: Channel, message: Message, parent: Message | None) -> None:
    core.store.add_message(channel, message)
    if parent is not None:
        parent.add_reply(message)


def publish(
    core: ChatCore,
    channel: Channel,
    message: Message,
    *,
    keep_hidden: bool,
    config: dict[str, Any] | None = None,
) -> None:
    """§7: the effects of a message becoming visible, then ``message.new``."""
    app = core.app
    if config is None:
        config = render.effective_config(core, channel)
    bumps = message.in_channel_list and not (
        message.type == "system" and config.get("skip_last_msg_update_for_system_msgs")
    )
    if bumps and (channel.last_message_at is None or message.created_at > channel.last_message_at):
        channel.last_message_at = message.created_at
    reads.on_new_message(core, channel, message, config)
    if message.parent_id is not None:
        parent = core.store.messages.get(message.parent_id)
        if parent is not None:
            parent.reply_count += 1
            parent.add_thread_participant(message.user_id)
    if message.in_channel_list and not keep_hidden:
        for member in channel.members.values():
            if member.hidden and app.active_channel_mute(member.user_id, channel.cid) is None:
                member.hidden = False
                core.channel_event("channel.visible", channel, user=render.user(core, member.user_id))
    rendered = render.render_message(core, message)
    payload: dict[str, Any] = {
        "message": rendered,
        "user": render.user(core, message.user_id),
        "watcher_count": 0,
    }
    if message.parent_id is not None:
        payload["parent_id"] = message.parent_id
    core.channel_event("message.new", channel, **payload)
    core.just_published = (message, rendered)


def render_sent(core: ChatCore, message: Message, viewer: str | None) -> dict[str, Any]:
    """The rendering of a message this request just sent: the one its ``message.new`` event
    carried when no viewer could see it differently (no reactions, no quoted message whose
    own reactions depend on the viewer) — rendering a message twice showed in every send."""
    published = core.just_published
    if (
        published is not None
        and published[0] is message
        and not message.reactions
        and message.quoted_message_id is None
    ):
        return published[1]
    return render.render_message(core, message, viewer=viewer)


def _thread_parent(core: ChatCore, channel: Channel, parent_id: str | None, config: dict[str, Any]) -> Message | None:
    if parent_id is None:
        return None
    if not config.get("replies", True):
        raise feature_disabled(f"channel type {channel.type} has replies disabled")
    parent = core.store.messages.get(parent_id)
    if parent is None or parent.cid != channel.cid:
        raise not_found(f"parent message {parent_id} does not exist in channel {channel.cid}")
    if parent.parent_id is not None:
        raise APIError(400, 21, "multiple levels of replies are not supported")
    if parent.deleted:
        raise input_error(f"parent message {parent_id} has been deleted")
    if parent.pending:
        raise input_error(f"parent message {parent_id} is pending")
    return parent


def check_quote(core: ChatCore, channel: Channel, quoted_id: str | None, config: dict[str, Any]) -> None:
    if quoted_id is None:
        return
    if not config.get("quotes", True):
        raise feature_disabled(f"channel type {channel.type} has quotes disabled")
    quoted = core.store.messages.get(quoted_id)
    if quoted is None or quoted.cid != channel.cid:
        raise input_error(f"quoted message {quoted_id} does not exist in channel {channel.cid}")


def _client_checks(core: ChatCore, channel: Channel, author: User) -> str | None:
    """Permission-style checks that only apply to user-token requests (§0.4, §7)."""
    if channel.disabled:
        raise not_allowed(f"channel {channel.cid} is disabled")
    if bans.is_banned(core, author.id, channel.cid):
        raise not_allowed(f"user {author.id} is banned from sending messages in channel {channel.cid}")
    privileged = author.role == "admin"
    member = channel.members.get(author.id)
    moderator = privileged or (member is not None and member.channel_role == MODERATOR_ROLE)
    if channel.frozen and not privileged:
        return FROZEN_TEXT
    if channel.cooldown and not moderator:
        last = channel.last_post_at.get(author.id)
        now = core.app.clock.peek()
        if last is not None and (now - last).total_seconds() < channel.cooldown:
            raise APIError(
                403, 60,
                f"user {author.id} is not allowed to send messages on channel {channel.cid} "
                f"under cool down period({channel.cooldown}s)",
            )
    return None


def _unstored(
    core: ChatCore,
    channel: Channel,
    author_id: str,
    message_id: str,
    kind: str,
    text: str,
    *,
    command: commands.Command | None = None,
) -> Message:
    now = core.app.clock.now()
    message = Message(
        id=message_id, cid=channel.cid, user_id=author_id, created_at=now, updated_at=now,
        text=text, html=content.render_html(text), type=kind,
    )
    if command is not None:
        message.command, message.args = command.name, command.args
    return message


def _giphy_preview(core: ChatCore, message: Message, query: str) -> Message:
    message.type = "ephemeral"
    message.giphy_query = query
    message.giphy_index = commands.giphy_start_index(query)
    message.attachments = (commands.giphy_attachment(query, message.giphy_index, with_actions=True),)
    message.html = content.render_html(message.text)
    core.store.ephemeral[message.id] = message
    return message
