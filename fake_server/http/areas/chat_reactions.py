"""Reaction endpoints (§4): send, delete, list."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import inputs, reactions, render
from fake_server.http.areas.chat_common import client_user, core
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/messages/{message_id}/reaction", "SendReaction")
def send_reaction(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    body = ctx.body()
    inputs.flag(body.get("skip_push"), "skip_push")
    message, reaction = reactions.send(
        chat, ctx.params["message_id"], body.get("reaction"),
        enforce_unique=inputs.flag(body.get("enforce_unique"), "enforce_unique"), client_user=client_user(ctx),
    )
    return {
        "message": render.render_message(chat, message, viewer=reaction.user_id),
        "reaction": render.render_reaction(chat, reaction),
    }


@route("DELETE", "/messages/{message_id}/reaction/{reaction_type}", "DeleteReaction")
def delete_reaction(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    user_id = ctx.query_str("user_id") or client_user(ctx)
    user_id = inputs.string(user_id, "user_id", required=True)
    assert user_id is not None
    message, reaction = reactions.delete(
        chat, ctx.params["message_id"], ctx.params["reaction_type"], user_id, client_user=client_user(ctx)
    )
    return {
        "message": render.render_message(chat, message, viewer=user_id),
        "reaction": render.render_reaction(chat, reaction),
    }


@route("GET", "/messages/{message_id}/reactions", "GetReactions")
def get_reactions(ctx: RequestContext) -> dict[str, Any]:
    chat = core(ctx)
    found = reactions.listing(chat, ctx.params["message_id"], ctx.query_str("limit"), ctx.query_str("offset"))
    return {"reactions": [render.render_reaction(chat, r) for r in found]}


ROUTES: list[Route] = [send_reaction, delete_reaction, get_reactions]
