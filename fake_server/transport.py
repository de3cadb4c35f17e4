"""In-process httpx transports: route an SDK client straight into the fake, no sockets.

They derive from httpx's base transports rather than ``httpx.ASGITransport`` /
``httpx.MockTransport``, which vcrpy patches, so an active cassette never records fake traffic.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import weakref
from asyncio import events
from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any, TypeVar
from urllib.parse import unquote

import httpx

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]

_T = TypeVar("_T")
_CLIENT = ("127.0.0.1", 50000)
_CONTROL_PREFIX = "/_fake"


def _targets(app: Any) -> tuple[ASGIApp, ASGIApp]:
    """(API endpoint, whole app): a FakeStream's API is called directly, skipping Starlette."""
    api = getattr(app, "api", None)
    return (api if api is not None else app), app


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
        scope = _scope(request)
        target = self._app if scope["path"].startswith(_CONTROL_PREFIX) else self._api
        return _response(request, await _call(target, scope, body))


class FakeTransport(httpx.BaseTransport):
    """Serve an ``httpx.Client``'s requests from the fake.

    The app runs on an event loop kept per calling thread; only when the caller is itself
    inside a running loop (sync SDK used from async code) does the call go to a background
    loop thread, because a running loop cannot be re-entered.
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
        scope = _scope(request)
        target = self._app if scope["path"].startswith(_CONTROL_PREFIX) else self._api
        coroutine = _call(target, scope, body)
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return _response(request, _run_on(self._thread_loop(), coroutine))
        future = asyncio.run_coroutine_threadsafe(coroutine, self._background_loop())
        return _response(request, future.result())

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


def _run_on(loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, _T]) -> _T:
    """Run ``coroutine`` on ``loop`` in this thread.

    Nearly every request completes without ever suspending, and starting the loop for it
    costs more than the rest of the transport. So the coroutine is first stepped directly
    while ``loop`` is marked as this thread's running loop (asyncio calls made by the app find
    it); only a request that really suspends (injected latency, a hook call handed to a
    worker thread) is then finished by running the loop.
    """
    events._set_running_loop(loop)
    try:
        yielded = coroutine.send(None)
    except StopIteration as done:
        result: _T = done.value
        return result
    finally:
        events._set_running_loop(None)
    return loop.run_until_complete(_resume(coroutine, yielded))


async def _resume(coroutine: Coroutine[Any, Any, _T], yielded: Any) -> _T:
    """Continue a coroutine stepped by hand, the way an asyncio task would."""
    while True:
        if yielded is None:
            await asyncio.sleep(0)  # a bare yield: just give the loop a turn
        else:
            # The coroutine already flagged this future as awaited; take the flag over, as a
            # task does, and wait for it. Its outcome is for the coroutine to observe.
            yielded._asyncio_future_blocking = False
            with contextlib.suppress(BaseException):
                await yielded
        try:
            yielded = coroutine.send(None)
        except StopIteration as done:
            result: _T = done.value
            return result


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
