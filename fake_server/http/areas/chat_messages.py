"""Message endpoints (§3): send, get, update, delete, undelete, translate, actions, commit,
history and thread replies."""

from __future__ import annotations

import json
from typing import Any

from fake_server.domain.chat import editing, history, inputs, listing, messages, render
from fake_server.domain.chat.models import Message
from fake_server.domain.errors import input_error, not_found
from fake_server.http.areas.chat_common import acting, channel, client_user, core
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route

MAX_GET_MANY = 50


def _message_response(ctx: RequestContext, message: Message, *, viewer: str | None = None) -> dict[str, Any]:
    return _with_metadata(message, render.render_message(core(ctx), message, viewer=viewer))


def _with_metadata(message: Message, rendered: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"message": rendered}
    if message.pending and message.pending_metadata:
        out["pending_message_metadata"] = dict(message.pending_metadata)
    return out


def _readable(ctx: RequestContext, message_id: str) -> Message:
    """A stored message the caller may read (others' pending messages are hidden from users)."""
    message = core(ctx).require_message(message_id)
    user = client_user(ctx)
    if message.pending and user is not None and user != message.user_id:
        raise not_found(f"message with id {message_id} not found")
    if user is not None and not message.visible_to(user):
        raise not_found(f"message with id {message_id} not found")
    return message


@route("POST", "/channels/{type}/{id}/message", "SendMessage")
def send_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    body = ctx.body()
    options = messages.SendOptions.parse(body)
    message = messages.send(chat, target, body.get("message"), options, client_user=client_user(ctx))
    return _with_metadata(message, messages.render_sent(chat, message, message.user_id))


@route("GET", "/messages/{message_id}", "GetMessage")
def get_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = _readable(ctx, ctx.params["message_id"])
    show_deleted = ctx.query_bool("show_deleted_message") and ctx.actor.server
    rendered = render.render_message(chat, message, viewer=client_user(ctx), show_deleted=show_deleted)
    rendered["channel"] = render.render_channel(chat, chat.channel_of(message))
    out: dict[str, Any] = {"message": rendered}
    if message.pending and message.pending_metadata:
        out["pending_message_metadata"] = dict(message.pending_metadata)
    return out


@route("GET", "/channels/{type}/{id}/messages", "GetManyMessages")
def get_many_messages(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    ids = ctx.query_list("ids")
    if not ids:
        raise input_error("ids is a required field", ids="is required")
    if len(ids) > MAX_GET_MANY:
        raise input_error(f"ids accepts at most {MAX_GET_MANY} message ids")
    user = client_user(ctx)
    found = [
        m for m in (chat.store.messages.get(i) for i in dict.fromkeys(ids))
        if m is not None and m.cid == target.cid and (user is None or (m.visible_to(user) and (not m.pending or m.user_id == user)))
    ]
    found.sort(key=lambda m: m.created_at)
    return {"messages": [render.render_message(chat, m, viewer=user) for m in found]}


@route("POST", "/messages/{message_id}", "UpdateMessage")
def update_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = chat.require_message(ctx.params["message_id"])
    body = ctx.body()
    inputs.flag(body.get("skip_enrich_url"), "skip_enrich_url")
    editing.update_full(chat, message, body.get("message"), client_user=client_user(ctx))
    return _message_response(ctx, message)


@route("PUT", "/messages/{message_id}", "UpdateMessagePartial")
def update_message_partial(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = chat.require_message(ctx.params["message_id"])
    editing.update_partial(chat, message, ctx.body(), client_user=client_user(ctx))
    return _message_response(ctx, message)


@route("DELETE", "/messages/{message_id}", "DeleteMessage")
def delete_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = chat.require_message(ctx.params["message_id"])
    deleted_by = ctx.query_str("deleted_by") if ctx.actor.server else client_user(ctx)
    if deleted_by is not None:
        ctx.app.users.require_reference(deleted_by, field="deleted_by")
    return {"message": editing.delete(chat, message, hard=ctx.query_bool("hard"), deleted_by=deleted_by)}


@route("POST", "/messages/{message_id}/undelete", "UndeleteMessage")
def undelete_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = chat.store.messages.get(ctx.params["message_id"])
    if message is None:
        raise not_found(f"message with id {ctx.params['message_id']} not found")
    body = ctx.body()
    user = ctx.app.users.require_reference(body.get("undeleted_by") or client_user(ctx), field="undeleted_by")
    editing.undelete(chat, message, user.id)
    return _message_response(ctx, message)


@route("POST", "/messages/{message_id}/translate", "TranslateMessage")
def translate_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = chat.require_message(ctx.params["message_id"])
    editing.translate(chat, message, ctx.body().get("language"))
    return _message_response(ctx, message)


@route("POST", "/messages/{message_id}/action", "RunMessageAction")
def run_message_action(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body()
    user = acting(ctx, body)
    assert user is not None
    result = editing.run_action(core(ctx), ctx.params["message_id"], body.get("form_data"), user.id)
    if result is None:
        return {"message": None}
    return _message_response(ctx, result, viewer=user.id)


@route("POST", "/messages/{message_id}/commit", "CommitMessage")
def commit_message(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    message = chat.require_message(ctx.params["message_id"])
    editing.commit(chat, message)
    return _message_response(ctx, message)


@route("POST", "/messages/history", "QueryMessageHistory")
def query_message_history(ctx: RequestContext) -> dict[str, Any]:
    return history.query_history(core(ctx), ctx.body())


def _reply_direction(raw: str | None) -> int:
    """``sort`` of get_replies: at most one ``created_at`` entry, JSON-encoded (§3.12)."""
    if raw is None:
        return 1
    try:
        spec = json.loads(raw)
    except ValueError:
        raise input_error("sort must be a JSON array of {field, direction} objects") from None
    entries = spec if isinstance(spec, list) else [spec]
    if len(entries) > 1:
        raise input_error("sort accepts at most 1 field")
    if not entries:
        return 1
    entry = entries[0]
    if not isinstance(entry, dict):
        raise input_error("sort must be a JSON array of {field, direction} objects")
    if "field" not in entry:
        entry = {"field": next(iter(entry), ""), "direction": next(iter(entry.values()), 1)}
    if entry.get("field") != "created_at" or entry.get("direction", 1) not in (1, -1):
        raise input_error("replies can only be sorted by created_at with direction 1 or -1")
    direction: int = entry.get("direction", 1)
    return direction


@route("GET", "/messages/{parent_id}/replies", "GetReplies")
def get_replies(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    parent = chat.require_message(ctx.params["parent_id"])
    target = chat.channel_of(parent)
    page = listing.MessagePage.parse(chat, dict(ctx.query), label=None)
    direction = _reply_direction(ctx.query_str("sort"))
    user = client_user(ctx)
    member = target.members.get(user) if user is not None else None
    hidden_before = member.hide_messages_before if member is not None else None

    def keep(reply: Message) -> bool:
        if reply.deleted or (reply.pending and reply.user_id != user):
            return False
        if target.truncated_at is not None and reply.created_at <= target.truncated_at:
            return False
        if user is not None:
            if hidden_before is not None and reply.created_at <= hidden_before:
                return False
            return reply.visible_to(user)
        return True

    selected = page.select(parent.replies, keep)
    if direction == -1:
        selected.reverse()
    return {"messages": [render.render_message(chat, m, viewer=user) for m in selected]}


ROUTES: list[Route] = [
    send_message,
    get_message,
    get_many_messages,
    update_message,
    update_message_partial,
    delete_message,
    undelete_message,
    translate_message,
    run_message_action,
    commit_message,
    query_message_history,
    get_replies,
]
