"""httpx transports that answer from a cassette and record through a real transport.

The SDK client of a cassette test is built with ``transport=CassetteTransport(...)``: nothing
is patched globally, so other httpx clients in the process (respx, pytest-httpx, vcrpy's own
patches, the fake's in-process transports) are untouched, and replay does not pay for vcrpy's
``Request`` objects or matcher chain.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import Any, cast

import httpx

from stream_chat_testing.cassette import StreamCassette

_KEPT_EXTENSIONS = ("http_version", "reason_phrase")


def _key(cassette: StreamCassette, request: httpx.Request, body: bytes) -> Any:
    url = request.url
    return cassette.key(
        request.method,
        url.path,
        url.query.decode("ascii", "replace"),
        body,
        request.headers.get("content-type"),
    )


def _replayed(cassette: StreamCassette, interaction: Any, request: httpx.Request) -> httpx.Response:
    status, headers, body, extensions = cassette.reply_for(interaction)
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), extensions=extensions, request=request)


def _decoded(status: int, headers: httpx.Headers, raw: bytes) -> bytes:
    """The body as the client will read it (gzip/deflate/br/zstd undone, as httpx decodes)."""
    if "content-encoding" not in headers:
        return raw
    probe = httpx.Response(status, headers=headers, stream=httpx.ByteStream(raw))
    return probe.read()


def _record(
    cassette: StreamCassette, request: httpx.Request, body: bytes, response: httpx.Response, raw: bytes
) -> httpx.Response:
    reason = response.reason_phrase
    cassette.record(
        method=request.method,
        url=str(request.url),
        request_headers=request.headers.multi_items(),
        request_body=body,
        status=response.status_code,
        reason_phrase=reason,
        response_headers=response.headers.multi_items(),
        response_body=_decoded(response.status_code, response.headers, raw),
    )
    extensions = {name: response.extensions[name] for name in _KEPT_EXTENSIONS if name in response.extensions}
    return httpx.Response(
        response.status_code,
        headers=response.headers.multi_items(),
        stream=httpx.ByteStream(raw),
        extensions=extensions,
        request=request,
    )


class CassetteTransport(httpx.BaseTransport):
    """Replay from ``cassette``; record through ``target`` when the record mode allows it."""

    def __init__(self, cassette: StreamCassette, target: httpx.BaseTransport | None = None) -> None:
        self.cassette = cassette
        self.target = target

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        cassette = self.cassette
        key = _key(cassette, request, body)
        interaction = cassette.take(key)
        if interaction is not None:
            return _replayed(cassette, interaction, request)
        error = cassette.miss(key, can_reach_target=self.target is not None)
        if error is not None:
            raise error
        assert self.target is not None
        response = self.target.handle_request(request)
        try:
            # The transport's own stream, as vcrpy reads it: raw (still compressed) bytes.
            raw = b"".join(cast(Iterable[bytes], response.stream))
        finally:
            response.close()
        return _record(cassette, request, body, response, raw)

    def close(self) -> None:
        if self.target is not None:
            self.target.close()


class AsyncCassetteTransport(httpx.AsyncBaseTransport):
    """The ``httpx.AsyncClient`` twin of :class:`CassetteTransport` (same cassette, same rules)."""

    def __init__(self, cassette: StreamCassette, target: httpx.AsyncBaseTransport | None = None) -> None:
        self.cassette = cassette
        self.target = target

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        cassette = self.cassette
        key = _key(cassette, request, body)
        interaction = cassette.take(key)
        if interaction is not None:
            return _replayed(cassette, interaction, request)
        error = cassette.miss(key, can_reach_target=self.target is not None)
        if error is not None:
            raise error
        assert self.target is not None
        response = await self.target.handle_async_request(request)
        try:
            raw = b"".join([chunk async for chunk in cast(AsyncIterable[bytes], response.stream)])
        finally:
            await response.aclose()
        return _record(cassette, request, body, response, raw)

    async def aclose(self) -> None:
        if self.target is not None:
            await self.target.aclose()
