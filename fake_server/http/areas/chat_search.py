"""GET /search (§5)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.chat import search
from fake_server.http.areas.chat_common import core, viewer
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("GET", "/search", "Search")
def search_messages(ctx: RequestContext) -> dict[str, Any]:
    payload = ctx.payload()
    return search.search(core(ctx), payload, viewer(ctx, payload))


ROUTES: list[Route] = [search_messages]
