"""GET /app and PATCH /app (endpoints-users-app §3)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.config_app import render_app_settings, update_app_settings
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("GET", "/app", "GetApp")
def get_app(ctx: RequestContext) -> dict[str, Any]:
    # Client-side SDKs read the app settings too (e.g. upload limits), so user tokens may
    # call GET /app; everything else of the configuration areas is server-side only.
    return {"app": render_app_settings(ctx.app)}


@route("PATCH", "/app", "UpdateApp", server_only=True)
def update_app(ctx: RequestContext) -> dict[str, Any]:
    update_app_settings(ctx.app, ctx.body())
    return {}


ROUTES: list[Route] = [get_app, update_app]
