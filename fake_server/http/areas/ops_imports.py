"""Imports (endpoints-moderation-tasks §4): upload URLs, the upload itself, import tasks.

The upload URL is served by the fake: ``PUT <base_url>/_uploads/<uuid>/<filename>`` stores the
file (a public route, like a pre-signed storage URL: no api_key, no token) and ``GET`` reads
it back. Everything else is server-side only.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import not_found
from fake_server.http.context import RawResponse, RequestContext
from fake_server.http.routing import Route, route

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


@route("POST", "/import_urls", "CreateImportURL", server_only=True)
def create_import_url(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.imports.create_url(ctx.body(), ctx.base_url)


@route("POST", "/imports", "CreateImport", server_only=True)
def create_import(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.imports.create(ctx.body())


@route("GET", "/imports/{import_id}", "GetImport", server_only=True)
def get_import(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.imports.get(ctx.params["import_id"])


@route("GET", "/imports", "ListImports", server_only=True)
def list_imports(ctx: RequestContext) -> dict[str, Any]:
    return ctx.app.imports.list({key: ctx.query.get(key) for key in ("limit", "offset")})


def _owner(ctx: RequestContext, slot_id: str) -> ChatApp:
    for app in ctx.registry:
        if slot_id in app.imports.uploads:
            return app
    raise not_found("upload URL not found")


@route("PUT", "/_uploads/{upload_id}/{filename}", "UploadImportFile", public=True)
def upload_import_file(ctx: RequestContext) -> RawResponse:
    app = _owner(ctx, ctx.params["upload_id"])
    with app.lock:
        app.imports.receive_upload(
            ctx.params["upload_id"], ctx.params["filename"], ctx.raw_body, ctx.headers.get("content-type")
        )
    # Like a storage service: 200, empty body, the content MD5 as ETag.
    return RawResponse(b"", headers={"ETag": f'"{hashlib.md5(ctx.raw_body).hexdigest()}"'})


@route("GET", "/_uploads/{upload_id}/{filename}", "DownloadImportFile", public=True)
def download_import_file(ctx: RequestContext) -> RawResponse:
    app = _owner(ctx, ctx.params["upload_id"])
    with app.lock:
        slot = app.imports.uploads[ctx.params["upload_id"]]
        if slot.filename != ctx.params["filename"] or slot.content is None:
            raise not_found("nothing was uploaded to this URL")
        content, content_type = slot.content, slot.content_type
    return RawResponse(content, content_type=content_type or "application/octet-stream")


ROUTES: list[Route] = [
    create_import_url,
    create_import,
    get_import,
    list_imports,
    upload_import_file,
    download_import_file,
]
