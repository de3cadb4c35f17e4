"""Permissions and roles: /permissions, /permissions/{id}, /roles, /roles/{name} (endpoints §6)."""

from __future__ import annotations

from typing import Any

from fake_server.http.areas.config_common import require_server
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("GET", "/permissions", "ListPermissions")
def list_permissions(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    return {"permissions": [p.render() for p in ctx.app.access.permissions()]}


@route("GET", "/permissions/{id}", "GetPermission")
def get_permission(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    return {"permission": ctx.app.access.require_permission(ctx.params["id"]).render()}


@route("POST", "/permissions", "CreatePermission")
def create_permission(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    ctx.app.access.create_permission(ctx.body())
    return {}


@route("PUT", "/permissions/{id}", "UpdatePermission")
def update_permission(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    ctx.app.access.update_permission(ctx.params["id"], ctx.body())
    return {}


@route("DELETE", "/permissions/{id}", "DeletePermission")
def delete_permission(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    ctx.app.access.delete_permission(ctx.params["id"])
    return {}


@route("POST", "/roles", "CreateRole")
def create_role(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    access = ctx.app.access
    return {"role": access.render_role(access.create_role(ctx.body().get("name")))}


@route("GET", "/roles", "ListRoles")
def list_roles(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    access = ctx.app.access
    return {"roles": [access.render_role(role) for role in access.roles()]}


@route("DELETE", "/roles/{name}", "DeleteRole")
def delete_role(ctx: RequestContext) -> dict[str, Any]:
    require_server(ctx)
    ctx.app.access.delete_role(ctx.params["name"])
    return {}


ROUTES: list[Route] = [
    list_permissions,
    get_permission,
    create_permission,
    update_permission,
    delete_permission,
    create_role,
    list_roles,
    delete_role,
]
