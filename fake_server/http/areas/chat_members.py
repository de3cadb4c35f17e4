"""Member endpoints: partial member update (§2.13), query members (§2.14)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import inputs, member_query, members, render
from fake_server.http.areas.chat_common import channel, core
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


def _update(ctx: RequestContext, user_id: str | None) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    user_id = inputs.string(user_id, "user_id", required=True)
    assert user_id is not None
    to_set, to_unset = inputs.parse_set_unset(ctx.body())
    member = members.update_member_partial(chat, target, user_id, to_set, to_unset)
    return {"channel_member": render.render_member(chat, target, member)}


@route("PATCH", "/channels/{type}/{id}/member/{user_id}", "UpdateMemberPartial")
def update_member_partial(ctx: RequestContext) -> dict[str, Any]:
    return _update(ctx, ctx.params["user_id"])


@route("PATCH", "/channels/{type}/{id}/member", "UpdateMemberPartial")
def update_member_partial_query(ctx: RequestContext) -> dict[str, Any]:
    """The later API form with ``?user_id=`` (accepted too)."""
    return _update(ctx, ctx.query_str("user_id"))


@route("GET", "/members", "QueryMembers")
def query_members(ctx: RequestContext) -> dict[str, Any]:
    return {"members": member_query.query_members(core(ctx), ctx.payload())}


ROUTES: list[Route] = [update_member_partial, update_member_partial_query, query_members]
