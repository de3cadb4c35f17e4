"""Flags and flag reports (moderation §2.7-§2.11)."""

from __future__ import annotations

from typing import Any

from fake_server.domain import mod_flags
from fake_server.domain.errors import input_error
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/moderation/flag", "Flag")
def flag(ctx: RequestContext) -> dict[str, Any]:
    return mod_flags.flag(ctx.app, ctx.body(), ctx.actor)


@route("POST", "/moderation/unflag", "Unflag")
def unflag(ctx: RequestContext) -> dict[str, Any]:
    return mod_flags.unflag(ctx.app, ctx.body(), ctx.actor)


@route("GET", "/moderation/flags/message", "QueryMessageFlags")
def query_message_flags(ctx: RequestContext) -> dict[str, Any]:
    if "payload" not in ctx.query:
        raise input_error("payload is a required query parameter", payload="is required")
    return mod_flags.query_message_flags(ctx.app, ctx.payload(), ctx.actor)


@route("POST", "/moderation/reports", "QueryFlagReports")
def query_flag_reports(ctx: RequestContext) -> dict[str, Any]:
    return mod_flags.query_flag_reports(ctx.app, ctx.body(), ctx.actor)


@route("PATCH", "/moderation/reports/{report_id}", "ReviewFlagReport")
def review_flag_report(ctx: RequestContext) -> dict[str, Any]:
    return mod_flags.review_flag_report(ctx.app, ctx.params["report_id"], ctx.body(), ctx.actor)


ROUTES: list[Route] = [flag, unflag, query_message_flags, query_flag_reports, review_flag_report]
