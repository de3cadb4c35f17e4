"""Channel types: POST/GET /channeltypes, GET/PUT/DELETE /channeltypes/{name} (endpoints §4)."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/channeltypes", "CreateChannelType", server_only=True)
def create_channel_type(ctx: RequestContext) -> dict[str, Any]:
    types = ctx.app.channel_types
    return types.render(types.create(ctx.body()), command_objects=False)


@route("GET", "/channeltypes", "ListChannelTypes", server_only=True)
def list_channel_types(ctx: RequestContext) -> dict[str, Any]:
    types = ctx.app.channel_types
    return {
        "channel_types": {
            name: types.render(ct, command_objects=True) for name, ct in types.by_name.items()
        }
    }


@route("GET", "/channeltypes/{name}", "GetChannelType", server_only=True)
def get_channel_type(ctx: RequestContext) -> dict[str, Any]:
    types = ctx.app.channel_types
    return types.render(types.require(ctx.params["name"]), command_objects=True)


@route("PUT", "/channeltypes/{name}", "UpdateChannelType", server_only=True)
def update_channel_type(ctx: RequestContext) -> dict[str, Any]:
    types = ctx.app.channel_types
    return types.render(types.update(ctx.params["name"], ctx.body()), command_objects=False)


@route("DELETE", "/channeltypes/{name}", "DeleteChannelType", server_only=True)
def delete_channel_type(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.channel_types.delete(ctx.params["name"])
    return {}


ROUTES: list[Route] = [
    create_channel_type,
    list_channel_types,
    get_channel_type,
    update_channel_type,
    delete_channel_type,
]
