from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from stream_chat.base.request import Request, Upload

# Sent when downloading a remote file to upload, as upstream does.
DOWNLOAD_HEADERS = {"User-Agent": "Mozilla/5.0"}


def is_remote(url: str) -> bool:
    """http(s) URLs are downloaded first; anything else is a local path."""
    return urlsplit(url).scheme in ("http", "https")


def upload_request(
    uri: str, name: str, user: Mapping[str, Any], content_type: str | None, content: bytes
) -> Request:
    return Request("POST", uri, upload=Upload(name, content, content_type, user))
