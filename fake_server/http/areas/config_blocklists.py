"""Blocklists: POST/GET /blocklists, GET/PUT/DELETE /blocklists/{name} (endpoints §7)."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/blocklists", "CreateBlockList", server_only=True)
def create_blocklist(ctx: RequestContext) -> dict[str, Any]:
    # Documented as a bare {"duration"}; the created list is added (endpoints §13.21).
    return {"blocklist": ctx.app.blocklists.create(ctx.body()).render()}


@route("GET", "/blocklists", "ListBlockLists", server_only=True)
def list_blocklists(ctx: RequestContext) -> dict[str, Any]:
    return {"blocklists": [item.render() for item in ctx.app.blocklists.all()]}


@route("GET", "/blocklists/{name}", "GetBlockList", server_only=True)
def get_blocklist(ctx: RequestContext) -> dict[str, Any]:
    return {"blocklist": ctx.app.blocklists.require(ctx.params["name"]).render()}


@route("PUT", "/blocklists/{name}", "UpdateBlockList", server_only=True)
def update_blocklist(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.blocklists.update(ctx.params["name"], ctx.body())
    return {}


@route("DELETE", "/blocklists/{name}", "DeleteBlockList", server_only=True)
def delete_blocklist(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.blocklists.delete(ctx.params["name"])
    return {}


ROUTES: list[Route] = [create_blocklist, list_blocklists, get_blocklist, update_blocklist, delete_blocklist]
