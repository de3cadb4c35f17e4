"""GET /tasks/{id} and its older twin GET /export_channels/{id}."""

from __future__ import annotations

from typing import Any

from fake_server.http.context import RequestContext
from fake_server.http.routing import Route, route


@route("GET", "/tasks/{task_id}", "GetTask")
def get_task(ctx: RequestContext) -> dict[str, Any]:
    tasks = ctx.app.tasks
    return tasks.render(tasks.require(ctx.params["task_id"]))


@route("GET", "/export_channels/{task_id}", "GetExportChannelsStatus")
def get_export_channels_status(ctx: RequestContext) -> dict[str, Any]:
    tasks = ctx.app.tasks
    return tasks.render(tasks.require(ctx.params["task_id"]))


ROUTES: list[Route] = [get_task, get_export_channels_status]
