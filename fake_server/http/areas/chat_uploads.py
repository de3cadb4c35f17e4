"""Uploads (§2.17-2.18): multipart parsing, storage, deletion, and the public download route."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from fake_server.domain.chat import uploads
from fake_server.domain.errors import input_error, not_found
from fake_server.http.areas.chat_common import channel, client_user, core
from fake_server.http.context import RawResponse, RequestContext
from fake_server.http.routing import Route, route

_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')


@dataclass(slots=True)
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytes


def _params(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in _PARAM.findall(header):
        value = value.strip()
        if value.startswith('"') and value.endswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        found[key.lower()] = value
    return found


def parse_multipart(content_type: str, body: bytes) -> list[Part]:
    """Split a ``multipart/form-data`` body into its parts (RFC 7578), bytes kept exact."""
    if not content_type.lower().startswith("multipart/form-data"):
        raise input_error("expected a multipart/form-data request with a file part")
    boundary = _params(content_type).get("boundary")
    if not boundary:
        raise input_error("multipart request without a boundary")
    delimiter = b"--" + boundary.encode("latin-1")
    parts: list[Part] = []
    for chunk in body.split(delimiter)[1:]:
        if chunk.startswith(b"--"):
            break
        chunk = chunk[2:] if chunk.startswith(b"\r\n") else chunk.lstrip(b"\n")
        head, separator, data = chunk.partition(b"\r\n\r\n")
        if not separator:
            continue
        if data.endswith(b"\r\n"):
            data = data[:-2]
        headers: dict[str, str] = {}
        for line in head.decode("utf-8", "replace").split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        disposition = _params(";" + headers.get("content-disposition", "").partition(";")[2])
        name = disposition.get("name")
        if name is None:
            continue
        filename = disposition.get("filename*") or disposition.get("filename")
        if filename is not None and filename.lower().startswith("utf-8''"):
            filename = unquote(filename[7:])
        parts.append(Part(name, filename, headers.get("content-type"), data))
    return parts


def _upload(ctx: RequestContext, kind: str) -> dict[str, Any]:
    chat = core(ctx)
    target = channel(ctx)
    parts = {part.name: part for part in parse_multipart(ctx.headers.get("content-type", ""), ctx.raw_body)}
    file_part = parts.get("file")
    if file_part is None:
        raise input_error("file is a required field", file="is required")
    user_id = client_user(ctx)
    user_part = parts.get("user")
    if user_part is not None:
        try:
            user_obj = json.loads(user_part.data or b"null")
        except ValueError:
            raise input_error('the "user" part must be a JSON object with an id') from None
        if not isinstance(user_obj, dict):
            raise input_error('the "user" part must be a JSON object with an id')
        user_id = ctx.app.users.ensure(user_obj).id
    if user_id is None:
        raise input_error("either user or user_id must be provided when using server side auth.")
    url = uploads.upload(
        chat, target, kind, name=file_part.filename or "file", content_type=file_part.content_type,
        data=file_part.data, user_id=user_id, base_url=ctx.base_url,
    )
    out: dict[str, Any] = {"file": url}
    if kind == "image":
        out["thumb_url"] = url
        sizes = parts.get("upload_sizes")
        if sizes is not None:
            try:
                out["upload_sizes"] = json.loads(sizes.data)
            except ValueError:
                raise input_error("upload_sizes must be a JSON array") from None
    return out


@route("POST", "/channels/{type}/{id}/file", "UploadFile")
def upload_file(ctx: RequestContext) -> dict[str, Any]:
    return _upload(ctx, "file")


@route("POST", "/channels/{type}/{id}/image", "UploadImage")
def upload_image(ctx: RequestContext) -> dict[str, Any]:
    return _upload(ctx, "image")


@route("DELETE", "/channels/{type}/{id}/file", "DeleteFile")
def delete_file(ctx: RequestContext) -> dict[str, Any]:
    uploads.delete(core(ctx), channel(ctx), "file", ctx.query_str("url"))
    return {}


@route("DELETE", "/channels/{type}/{id}/image", "DeleteImage")
def delete_image(ctx: RequestContext) -> dict[str, Any]:
    uploads.delete(core(ctx), channel(ctx), "image", ctx.query_str("url"))
    return {}


@route("GET", "/uploads/{api_key}/{type}/{id}/{upload_id}/{name*}", "DownloadUpload", public=True)
def download(ctx: RequestContext) -> RawResponse:
    """Serve stored bytes back on the fake's own URL (no api_key or token needed)."""
    app = ctx.registry.get(ctx.params["api_key"])
    if app is None:
        raise not_found("Not Found")
    with app.lock:
        stored = uploads.fetch(app.chat, ctx.params["type"], ctx.params["id"], ctx.params["upload_id"])
    if stored is None or stored.name != ctx.params["name"]:
        raise not_found("Not Found")
    return RawResponse(
        body=stored.data,
        content_type=stored.content_type,
        headers={"content-disposition": f"inline; filename*=UTF-8''{quote(stored.name, safe='')}"},
    )


ROUTES: list[Route] = [upload_file, upload_image, delete_file, delete_image, download]
