"""Integration checks: POST /check_push, /check_sqs, /check_sns (moderation §7). Server-side only."""

from __future__ import annotations

from typing import Any

from fake_server.domain import push_checks
from fake_server.domain.mod_common import require_server
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/check_push", "CheckPush")
def check_push(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx.actor, "CheckPush")
    return push_checks.check_push(ctx.app, ctx.body())


@route("POST", "/check_sqs", "CheckSQS")
def check_sqs(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx.actor, "CheckSQS")
    return push_checks.check_sqs(ctx.app, ctx.body())


@route("POST", "/check_sns", "CheckSNS")
def check_sns(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx.actor, "CheckSNS")
    return push_checks.check_sns(ctx.app, ctx.body())


ROUTES: list[Route] = [check_push, check_sqs, check_sns]
