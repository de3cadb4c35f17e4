"""Exports (endpoints-moderation-tasks §3.4, §3.6) and the download of export files.

``GET /exports/{kind}/{api_key}/{filename}`` serves a finished export's file (a public route,
like a signed storage URL). The task status routes live in ``tasks.py``.
"""

from __future__ import annotations

from typing import Any

from fake_server.domain import export_tasks
from fake_server.domain.errors import not_found
from fake_server.http.context import RawResponse, RequestContext
from fake_server.http.routing import Route, route


@route("POST", "/export_channels", "ExportChannels", server_only=True)
def export_channels(ctx: RequestContext) -> dict[str, Any]:
    return export_tasks.export_channels(ctx.app, ctx.body(), ctx.base_url)


@route("POST", "/export/users", "ExportUsers", server_only=True)
def export_users(ctx: RequestContext) -> dict[str, Any]:
    return export_tasks.export_users(ctx.app, ctx.body(), ctx.base_url)


@route("GET", "/exports/{kind}/{api_key}/{filename}", "DownloadExport", public=True)
def download_export(ctx: RequestContext) -> RawResponse:
    app = ctx.registry.get(ctx.params["api_key"])
    if app is None:
        raise not_found("export file not found")
    with app.lock:
        export = app.imports.export_files.get(ctx.params["kind"], ctx.params["filename"])
    if export is None:
        raise not_found("export file not found")
    return RawResponse(
        export.content,
        content_type=export.content_type,
        headers={"Content-Disposition": f'attachment; filename="{export.filename}"'},
    )


ROUTES: list[Route] = [export_channels, export_users, download_export]
