from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from stream_chat.types.stream_response import StreamResponse


class Upload(NamedTuple):
    """A file for a multipart upload: the ``file`` part plus the uploading ``user``."""

    filename: str
    content: bytes
    content_type: str | None
    user: Mapping[str, Any]


class Request(NamedTuple):
    """What one endpoint call sends: the executor turns it into an HTTP exchange.

    ``body`` is JSON-encoded for POST/PUT/PATCH (``None`` sends ``{}``) and ignored otherwise;
    ``on_response`` lets a helper object adopt server-assigned state from the reply.
    """

    method: str
    path: str
    params: Mapping[str, Any] | None = None
    body: Any = None
    upload: Upload | None = None
    on_response: Callable[[StreamResponse], None] | None = None
