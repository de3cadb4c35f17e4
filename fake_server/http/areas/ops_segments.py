"""Segments (endpoints-moderation-tasks §5): CRUD, queries and targets. Server-side only."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/segments", "CreateSegment", server_only=True)
def create_segment(ctx: RequestContext) -> dict[str, Any]:
    segments = ctx.app.campaigns.segments
    return {"segment": segments.render(segments.create(ctx.body()))}


@route("POST", "/segments/query", "QuerySegments", server_only=True)
def query_segments(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.segments.query(ctx.body())


@route("GET", "/segments/{segment_id}", "GetSegment", server_only=True)
def get_segment(ctx: RequestContext) -> dict[str, Any]:
    segments = ctx.app.campaigns.segments
    return {"segment": segments.render(segments.require(ctx.params["segment_id"]))}


@route("PUT", "/segments/{segment_id}", "UpdateSegment", server_only=True)
def update_segment(ctx: RequestContext) -> dict[str, Any]:
    segments = ctx.app.campaigns.segments
    return {"segment": segments.render(segments.update(ctx.params["segment_id"], ctx.body()))}


@route("DELETE", "/segments/{segment_id}", "DeleteSegment", server_only=True)
def delete_segment(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.campaigns.segments.delete(ctx.params["segment_id"])
    return {}


@route("GET", "/segments/{segment_id}/target/{target_id}", "SegmentTargetExists", server_only=True)
def segment_target_exists(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.campaigns.segments.target_exists(ctx.params["segment_id"], ctx.params["target_id"])
    return {}


@route("POST", "/segments/{segment_id}/addtargets", "AddSegmentTargets", server_only=True)
def add_segment_targets(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.campaigns.segments.add_targets(ctx.params["segment_id"], ctx.body())
    return {}


@route("POST", "/segments/{segment_id}/targets/query", "QuerySegmentTargets", server_only=True)
def query_segment_targets(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.campaigns.segments.query_targets(ctx.params["segment_id"], ctx.body())


@route("POST", "/segments/{segment_id}/deletetargets", "DeleteSegmentTargets", server_only=True)
def delete_segment_targets(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.campaigns.segments.remove_targets(ctx.params["segment_id"], ctx.body())
    return {}


ROUTES: list[Route] = [
    create_segment,
    query_segments,
    get_segment,
    update_segment,
    delete_segment,
    segment_target_exists,
    add_segment_targets,
    query_segment_targets,
    delete_segment_targets,
]
