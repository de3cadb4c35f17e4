"""Channel endpoints (§2.1-2.9, 2.11): get-or-create, update, delete, truncate, query, hide/show."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import (
    channel_query,
    channels,
    content,
    inputs,
    listing,
    members,
    messages,
    render,
)
from fake_server.domain.chat.models import Message
from fake_server.domain.errors import input_error
from fake_server.http.areas.chat_common import (
    acting,
    channel,
    client_user,
    core,
    state_options,
    viewer,
)
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


def _get_or_create(ctx: RequestContext, channel_id: str | None) -> dict[str, Any]:
    chat = core(ctx)
    body = ctx.body()
    channel_type = ctx.params["type"]
    ctx.app.channel_types.require(channel_type)
    data = inputs.obj(body.get("data"), "data")
    options = state_options(ctx, body)
    context_user = viewer(ctx, body)
    resolved, distinct = channels.resolve_id(channel_id, data)
    found = chat.store.channels.get(f"{channel_type}:{resolved}")
    if found is None or found.deleted:
        found = channels.create_channel(
            chat, channel_type, resolved, data, distinct_members=distinct, client_user=client_user(ctx),
            hide_for_creator=inputs.flag(body.get("hide_for_creator"), "hide_for_creator"),
        )
    # watch/presence are ignored here (§9 Q21); state=false returns the same shape (§9 Q8).
    return listing.channel_state(chat, found, context_user, options)


@route("POST", "/channels/{type}/{id}/query", "GetOrCreateChannel")
def get_or_create_channel(ctx: RequestContext) -> dict[str, Any]:
    return _get_or_create(ctx, ctx.params["id"])


@route("POST", "/channels/{type}/query", "GetOrCreateDistinctChannel")
def get_or_create_distinct_channel(ctx: RequestContext) -> dict[str, Any]:
    return _get_or_create(ctx, None)


def _channel_and_members(ctx: RequestContext, target: Any) -> dict[str, Any]:
    chat = core(ctx)
    return {
        "channel": render.render_channel(chat, target),
        "members": [render.render_member(chat, target, m) for m in render.sorted_members(target)],
    }


def _precheck_message(ctx: RequestContext, target: Any, raw: dict[str, Any]) -> None:
    """Validate an operation's optional message before the operation changes anything."""
    chat = core(ctx)
    content.parse_draft(chat, target, raw, server_side=client_user(ctx) is None, for_update=False)
    content.check_new_id(chat, raw.get("id"))


@route("POST", "/channels/{type}/{id}", "UpdateChannel")
def update_channel(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    update = members.parse_update(chat, ctx.body(), client_user(ctx))
    members.validate_update(chat, target, update)
    if update.message is not None:
        _precheck_message(ctx, target, update.message)
    answered = members.apply_update(chat, target, update)
    posted: Message | None = None
    if update.message is not None and answered:
        posted = messages.post_operation_message(chat, target, update.message, client_user=client_user(ctx))
    if update.changes_channel:
        channels.updated_event(chat, target, update.actor.id if update.actor else None, posted)
    out = _channel_and_members(ctx, target)
    if posted is not None:
        out["message"] = render.render_message(chat, posted)
    return out


@route("PATCH", "/channels/{type}/{id}", "UpdateChannelPartial")
def update_channel_partial(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    body = ctx.body()
    actor = acting(ctx, body, required=False)
    to_set, to_unset = inputs.parse_set_unset(body)
    channels.partial_update(chat, target, to_set, to_unset)
    channels.updated_event(chat, target, actor.id if actor else None)
    return _channel_and_members(ctx, target)


@route("DELETE", "/channels/{type}/{id}", "DeleteChannel")
def delete_channel(ctx: RequestContext) -> dict[str, Any]:
    target = channel(ctx)
    return {"channel": channels.delete_channel(core(ctx), target, hard=ctx.query_bool("hard_delete"))}


@route("POST", "/channels/delete", "DeleteChannels")
def delete_channels(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body()
    hard = inputs.flag(body.get("hard_delete"), "hard_delete")
    return {"task_id": channels.delete_many(core(ctx), body.get("cids"), hard=hard)}


@route("POST", "/channels/{type}/{id}/truncate", "TruncateChannel")
def truncate_channel(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    body = ctx.body()
    actor = acting(ctx, body, required=False)
    raw_message = body.get("message")
    if raw_message is not None:
        raw_message = inputs.obj(raw_message, "message")
        if raw_message.get("user") is None and raw_message.get("user_id") is None and client_user(ctx) is None:
            raise input_error("either message.user or message.user_id must be provided when using server side auth.")
        if raw_message.get("restricted_visibility"):
            raise input_error("the truncation message cannot have restricted visibility")
        _precheck_message(ctx, target, raw_message)
    channels.truncate(
        chat, target, hard=inputs.flag(body.get("hard_delete"), "hard_delete"),
        truncated_at=body.get("truncated_at"), actor=actor.id if actor else None,
    )
    rendered = render.render_channel(chat, target)
    payload: dict[str, Any] = {"channel": rendered}
    if actor is not None:
        payload["user"] = render.user(chat, actor.id)
    chat.channel_event("channel.truncated", target, **payload)
    chat.channel_event("notification.channel_truncated", target, **payload)
    out: dict[str, Any] = {}
    if raw_message is not None:
        posted = messages.post_operation_message(chat, target, raw_message, client_user=client_user(ctx))
        out["message"] = render.render_message(chat, posted)
    out["channel"] = render.render_channel(chat, target)
    return out


@route("POST", "/channels", "QueryChannels")
def query_channels(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    body = ctx.body()
    query = channel_query.parse_query(chat, body, viewer(ctx, body), server_side=ctx.actor.server)
    return {"channels": channel_query.query_channels(chat, query)}


@route("POST", "/channels/{type}/{id}/hide", "HideChannel")
def hide_channel(ctx: RequestContext) -> dict[str, Any]:
    target = channel(ctx)
    body = ctx.body()
    actor = acting(ctx, body)
    assert actor is not None
    members.hide(core(ctx), target, actor.id, clear_history=inputs.flag(body.get("clear_history"), "clear_history"))
    return {}


@route("POST", "/channels/{type}/{id}/show", "ShowChannel")
def show_channel(ctx: RequestContext) -> dict[str, Any]:
    target = channel(ctx)
    actor = acting(ctx, ctx.body())
    assert actor is not None
    members.show(core(ctx), target, actor.id)
    return {}


ROUTES: list[Route] = [
    get_or_create_channel,
    get_or_create_distinct_channel,
    update_channel,
    update_channel_partial,
    delete_channel,
    delete_channels,
    truncate_channel,
    query_channels,
    hide_channel,
    show_channel,
]
