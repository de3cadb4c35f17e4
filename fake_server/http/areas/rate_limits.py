"""GET /rate_limits: the live counters of the calling app (conventions §6.5)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.ratelimits import PLATFORMS
from fake_server.http.context import RequestContext
from fake_server.http.routes import operation_names
from fake_server.http.routing import Route, route


@route("GET", "/rate_limits", "GetRateLimits")
def get_rate_limits(ctx: RequestContext) -> dict[str, Any]:
    wanted = [p for p in PLATFORMS if ctx.query_bool(p)] or list(PLATFORMS)
    endpoints = ctx.query_list("endpoints")
    limiter = ctx.app.rate_limits
    if endpoints:
        known = operation_names()
        operations = [name for name in endpoints if name in known]
    else:
        operations = sorted(operation_names())
    result: dict[str, Any] = {}
    for platform in wanted:
        result[platform] = {
            operation: {"limit": state.limit, "remaining": state.remaining, "reset": state.reset}
            for operation in operations
            for state in (limiter.peek(operation, platform),)
        }
    return result


ROUTES: list[Route] = [get_rate_limits]
