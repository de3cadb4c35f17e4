"""Helpers shared by the chat areas: who is asking, which channel, state options."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import ChatCore, inputs, listing
from fake_server.domain.chat.models import Channel
from fake_server.domain.query import page_offset
from fake_server.domain.users import User
from fake_server.http.context import RequestContext


def core(ctx: RequestContext) -> ChatCore:
    return ctx.app.chat


def client_user(ctx: RequestContext) -> str | None:
    """The token's user for client-side requests; None for the server (full authority)."""
    return None if ctx.actor.server else ctx.actor.user_id


def channel(ctx: RequestContext) -> Channel:
    return ctx.app.chat.require_channel(ctx.params["type"], ctx.params["id"])


def acting(ctx: RequestContext, holder: dict[str, Any], *, required: bool = True, create: bool = False) -> User | None:
    """The acting user of a request body (``user``/``user_id``), the token's user as fallback."""
    return inputs.acting_user(ctx.app, holder, None, create=create, fallback=client_user(ctx), required=required)


def viewer(ctx: RequestContext, holder: dict[str, Any]) -> str | None:
    """The user context of a read (optional)."""
    found = acting(ctx, holder, required=False)
    return found.id if found is not None else None


def state_options(ctx: RequestContext, body: dict[str, Any]) -> listing.StateOptions:
    members = inputs.obj(body.get("members"), "members")
    return listing.StateOptions(
        messages=listing.MessagePage.parse(core(ctx), inputs.obj(body.get("messages"), "messages")),
        member_limit=listing.bounded(
            members.get("limit"), "members.limit", default=listing.DEFAULT_MEMBER_LIMIT, maximum=listing.MAX_MEMBER_LIMIT
        ),
        member_offset=page_offset(members.get("offset"), name="members.offset", maximum=listing.MAX_MEMBER_OFFSET),
        watchers=body.get("watchers") is not None,
    )
