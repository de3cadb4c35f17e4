"""Read state (§6, §2.10) and unread counts (users-app §9)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import inputs, reads
from fake_server.domain.errors import input_error
from fake_server.http.areas.chat_common import acting, channel, client_user, core
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route

MAX_BATCH_USERS = 100


@route("POST", "/channels/{type}/{id}/read", "MarkRead")
def mark_read(ctx: RequestContext) -> dict[str, Any]:
    target = channel(ctx)
    body = ctx.body()
    user = acting(ctx, body)
    assert user is not None
    event = reads.mark_read(
        core(ctx), target, user.id,
        message_id=inputs.string(body.get("message_id"), "message_id"),
        thread_id=inputs.string(body.get("thread_id"), "thread_id"),
    )
    return {"event": event}


@route("POST", "/channels/{type}/{id}/unread", "MarkUnread")
def mark_unread(ctx: RequestContext) -> dict[str, Any]:
    target = channel(ctx)
    body = ctx.body()
    user = acting(ctx, body)
    assert user is not None
    reads.mark_unread(
        core(ctx), target, user.id,
        message_id=inputs.string(body.get("message_id"), "message_id"),
        thread_id=inputs.string(body.get("thread_id"), "thread_id"),
    )
    return {}


@route("POST", "/channels/read", "MarkChannelsRead")
def mark_all_read(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body()
    user = acting(ctx, body)
    assert user is not None
    by_channel = body.get("read_by_channel")
    if by_channel is not None and not isinstance(by_channel, dict):
        raise input_error('expected object for field "read_by_channel"')
    reads.mark_all_read(core(ctx), user.id, by_channel)
    return {}


@route("GET", "/unread", "UnreadCounts")
def unread_counts(ctx: RequestContext) -> dict[str, Any]:
    user_id = ctx.query_str("user_id") or client_user(ctx)
    user = ctx.app.users.require(user_id)
    return reads.unread_counts(core(ctx), user.id)


@route("POST", "/unread_batch", "UnreadCountsBatch")
def unread_counts_batch(ctx: RequestContext) -> dict[str, Any]:
    user_ids = ctx.body().get("user_ids")
    if not isinstance(user_ids, list) or not user_ids or not all(isinstance(u, str) for u in user_ids):
        raise input_error("user_ids is a required field (1 to 100 user ids)", user_ids="is required")
    if len(user_ids) > MAX_BATCH_USERS:
        raise input_error(f"user_ids accepts at most {MAX_BATCH_USERS} users")
    chat = core(ctx)
    return {
        "counts_by_user": {
            uid: reads.unread_counts(chat, uid) for uid in dict.fromkeys(user_ids) if ctx.app.users.get(uid) is not None
        }
    }


ROUTES: list[Route] = [mark_read, mark_unread, mark_all_read, unread_counts, unread_counts_batch]
