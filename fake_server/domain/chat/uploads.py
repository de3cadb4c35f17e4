"""File and image uploads of a channel (§2.17-2.18), kept in memory and served by the fake."""

from __future__ import annotations

import mimetypes
import posixpath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from fake_server.domain.chat import render
from fake_server.domain.chat.models import Channel, Upload
from fake_server.domain.errors import feature_disabled, input_error, payload_too_big
from fake_server.domain.ids import new_id

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

DEFAULT_SIZE_LIMIT = 100 * 1024 * 1024
IMAGE_TYPES = frozenset(
    {
        "image/bmp", "image/gif", "image/jpeg", "image/png", "image/webp", "image/heic",
        "image/heic-sequence", "image/heif", "image/heif-sequence", "image/svg+xml",
    }
)
PREFIX = "uploads"


def _extension(name: str) -> str:
    return posixpath.splitext(name)[1].lower().lstrip(".")


def _normalized(values: object) -> set[str]:
    if not isinstance(values, list):
        return set()
    return {str(v).lower().lstrip(".") for v in values if isinstance(v, str) and v}


def _check_config(config: dict[str, Any], name: str, content_type: str, size: int) -> None:
    extension = _extension(name)
    allowed_ext = _normalized(config.get("allowed_file_extensions"))
    blocked_ext = _normalized(config.get("blocked_file_extensions"))
    if (allowed_ext and extension not in allowed_ext) or extension in blocked_ext:
        raise input_error(f"File extension .{extension} is not supported")
    allowed_mime = _normalized(config.get("allowed_mime_types"))
    blocked_mime = _normalized(config.get("blocked_mime_types"))
    mime = content_type.lower()
    if (allowed_mime and mime not in allowed_mime) or mime in blocked_mime:
        raise input_error(f"File type {content_type} is not supported")
    limit = config.get("size_limit") or DEFAULT_SIZE_LIMIT
    if isinstance(limit, int) and size > limit:
        raise payload_too_big(f"file is too large: {size} bytes, the limit is {limit} bytes")


def upload(
    core: ChatCore,
    channel: Channel,
    kind: str,
    *,
    name: str,
    content_type: str | None,
    data: bytes,
    user_id: str,
    base_url: str,
) -> str:
    """Store the bytes and return their URL on the fake itself."""
    if not render.effective_config(core, channel).get("uploads", True):
        raise feature_disabled(f"channel type {channel.type} has upload disabled")
    name = posixpath.basename(name.replace("\\", "/")) or "file"
    mime = (content_type or "").split(";")[0].strip() or mimetypes.guess_type(name)[0] or "application/octet-stream"
    if kind == "image" and mime.lower() not in IMAGE_TYPES:
        raise input_error(f"File type {mime} is not supported")
    settings_key = "image_upload_config" if kind == "image" else "file_upload_config"
    config = core.app.settings.get(settings_key) or {}
    _check_config(config if isinstance(config, dict) else {}, name, mime, len(data))
    upload_id = new_id()
    channel.uploads[upload_id] = Upload(
        upload_id=upload_id, cid=channel.cid, kind=kind, name=name, content_type=mime, data=data,
        user_id=user_id, created_at=core.app.clock.now(),
    )
    return url_for(core, channel, upload_id, name, base_url)


def url_for(core: ChatCore, channel: Channel, upload_id: str, name: str, base_url: str) -> str:
    parts = (PREFIX, core.app.api_key, channel.type, channel.id, upload_id, name)
    return base_url.rstrip("/") + "/" + "/".join(quote(part, safe="") for part in parts)


def _upload_id(url: str) -> str | None:
    segments = [unquote(s) for s in urlsplit(url).path.split("/") if s]
    if len(segments) >= 6 and segments[-6] == PREFIX:
        return segments[-2]
    return None


def delete(core: ChatCore, channel: Channel, kind: str, url: object) -> None:
    """Forget an uploaded file; unknown URLs are a no-op (§2.18)."""
    if not isinstance(url, str) or not url:
        raise input_error("url is a required field", url="is required")
    upload_id = _upload_id(url)
    stored = channel.uploads.get(upload_id or "")
    if stored is not None and stored.kind == kind:
        del channel.uploads[stored.upload_id]


def fetch(core: ChatCore, channel_type: str, channel_id: str, upload_id: str) -> Upload | None:
    channel = core.store.channels.get(f"{channel_type}:{channel_id}")
    if channel is None or channel.deleted:
        return None
    return channel.uploads.get(upload_id)
