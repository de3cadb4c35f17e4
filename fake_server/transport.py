"""In-process httpx transports: route an SDK client straight into the fake, no sockets.

They derive from httpx's base transports rather than ``httpx.ASGITransport`` /
``httpx.MockTransport``, which vcrpy patches, so an active cassette never records fake traffic.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, TypeVar
from urllib.parse import unquote

import httpx

from fake_server.http.api import Incoming, Outcome, StreamAPI, parse_query

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

_T = TypeVar("_T")
_CLIENT = ("127.0.0.1", 50000)
_CONTROL_PREFIX = "/_fake"


def _targets(app: Any) -> tuple[StreamAPI | None, ASGIApp]:
    """(Stream API, whole app): a FakeStream's API is served directly, skipping ASGI."""
    api = getattr(app, "api", None)
    return (api if isinstance(api, StreamAPI) else None), app


def _incoming(request: httpx.Request, body: bytes) -> Incoming:
    url = request.url
    return Incoming(
        method=request.method,
        path=url.raw_path.split(b"?", 1)[0].decode("latin-1"),
        query=parse_query(url.query),
        headers={name.decode("latin-1").lower(): value.decode("latin-1") for name, value in request.headers.raw},
        body=body,
        base_url=f"{url.scheme}://{url.netloc.decode('latin-1')}",
    )


def _from_outcome(request: httpx.Request, outcome: Outcome) -> httpx.Response:
    status, headers, content = outcome.wire()
    return httpx.Response(status, headers=headers, content=content, request=request)


def _is_control(request: httpx.Request) -> bool:
    return request.url.raw_path.startswith(_CONTROL_PREFIX.encode())


def _scope(request: httpx.Request) -> Scope:
    url = request.url
    raw_path = url.raw_path.split(b"?", 1)[0]
    port = url.port or (443 if url.scheme == "https" else 80)
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method,
        "scheme": url.scheme,
        "path": unquote(raw_path.decode("latin-1")),
        "raw_path": raw_path,
        "query_string": url.query,
        "root_path": "",
        "headers": [(name.lower(), value) for name, value in request.headers.raw],
        "client": _CLIENT,
        "server": (url.host, port),
    }


async def _call(app: ASGIApp, scope: Scope, body: bytes) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    sent_body = False
    status = 500
    headers: list[tuple[bytes, bytes]] = []
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if sent_body:
            return {"type": "http.disconnect"}
        sent_body = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = message["status"]
            headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, headers, b"".join(chunks)


def _response(request: httpx.Request, result: tuple[int, list[tuple[bytes, bytes]], bytes]) -> httpx.Response:
    status, headers, content = result
    return httpx.Response(status, headers=headers, content=content, request=request)


class AsyncFakeTransport(httpx.AsyncBaseTransport):
    """Serve an ``httpx.AsyncClient``'s requests from the fake on the caller's event loop."""

    def __init__(self, app: Any) -> None:
        self._api, self._app = _targets(app)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if self._api is not None and not _is_control(request):
            return _from_outcome(request, await self._api.serve(_incoming(request, body)))
        return _response(request, await _call(self._app, _scope(request), body))


class FakeTransport(httpx.BaseTransport):
    """Serve an ``httpx.Client``'s requests from the fake, in the calling thread.

    A request is served synchronously when nothing in it has to wait — nearly always, and
    cheaper than any event loop. One that must wait (injected latency, an app hook) and the
    control plane run on an event loop kept per calling thread; only when the caller is itself
    inside a running loop (sync SDK used from async code) do they go to a background loop
    thread, because a running loop cannot be re-entered.
    """

    def __init__(self, app: Any) -> None:
        self._api, self._app = _targets(app)
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._background: list[asyncio.AbstractEventLoop] = []  # at most one, started lazily
        self._background_lock = threading.Lock()
        # Release the loops even when the client is never closed, so nothing leaks.
        self._finalizer = weakref.finalize(self, _release, self._loops, self._background)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        if self._api is not None and not _is_control(request):
            step = self._api.serve_now(_incoming(request, body))
            if isinstance(step, Outcome):
                return _from_outcome(request, step)
            # This request must wait (injected latency, a hook): finish it on a loop.
            return _from_outcome(request, self._run(self._api.finish(step)))
        return _response(request, self._run(_call(self._app, _scope(request), body)))

    def _run(self, coroutine: Coroutine[Any, Any, _T]) -> _T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._thread_loop().run_until_complete(coroutine)
        return asyncio.run_coroutine_threadsafe(coroutine, self._background_loop()).result()

    def _thread_loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = asyncio.new_event_loop()
            self._local.loop = loop
            self._loops.append(loop)
        return loop

    def _background_loop(self) -> asyncio.AbstractEventLoop:
        with self._background_lock:
            if not self._background:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=_serve_forever, args=(loop,), name="fake-stream-transport", daemon=True)
                thread.start()
                self._background.append(loop)
            return self._background[0]

    def close(self) -> None:
        _release(self._loops, self._background)


def _release(loops: list[asyncio.AbstractEventLoop], background: list[asyncio.AbstractEventLoop]) -> None:
    _close_loops(loops)
    for loop in background:
        if not loop.is_closed():
            loop.call_soon_threadsafe(loop.stop)  # its thread closes it once stopped
    background.clear()


def _serve_forever(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        loop.close()


def _close_loops(loops: list[asyncio.AbstractEventLoop]) -> None:
    for loop in loops:
        if not loop.is_running() and not loop.is_closed():
            loop.close()
    loops.clear()
