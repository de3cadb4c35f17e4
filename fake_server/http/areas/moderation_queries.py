"""GET /query_banned_users (moderation §2.3). Bans themselves are served by the chat core."""

from __future__ import annotations

from typing import Any

from fake_server.domain import mod_bans
from fake_server.domain.errors import input_error
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("GET", "/query_banned_users", "QueryBannedUsers")
def query_banned_users(ctx: RequestContext) -> dict[str, Any]:
    if "payload" not in ctx.query:
        raise input_error("payload is a required query parameter", payload="is required")
    return mod_bans.query_banned_users(ctx.app, ctx.payload())


ROUTES: list[Route] = [query_banned_users]
