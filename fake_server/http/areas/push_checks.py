"""Integration checks: POST /check_push, /check_sqs, /check_sns (moderation §7). Server-side only."""

from __future__ import annotations

from typing import Any

from fake_server.domain import push_checks
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/check_push", "CheckPush", server_only=True)
def check_push(ctx: RequestContext) -> dict[str, Any]:
    return push_checks.check_push(ctx.app, ctx.body())


@route("POST", "/check_sqs", "CheckSQS", server_only=True)
def check_sqs(ctx: RequestContext) -> dict[str, Any]:
    return push_checks.check_sqs(ctx.app, ctx.body())


@route("POST", "/check_sns", "CheckSNS", server_only=True)
def check_sns(ctx: RequestContext) -> dict[str, Any]:
    return push_checks.check_sns(ctx.app, ctx.body())


ROUTES: list[Route] = [check_push, check_sqs, check_sns]
