"""Custom slash commands: POST/GET /commands, GET/PUT/DELETE /commands/{name} (endpoints §5)."""

from __future__ import annotations

from typing import Any

from fake_server.domain import config_commands as commands
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/commands", "CreateCommand", server_only=True)
def create_command(ctx: RequestContext) -> dict[str, Any]:
    return {"command": commands.create_command(ctx.app, ctx.body()).render()}


@route("GET", "/commands", "ListCommands", server_only=True)
def list_commands(ctx: RequestContext) -> dict[str, Any]:
    registry = ctx.app.commands
    listed = [registry.get(name) for name in registry.names()]
    return {"commands": [command for command in listed if command is not None]}


@route("GET", "/commands/{name}", "GetCommand", server_only=True)
def get_command(ctx: RequestContext) -> dict[str, Any]:
    # The Command fields at the top level, not wrapped in "command" (§5.3).
    return commands.require_command(ctx.app, ctx.params["name"])


@route("PUT", "/commands/{name}", "UpdateCommand", server_only=True)
def update_command(ctx: RequestContext) -> dict[str, Any]:
    return {"command": commands.update_command(ctx.app, ctx.params["name"], ctx.body()).render()}


@route("DELETE", "/commands/{name}", "DeleteCommand", server_only=True)
def delete_command(ctx: RequestContext) -> dict[str, Any]:
    name = ctx.params["name"]
    commands.delete_command(ctx.app, name)
    return {"name": name}


ROUTES: list[Route] = [create_command, list_commands, get_command, update_command, delete_command]
