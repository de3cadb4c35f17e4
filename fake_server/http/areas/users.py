"""Users: upsert, partial update, query, delete, restore, (de)activate, export, guests,
custom user events (endpoints-users-app §1). Thin: parsing lives in the domain."""

from __future__ import annotations

from typing import Any

from fake_server.domain import user_ops
from fake_server.domain.errors import input_error
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/users", "UpdateUsers")
def upsert_users(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.upsert_users(ctx.app, ctx.body())


@route("PATCH", "/users", "UpdateUsersPartial")
def update_users_partial(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.update_users_partial(ctx.app, ctx.body())


@route("GET", "/users", "QueryUsers")
def query_users(ctx: RequestContext) -> dict[str, Any]:
    if "payload" not in ctx.query:
        raise input_error("payload is a required query parameter", payload="is required")
    return user_ops.query_users(ctx.app, ctx.payload(), ctx.actor)


@route("DELETE", "/users/{user_id}", "DeleteUser")
def delete_user(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.delete_user(
        ctx.app,
        ctx.params["user_id"],
        mark_messages_deleted=ctx.query_bool("mark_messages_deleted"),
        hard_delete=ctx.query_bool("hard_delete"),
        delete_conversation_channels=ctx.query_bool("delete_conversation_channels"),
        new_channel_owner_id=ctx.query_str("new_channel_owner_id"),
    )


@route("POST", "/users/delete", "DeleteUsers")
def delete_users(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.delete_users(ctx.app, ctx.body())


@route("POST", "/users/restore", "RestoreUsers")
def restore_users(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.restore_users(ctx.app, ctx.body())


@route("POST", "/users/{user_id}/deactivate", "DeactivateUser")
def deactivate_user(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.deactivate_user(ctx.app, ctx.params["user_id"], ctx.body())


@route("POST", "/users/{user_id}/reactivate", "ReactivateUser")
def reactivate_user(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.reactivate_user(ctx.app, ctx.params["user_id"], ctx.body())


@route("POST", "/users/deactivate", "DeactivateUsers")
def deactivate_users(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.deactivate_users(ctx.app, ctx.body())


@route("POST", "/users/reactivate", "ReactivateUsers")
def reactivate_users(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.reactivate_users(ctx.app, ctx.body())


@route("GET", "/users/{user_id}/export", "ExportUser")
def export_user(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.export_user(ctx.app, ctx.params["user_id"])


@route("POST", "/guest", "CreateGuest")
def create_guest(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.create_guest(ctx.app, ctx.body())


@route("POST", "/users/{user_id}/event", "SendUserCustomEvent")
def send_user_custom_event(ctx: RequestContext) -> dict[str, Any]:
    return user_ops.send_user_custom_event(ctx.app, ctx.params["user_id"], ctx.body(), ctx.actor)


ROUTES: list[Route] = [
    upsert_users,
    update_users_partial,
    query_users,
    delete_user,
    delete_users,
    restore_users,
    deactivate_user,
    reactivate_user,
    deactivate_users,
    reactivate_users,
    export_user,
    create_guest,
    send_user_custom_event,
]
