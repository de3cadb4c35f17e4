"""Permissions and roles: /permissions, /permissions/{id}, /roles, /roles/{name} (endpoints §6)."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("GET", "/permissions", "ListPermissions", server_only=True)
def list_permissions(ctx: RequestContext) -> dict[str, Any]:
    return {"permissions": [p.render() for p in ctx.app.access.permissions()]}


@route("GET", "/permissions/{id}", "GetPermission", server_only=True)
def get_permission(ctx: RequestContext) -> dict[str, Any]:
    return {"permission": ctx.app.access.require_permission(ctx.params["id"]).render()}


@route("POST", "/permissions", "CreatePermission", server_only=True)
def create_permission(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.access.create_permission(ctx.body())
    return {}


@route("PUT", "/permissions/{id}", "UpdatePermission", server_only=True)
def update_permission(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.access.update_permission(ctx.params["id"], ctx.body())
    return {}


@route("DELETE", "/permissions/{id}", "DeletePermission", server_only=True)
def delete_permission(ctx: RequestContext) -> dict[str, Any]:
    ctx.app.access.delete_permission(ctx.params["id"])
    return {}


@route("POST", "/roles", "CreateRole", server_only=True)
def create_role(ctx: RequestContext) -> dict[str, Any]:
    access = ctx.app.access
    return {"role": access.render_role(access.create_role(ctx.body().get("name")))}


@route("GET", "/roles", "ListRoles", server_only=True)
def list_roles(ctx: RequestContext) -> dict[str, Any]:
    access = ctx.app.access
    return {"roles": [access.render_role(role) for role in access.roles()]}


@route("DELETE", "/roles/{name}", "DeleteRole", server_only=True)
def delete_role(ctx: RequestContext) -> dict[str, Any]:
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
