"""Changing stored messages: full/partial update and pins (§3.4-3.5), delete/undelete
(§3.6-3.7), translate (§3.8), giphy actions (§3.9), commit (§3.10)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.chat import (
    automod,
    bans,
    channels,
    commands,
    content,
    inputs,
    messages,
    reads,
    render,
)
from fake_server.domain.chat.models import Channel, HistoryEntry, Message
from fake_server.domain.errors import APIError, input_error, not_found

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

LANGUAGES = frozenset(
    ["af", "sq", "am", "ar", "az", "bn", "bs", "bg", "zh", "zh-TW", "hr", "cs", "da", "fa-AF", "nl", "en", "et", "fi", "fr", "fr-CA", "ka", "de", "el", "ha", "he", "hi", "hu", "id", "it", "ja", "ko", "lv", "ms", "no", "fa", "ps", "pl", "pt", "ro", "ru", "sr", "sk", "sl", "so", "es", "es-MX", "sw", "sv", "tl", "ta", "th", "tr", "uk", "ur", "vi", "lt", "ht"]
)
MAX_TRANSLATED_LENGTH = 5000
# Keys a partial update may not touch (§3.5).
PARTIAL_FORBIDDEN = frozenset(
    {
        "id", "cid", "user", "user_id", "type", "parent_id", "created_at", "updated_at", "deleted_at",
        "silent", "i18n", "reply_count", "deleted_reply_count", "reaction_counts", "reaction_scores",
        "reaction_groups", "latest_reactions", "own_reactions", "thread_participants", "pinned_at",
        "pinned_by", "shadowed", "command", "args", "message_text_updated_at", "quoted_message",
    }
)
UNSETTABLE_BUILTINS = frozenset({"pin_expires", "quoted_message_id"})


@dataclass(slots=True)
class PinChange:
    pinned: bool | None  # None: only the expiry changes
    expires: datetime | None


@dataclass(slots=True)
class NewContent:
    text: str
    html: str | None
    mml: str | None
    attachments: tuple[dict[str, Any], ...]
    mentioned_user_ids: tuple[str, ...]
    quoted_message_id: str | None
    show_in_channel: bool
    custom: dict[str, Any]
    pin: PinChange | None
    restricted_visibility: list[str] | None


def _editable(core: ChatCore, message: Message) -> Channel:
    if message.deleted:
        raise input_error(f"message {message.id} has been deleted")
    if message.pending:
        raise input_error(f"message {message.id} is pending and cannot be updated")
    return core.channel_of(message)


def update_full(core: ChatCore, message: Message, raw: object, *, client_user: str | None) -> Message:
    """§3.4: replace the editable content; read-only keys of a fetched message are ignored."""
    app = core.app
    raw = inputs.obj(raw, "message", required=True)
    editor = inputs.acting_user(app, raw, "message", create=True, fallback=client_user)
    assert editor is not None
    if raw.get("id") not in (None, message.id):
        raise input_error(f"message.id {raw.get('id')} does not match the message {message.id} in the URL")
    channel = _editable(core, message)
    inputs.reserved_error("message", ["i18n"] if "i18n" in raw else [])
    if raw.get("silent") is not None and raw.get("silent") != message.silent:
        raise input_error("message.silent field cannot be updated")
    kind = raw.get("type")
    if kind not in (None, "", message.type):
        raise input_error(f'message.type cannot be changed from "{message.type}" to "{kind}"')
    draft = content.parse_draft(core, channel, raw, server_side=client_user is None, for_update=True)
    html = draft.html
    if html is not None and html == message.html and draft.text != message.text:
        html = None  # a round-tripped html of the old text is regenerated
    pin = None
    if draft.pinned is not None:
        pin = PinChange(draft.pinned, draft.pin_expires)
    new = NewContent(
        text=draft.text, html=html, mml=draft.mml if client_user is None else message.mml,
        attachments=tuple(draft.attachments), mentioned_user_ids=tuple(draft.mentioned_user_ids),
        quoted_message_id=draft.quoted_message_id,
        show_in_channel=draft.show_in_channel if message.parent_id is not None else False,
        custom=draft.custom, pin=pin,
        restricted_visibility=draft.restricted_visibility if "restricted_visibility" in raw else message.restricted_visibility,
    )
    _apply(core, channel, message, editor.id, new, client_side=client_user is not None)
    return message


def update_partial(core: ChatCore, message: Message, body: dict[str, Any], *, client_user: str | None) -> Message:
    """§3.5: ``set``/``unset`` (dot paths into custom data), also pin/unpin."""
    app = core.app
    to_set, to_unset = inputs.parse_set_unset(body)
    editor = inputs.acting_user(app, body, None, create=True, fallback=client_user)
    assert editor is not None
    channel = _editable(core, message)
    for key in [*to_set, *to_unset]:
        top = inputs.root(key)
        if top in PARTIAL_FORBIDDEN:
            raise input_error(f"message.{top} cannot be changed with a partial update")
        if top in content.BUILTIN and key != top:
            raise input_error(f"message.{top} is not an object")
        if key in to_unset and top in content.BUILTIN and top not in UNSETTABLE_BUILTINS:
            raise input_error(f"message.{top} cannot be unset")
    now = app.clock.peek()
    text = to_set.get("text", message.text)
    custom = copy.deepcopy(message.custom)
    for key, value in to_set.items():
        if inputs.root(key) not in content.BUILTIN:
            inputs.set_path(custom, key, value)
    for key in to_unset:
        if inputs.root(key) not in content.BUILTIN:
            inputs.unset_path(custom, key)
    inputs.check_custom_size(custom, "message")
    pin: PinChange | None = None
    if "pinned" in to_set:
        pinned = inputs.flag(to_set["pinned"], "pinned")
        pin = PinChange(pinned, content.parse_pin_expires(to_set.get("pin_expires"), now) if pinned else None)
    elif "pin_expires" in to_set:
        pin = PinChange(None, content.parse_pin_expires(to_set["pin_expires"], now))
    elif "pin_expires" in to_unset:
        pin = PinChange(None, None)
    quoted = to_set.get("quoted_message_id", message.quoted_message_id)
    if "quoted_message_id" in to_unset:
        quoted = None
    html = to_set.get("html") if client_user is None else None
    new = NewContent(
        text=content.check_text(core, channel, text),
        html=inputs.string(html, "html"),
        mml=inputs.string(to_set.get("mml"), "mml") if client_user is None and "mml" in to_set else message.mml,
        attachments=(
            tuple(content.parse_attachments(to_set["attachments"])) if "attachments" in to_set else message.attachments
        ),
        mentioned_user_ids=(
            tuple(content.parse_mentions(core, to_set["mentioned_users"])) if "mentioned_users" in to_set
            else message.mentioned_user_ids
        ),
        quoted_message_id=inputs.string(quoted, "quoted_message_id"),
        show_in_channel=(
            inputs.flag(to_set["show_in_channel"], "show_in_channel") if "show_in_channel" in to_set
            else message.show_in_channel
        ) and message.parent_id is not None,
        custom=custom,
        pin=pin,
        restricted_visibility=(
            inputs.string_list(to_set["restricted_visibility"], "restricted_visibility", limit=None)
            if "restricted_visibility" in to_set else message.restricted_visibility
        ),
    )
    _apply(core, channel, message, editor.id, new, client_side=client_user is not None)
    return message


def _apply(core: ChatCore, channel: Channel, message: Message, editor_id: str, new: NewContent, *, client_side: bool) -> None:
    """Validate the new content, record history, change the message and emit ``message.updated``."""
    app = core.app
    if new.quoted_message_id not in (None, message.quoted_message_id):
        messages.check_quote(core, channel, new.quoted_message_id, render.effective_config(core, channel))
    pinning = new.pin is not None and (new.pin.pinned or (new.pin.pinned is None and message.pinned))
    if pinning and new.restricted_visibility:
        raise input_error("messages with restricted visibility cannot be pinned")
    config = render.effective_config(core, channel)
    found = app.blocklists.check(new.text, config) if client_side else None
    if found is not None and found.behavior == automod.BLOCK:
        raise APIError(400, 73, messages.BLOCKED_TEXT)
    now = app.clock.now()
    html = new.html if new.html is not None else (
        message.html if new.text == message.text else content.render_html(new.text)
    )
    changes = {
        "text": new.text != message.text,
        "html": html != message.html,
        "mml": new.mml != message.mml,
        "attachments": new.attachments != message.attachments,
        "custom": new.custom != message.custom,
        "mentioned_user_ids": new.mentioned_user_ids != message.mentioned_user_ids,
        "quoted_message_id": new.quoted_message_id != message.quoted_message_id,
        "silent": False,
        "pin": False,
    }
    old_text = message.text
    if changes["text"] or changes["attachments"] or changes["custom"]:
        record_history(core, message, editor_id, now)
    if changes["text"]:
        message.message_text_updated_at = now
    message.text, message.html, message.mml = new.text, html, new.mml
    message.attachments, message.custom = new.attachments, new.custom
    message.mentioned_user_ids, message.quoted_message_id = new.mentioned_user_ids, new.quoted_message_id
    message.show_in_channel = new.show_in_channel
    message.restricted_visibility = new.restricted_visibility
    if new.pin is not None:
        changes["pin"] = _pin(message, new.pin, editor_id, now)
        if message.pinned:
            channel.note_pinned(message)
    message.updated_at = now
    if found is not None and found.behavior == automod.FLAG:
        automod.report_flag(app, message.id, found, message.text)
    core.channel_event(
        "message.updated", channel,
        message=render.render_message(core, message), user=render.user(core, editor_id),
        message_update={"old_text": old_text, "change_set": changes},
    )


def _pin(message: Message, change: PinChange, editor_id: str, now: datetime) -> bool:
    before = (message.pinned_now(now), message.pin_expires)
    if change.pinned is None:
        if message.pinned:
            message.pin_expires = change.expires
    elif change.pinned:
        if not message.pinned_now(now):
            message.pinned_at = now
            message.pinned_by_id = editor_id
        message.pinned = True
        message.pin_expires = change.expires
    else:
        message.pinned, message.pinned_at, message.pinned_by_id, message.pin_expires = False, None, None, None
    return before != (message.pinned_now(now), message.pin_expires)


def record_history(core: ChatCore, message: Message, editor_id: str, at: datetime) -> None:
    """§3.11: keep the version *before* a change, attributed to who changed it and when."""
    message.add_history(
        HistoryEntry(
            seq=core.store.next_history_seq(), message_id=message.id, updated_by_id=editor_id, updated_at=at,
            text=message.text, attachments=copy.deepcopy(list(message.attachments)), is_deleted=message.deleted,
            custom=copy.deepcopy(message.custom),
        )
    )


# -- deletion ------------------------------------------------------------------------------------


def delete(core: ChatCore, message: Message, *, hard: bool, deleted_by: str | None, emit: bool = True) -> dict[str, Any]:
    """§3.6: soft or hard delete; returns the ``type: "deleted"`` rendering."""
    app = core.app
    channel = core.channel_of(message)
    if message.pending and not hard:
        raise input_error(f"pending message {message.id} can only be hard deleted")
    if message.deleted and not hard:
        return render.render_message(core, message)
    now = app.clock.now()
    parent = core.store.messages.get(message.parent_id) if message.parent_id else None
    was_deleted, was_counted = message.deleted, not message.pending
    if not message.deleted:
        record_history(core, message, deleted_by or message.user_id, now)
        message.deleted_at = now
        message.deleted_by_id = deleted_by
        message.pinned, message.pinned_at, message.pinned_by_id, message.pin_expires = False, None, None, None
    rendered = render.render_message(core, message)
    if parent is not None and was_counted:
        if not was_deleted:
            parent.reply_count = max(0, parent.reply_count - 1)
            if not hard:
                parent.deleted_reply_count += 1
        elif hard:
            parent.deleted_reply_count = max(0, parent.deleted_reply_count - 1)
    if hard:
        channels.purge_messages(core, channel, [message])
        if parent is not None:
            parent.replies = [r for r in parent.replies if r is not message]
        channels.recompute_last_message_at(core, channel)
    reads.recount(core, channel)
    if emit:
        payload: dict[str, Any] = {"message": rendered, "hard_delete": hard}
        if deleted_by is not None:
            payload["user"] = render.user(core, deleted_by)
        core.channel_event("message.deleted", channel, **payload)
    return rendered


def undelete(core: ChatCore, message: Message, undeleted_by: str) -> Message:
    """§3.7: restore a soft-deleted message (pins are not restored)."""
    channel = core.store.channels.get(message.cid)
    if channel is None or channel.deleted:
        raise input_error(f"the channel of message {message.id} has been deleted")
    if not message.deleted:
        raise input_error(f"message {message.id} is not deleted")
    parent = core.store.messages.get(message.parent_id) if message.parent_id else None
    if message.parent_id is not None and (parent is None or parent.deleted):
        raise input_error(f"the parent message {message.parent_id} is deleted")
    message.deleted_at, message.deleted_by_id, message.deleted_with_user = None, None, False
    message.updated_at = core.app.clock.now()
    if parent is not None:
        parent.reply_count += 1
        parent.deleted_reply_count = max(0, parent.deleted_reply_count - 1)
    reads.recount(core, channel)
    core.channel_event(
        "message.undeleted", channel, message=render.render_message(core, message), user=render.user(core, undeleted_by)
    )
    return message


# -- pending messages, translations and actions --------------------------------------------------


def commit(core: ChatCore, message: Message) -> Message:
    if not message.pending:
        raise input_error(f"message {message.id} is not pending")
    channel = core.channel_of(message)
    message.pending = False
    message.pending_metadata = None
    messages.publish(core, channel, message, keep_hidden=False)
    core.channel_event("message.updated", channel, message=render.render_message(core, message))
    return message


def translate(core: ChatCore, message: Message, language: object) -> Message:
    """§3.8 with a deterministic stand-in translation (§9 Q17)."""
    if not isinstance(language, str) or language not in LANGUAGES:
        raise input_error(f"language must be one of [{' '.join(sorted(LANGUAGES))}]")
    channel = core.channel_of(message)
    author = core.app.users.get(message.user_id)
    source = (author.language if author is not None else "") or "en"
    i18n = dict(message.i18n or {})
    i18n["language"] = source
    i18n[f"{source}_text"] = message.text
    if len(message.text) <= MAX_TRANSLATED_LENGTH:
        i18n[f"{language}_text"] = message.text if language == source else f"[{language}] {message.text}"
    message.i18n = i18n
    message.updated_at = core.app.clock.now()
    core.channel_event("message.updated", channel, message=render.render_message(core, message))
    return message


def run_action(core: ChatCore, message_id: str, form_data: object, user_id: str) -> Message | None:
    """§3.9: giphy ``shuffle`` / ``send`` / ``cancel`` on an ephemeral preview."""
    if not isinstance(form_data, dict) or not form_data or not all(isinstance(v, str) for v in form_data.values()):
        raise input_error("form_data is a required field (a map of strings)")
    preview = core.store.ephemeral.get(message_id)
    if preview is None:
        stored = core.store.messages.get(message_id)
        if stored is None:
            raise not_found(f"message with id {message_id} not found")
        if stored.command is not None and stored.command in core.app.commands.custom:
            return _run_custom_action(core, stored, form_data, user_id)
        raise input_error(f"message {message_id} has no actions to run")
    if preview.user_id != user_id:
        raise input_error(f"message {message_id} belongs to another user")
    action = form_data.get("image_action")
    channel = core.store.channels.get(preview.cid)
    if channel is None or channel.deleted:
        raise not_found(f"message with id {message_id} not found")
    query = preview.giphy_query or ""
    if action == "shuffle":
        preview.giphy_index += 1
        preview.attachments = (commands.giphy_attachment(query, preview.giphy_index, with_actions=True),)
        preview.updated_at = core.app.clock.now()
        return preview
    if action == "cancel":
        del core.store.ephemeral[message_id]
        return None
    if action != "send":
        raise input_error(f'unsupported image_action "{action}" (expected send, shuffle or cancel)')
    del core.store.ephemeral[message_id]
    now = core.app.clock.now()
    preview.type = "regular"
    preview.created_at = preview.updated_at = now
    preview.attachments = (commands.giphy_attachment(query, preview.giphy_index, with_actions=False),)
    preview.shadowed = bans.is_shadow_banned(core, user_id, channel.cid)
    messages.store(core, channel, preview, None)
    messages.publish(core, channel, preview, keep_hidden=False)
    return preview


def _run_custom_action(core: ChatCore, message: Message, form_data: dict[str, Any], user_id: str) -> Message:
    """Attachment actions on a custom command's message go to the app's command handler
    (§3.9, §8.7); a rewrite updates the stored message, a rejection answers an error message."""
    app = core.app
    channel = core.channel_of(message)
    verdict = app.outbound.run_custom_command(
        render.render_message(core, message),
        app.users.render_id(user_id),
        form_data,
        channel=render.render_channel(core, channel),
        command=message.command,
    )
    if verdict.action == "reject":
        now = app.clock.now()
        text = verdict.error_text or f"/{message.command} failed"
        return Message(
            id=message.id, cid=message.cid, user_id=user_id, created_at=now, updated_at=now,
            text=text, html=content.render_html(text), type="error",
        )
    if verdict.action == "rewrite":
        changes = verdict.changes
        if isinstance(changes.get("text"), str):
            message.text = changes["text"]
            message.html = content.render_html(message.text)
        if isinstance(changes.get("attachments"), list):
            message.attachments = tuple(a for a in changes["attachments"] if isinstance(a, dict))
        for key, value in changes.items():
            if key not in ("text", "attachments", "i18n", "show_in_channel", "silent", "type"):
                message.custom[key] = value
        message.updated_at = app.clock.now()
        core.channel_event("message.updated", channel, message=render.render_message(core, message))
    return message
