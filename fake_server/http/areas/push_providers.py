"""Push providers: POST/GET /push_providers, DELETE /push_providers/{type}/{name}
(users-app §2.4-§2.6). Server-side only."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/push_providers", "UpsertPushProvider", server_only=True)
def upsert_push_provider(ctx: RequestContext) -> dict[str, Any]:
    push = ctx.app.push
    provider = push.upsert_provider(ctx.body().get("push_provider"))
    return {"push_provider": push.render_provider(provider)}


@route("GET", "/push_providers", "ListPushProviders", server_only=True)
def list_push_providers(ctx: RequestContext) -> dict[str, Any]:
    return {"push_providers": ctx.app.push.providers()}


@route("DELETE", "/push_providers/{provider_type}/{name}", "DeletePushProvider", server_only=True)
def delete_push_provider(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.push.delete_provider(ctx.params["provider_type"], ctx.params["name"])
    return {}


ROUTES: list[Route] = [upsert_push_provider, list_push_providers, delete_push_provider]
