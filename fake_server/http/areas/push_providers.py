"""Push providers: POST/GET /push_providers, DELETE /push_providers/{type}/{name}
(users-app §2.4-§2.6). Server-side only."""

from __future__ import annotations

from typing import Any

from fake_server.domain.mod_common import require_server
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/push_providers", "UpsertPushProvider")
def upsert_push_provider(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx.actor, "UpsertPushProvider")
    push = ctx.app.push
    provider = push.upsert_provider(ctx.body().get("push_provider"))
    return {"push_provider": push.render_provider(provider)}


@route("GET", "/push_providers", "ListPushProviders")
def list_push_providers(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx.actor, "ListPushProviders")
    return {"push_providers": ctx.app.push.providers()}


@route("DELETE", "/push_providers/{provider_type}/{name}", "DeletePushProvider")
def delete_push_provider(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx.actor, "DeletePushProvider")
    ctx.app.push.delete_provider(ctx.params["provider_type"], ctx.params["name"])
    return {}


ROUTES: list[Route] = [upsert_push_provider, list_push_providers, delete_push_provider]
