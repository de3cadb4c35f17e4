"""Reactions (§4): send (replace in place, enforce_unique), delete, list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import inputs, render
from fake_server.domain.chat.models import Channel, Message, Reaction
from fake_server.domain.errors import feature_disabled, input_error, not_allowed, not_found
from fake_server.domain.query import page_limit, page_offset

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MAX_TYPE_LENGTH = 30
DEFAULT_LIMIT = 25  # §9 Q18
MAX_LIMIT = 300
MAX_OFFSET = 1000
_BUILTIN = frozenset({"type", "score", "user", "user_id", "message_id", "created_at", "updated_at"})


def _reactable(core: ChatCore, message_id: str) -> tuple[Message, Channel]:
    message = core.store.messages.get(message_id)
    if message is None:
        raise not_found(f"message with id {message_id} not found")
    channel = core.store.channels.get(message.cid)
    if channel is None or channel.deleted:
        raise input_error(f"the channel of message {message_id} has been deleted")
    if message.deleted:
        raise input_error(f"message {message_id} has been deleted")
    if not render.effective_config(core, channel).get("reactions", True):
        raise feature_disabled(f"channel type {channel.type} has reactions disabled")
    return message, channel


def send(
    core: ChatCore, message_id: str, raw: object, *, enforce_unique: bool, client_user: str | None
) -> tuple[Message, Reaction]:
    app = core.app
    if message_id in core.store.ephemeral:
        raise input_error(f"cannot react to ephemeral message {message_id}")
    message, channel = _reactable(core, message_id)
    raw = inputs.obj(raw, "reaction", required=True)
    author = inputs.acting_user(app, raw, "reaction", create=True, fallback=client_user)
    assert author is not None
    kind = inputs.string(raw.get("type"), "reaction.type", required=True)
    assert kind is not None
    if len(kind) > MAX_TYPE_LENGTH:
        raise input_error(f"reaction.type must be at most {MAX_TYPE_LENGTH} characters")
    if message.pending and message.user_id != author.id:
        raise input_error(f"cannot react to pending message {message_id}")
    if client_user is not None and channel.frozen and author.role != "admin":
        raise not_allowed(f"channel {channel.cid} is frozen")
    score = inputs.integer(raw.get("score"), "reaction.score")
    custom = {k: v for k, v in raw.items() if k not in _BUILTIN}
    inputs.check_custom_size(custom, "reaction", inputs.REACTION_CUSTOM_LIMIT)
    now = app.clock.now()
    created = inputs.optional_time(raw.get("created_at"), "reaction.created_at") or now
    updated = inputs.optional_time(raw.get("updated_at"), "reaction.updated_at") or now
    if enforce_unique:
        for key in [k for k in message.reactions if k[0] == author.id and k[1] != kind]:
            core.store.forget_reaction(message.reactions.pop(key))
    existing = message.reactions.get((author.id, kind))
    if existing is not None:
        existing.score = 1 if score is None else score
        existing.custom = custom
        existing.updated_at = updated
        reaction, event_type = existing, "reaction.updated"
    else:
        reaction = Reaction(
            message_id=message.id, user_id=author.id, type=kind, score=1 if score is None else score,
            created_at=created, updated_at=updated, custom=custom,
        )
        message.reactions[(author.id, kind)] = reaction
        core.store.add_reaction(reaction)
        first = message.first_reaction_at.get(kind)
        if first is None or reaction.created_at < first:
            message.first_reaction_at[kind] = reaction.created_at
        event_type = "reaction.new"
    message.updated_at = now
    _event(core, channel, event_type, message, reaction)
    return message, reaction


def delete(core: ChatCore, message_id: str, kind: str, user_id: str, *, client_user: str | None) -> tuple[Message, Reaction]:
    app = core.app
    message, channel = _reactable(core, message_id)
    app.users.require_reference(user_id)
    if client_user is not None and channel.frozen:
        raise not_allowed(f"channel {channel.cid} is frozen")
    reaction = message.reactions.pop((user_id, kind), None)
    if reaction is None:
        raise not_found(f"reaction {kind} of user {user_id} on message {message_id} does not exist")
    core.store.forget_reaction(reaction)
    message.updated_at = app.clock.now()
    _event(core, channel, "reaction.deleted", message, reaction)
    return message, reaction


def listing(core: ChatCore, message_id: str, limit: object, offset: object) -> list[Reaction]:
    message, _ = _reactable(core, message_id)
    size = page_limit(limit, default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    skip = page_offset(offset, maximum=MAX_OFFSET)
    return render.newest_reactions(message)[skip : skip + size]


def _event(core: ChatCore, channel: Channel, event_type: str, message: Message, reaction: Reaction) -> None:
    payload: dict[str, Any] = {
        "message": render.render_message(core, message, viewer=reaction.user_id),
        "reaction": render.render_reaction(core, reaction),
        "user": render.user(core, reaction.user_id),
    }
    core.channel_event(event_type, channel, **payload)
