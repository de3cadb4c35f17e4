"""Devices: POST/GET/DELETE /devices (users-app §2.1-§2.3)."""

from __future__ import annotations

from typing import Any

from fake_server.domain.errors import input_error
from fake_server.domain.mod_common import acting_user_id
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


def _owner(ctx: RequestContext, holder: dict[str, Any]) -> str:
    # Server-side calls name the owner; a user token manages only its own devices.
    owner = acting_user_id(holder, ctx.actor)
    assert owner is not None
    return owner


@route("POST", "/devices", "CreateDevice")
def create_device(ctx: RequestContext) -> dict[str, Any]:
    body = ctx.body()
    ctx.app.push.add_device(
        _owner(ctx, body),
        body.get("id"),
        body.get("push_provider"),
        body.get("push_provider_name"),
        body.get("voip_token"),
    )
    return {}


@route("GET", "/devices", "ListDevices")
def list_devices(ctx: RequestContext) -> dict[str, Any]:
    user_id = _owner(ctx, {"user_id": ctx.query_str("user_id")})
    return {"devices": ctx.app.push.devices_of(user_id)}


@route("DELETE", "/devices", "DeleteDevice")
def delete_device(ctx: RequestContext) -> dict[str, Any]:
    device_id = ctx.query_str("id")
    if device_id is None:
        raise input_error("id is a required query parameter", id="is required")
    user_id = _owner(ctx, {"user_id": ctx.query_str("user_id")})
    ctx.app.push.delete_device(user_id, device_id)
    return {}


ROUTES: list[Route] = [create_device, list_devices, delete_device]
