"""The ASGI endpoint of the Stream API: auth → rate limit → route → handler → Stream envelope."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from fake_server import jsonio
from fake_server.domain.auth import SERVER, Actor
from fake_server.domain.errors import APIError
from fake_server.domain.ratelimits import DEFAULT_LIMIT, WINDOW_SECONDS, RateLimitState
from fake_server.http.context import RawResponse, RequestContext
from fake_server.http.routing import Route, Router

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.registry import AppRegistry

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

logger = logging.getLogger("fake_server")

MORE_INFO = "https://getstream.io/chat/docs/api_errors_response"
_JSON = "application/json;charset=utf-8"
_NOT_FOUND = "NotFound"


@dataclass(slots=True)
class Incoming:
    """A request as the dispatcher needs it, whichever way it arrived (ASGI or in-process)."""

    method: str
    path: str  # raw (still percent-encoded) path
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    base_url: str
    started: float = field(default_factory=time.perf_counter)


@dataclass(slots=True)
class Admitted:
    """A request past routing, auth, rate limits and faults, ready for its handler."""

    incoming: Incoming
    app: ChatApp
    route: Route
    ctx: RequestContext
    actor: Actor
    limits: RateLimitState
    latency: float
    calls_out: bool


class StreamAPI:
    """Serves every Stream API route for all apps of a registry.

    ``serve`` handles a request; ``serve_now`` does the same without an event loop, except
    for the rare request that must wait (injected latency, or an app whose hooks may hold the
    handler for up to a second), which it admits and returns for ``finish`` — in-process
    transports use it to skip the ASGI machinery.
    """

    def __init__(self, registry: AppRegistry, routes: Iterable[Route]) -> None:
        self.registry = registry
        self.router = Router(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        incoming = Incoming(
            method=scope["method"],
            path=raw_path.decode("latin-1"),
            query=parse_query(scope.get("query_string", b"")),
            headers=headers,
            body=await _read_body(receive),
            base_url=_base_url(scope, headers),
            started=started,
        )
        await _send(send, await self.serve(incoming))

    async def serve(self, incoming: Incoming) -> Outcome:
        step = self.serve_now(incoming)
        return step if isinstance(step, Outcome) else await self.finish(step)

    def serve_now(self, incoming: Incoming) -> Outcome | Admitted:
        """The outcome, or — for a request that must wait — the admitted request to hand to
        ``finish`` on an event loop (it is already counted: never serve it again)."""
        step = self._admit(incoming)
        if isinstance(step, Outcome):
            return step
        if step.latency or step.calls_out:
            return step
        return self._run(step)

    async def finish(self, step: Admitted) -> Outcome:
        """Serve an admitted request that must wait (injected latency, app hooks)."""
        if step.latency:
            await asyncio.sleep(step.latency)
        if step.calls_out:
            # A handler may wait up to a second on the app's before-send hook or command
            # handler: run it off the event loop so other apps and requests keep flowing.
            return await asyncio.to_thread(self._run, step)
        return self._run(step)

    def _admit(self, incoming: Incoming) -> Outcome | Admitted:
        method, path, query, headers = incoming.method, incoming.path, incoming.query, incoming.headers
        started = incoming.started
        matched = self.router.match(method, path)
        api_key = query.get("api_key", "")
        app = self.registry.get(api_key) if api_key else None
        if matched is None:
            unmatched = app.rate_limits.peek(_NOT_FOUND, "server_side") if app else _unmetered()
            return _error(_NOT_FOUND, APIError(404, 16, "Not Found"), unmatched, started, operation_label="Request")
        route, params = matched
        if route.public:
            public = RequestContext(
                app=app if app is not None else _NO_APP, actor=SERVER, method=method, path=path,
                params=params, query=query, headers=headers, raw_body=incoming.body,
                base_url=incoming.base_url, registry=self.registry,
            )
            try:
                return _success(route.handler(public), None, started)
            except APIError as exc:
                return _error(route.operation, exc, _unmetered(), started)
        operation = route.operation
        if app is None:
            detail = "api_key not valid" if api_key else "api_key or app_id not provided"
            return _error(operation, APIError(401, 2, detail), _unmetered(), started)

        actor: Actor | None = None
        limits = None
        try:
            actor = app.tokens.authenticate(headers.get("stream-auth-type"), headers.get("authorization"))
            limits = app.rate_limits.hit(operation, _platform(actor, headers))
            if not limits.allowed:
                raise APIError(429, 9, "Too many requests, check response headers for more information.")
            if actor.anonymous and method != "GET":
                raise APIError(403, 17, "anonymous users can only read")
            if route.server_only and not actor.server:
                raise APIError(403, 17, "this endpoint is server-side only: call it with the server token")
            fault = app.faults.take(operation)
            if fault is not None:
                raise APIError(fault.status, fault.code, fault.message)
        except APIError as exc:
            if limits is None:
                limits = app.rate_limits.peek(operation, _platform(actor, headers) if actor else "server_side")
            outcome = _error(operation, exc, limits, started)
            _record(app, incoming, operation, params, outcome, actor)
            return outcome
        ctx = RequestContext(
            app=app, actor=actor, method=method, path=path, params=params, query=query,
            headers=headers, raw_body=incoming.body, base_url=incoming.base_url, registry=self.registry,
        )
        return Admitted(
            incoming=incoming,
            app=app,
            route=route,
            ctx=ctx,
            actor=actor,
            limits=limits,
            latency=app.faults.latency_for(operation),
            calls_out=method != "GET" and _calls_out(app),
        )

    def _run(self, step: Admitted) -> Outcome:
        incoming, app, operation = step.incoming, step.app, step.route.operation
        try:
            with app.serving():
                result = step.route.handler(step.ctx)
            outcome = _success(result, step.limits, incoming.started)
        except APIError as exc:
            outcome = _error(operation, exc, step.limits, incoming.started)
        except Exception:
            logger.exception("unexpected failure serving %s %s", incoming.method, incoming.path)
            outcome = _error(operation, APIError(500, -1, "internal server error"), step.limits, incoming.started)
        _record(app, incoming, operation, step.ctx.params, outcome, step.actor)
        return outcome


def parse_query(raw: bytes) -> dict[str, str]:
    if not raw:
        return {}
    text = raw.decode("latin-1")
    if "%" in text or "+" in text:
        return dict(parse_qsl(text, keep_blank_values=True))
    # Nothing to unescape (the usual ``api_key=...``): split directly, as parse_qsl would.
    found: dict[str, str] = {}
    for pair in text.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            found[name] = value
    return found


def _calls_out(app: ChatApp) -> bool:
    settings = app.settings
    return bool(settings.get("before_message_send_hook_url") or settings.get("custom_action_handler_url"))


class _NoApp:
    """Stands in for the app in public routes reached without an api_key."""

    def __getattr__(self, name: str) -> Any:
        raise APIError(404, 16, "Not Found")


_NO_APP: Any = _NoApp()


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        if chunk:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks) if len(chunks) != 1 else chunks[0]


def _platform(actor: Actor | None, headers: dict[str, str]) -> str:
    if actor is None or actor.server:
        return "server_side"
    client = (headers.get("x-stream-client", "") + " " + headers.get("user-agent", "")).lower()
    if "android" in client:
        return "android"
    if "ios" in client or "swift" in client:
        return "ios"
    return "web"


def _base_url(scope: Scope, headers: dict[str, str]) -> str:
    scheme = scope.get("scheme", "http")
    host = headers.get("host")
    if not host:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    return f"{scheme}://{host}"


def _unmetered() -> RateLimitState:
    window = int(time.time() // WINDOW_SECONDS)
    return RateLimitState(limit=DEFAULT_LIMIT, remaining=DEFAULT_LIMIT, reset=(window + 1) * WINDOW_SECONDS)


def _duration(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.2f}ms"


def _limit_headers(limits: RateLimitState | None) -> dict[str, str]:
    if limits is None:
        return {}
    return {
        "x-ratelimit-limit": str(limits.limit),
        "x-ratelimit-remaining": str(limits.remaining),
        "x-ratelimit-reset": str(limits.reset),
    }


@dataclass(slots=True)
class Outcome:
    status: int
    body: bytes | RawResponse
    headers: dict[str, str]
    error_code: int | None = None

    def wire(self) -> tuple[int, list[tuple[str, str]], bytes]:
        """Status, headers and body as they go on the wire."""
        payload = self.body
        if isinstance(payload, RawResponse):
            content_type, body = payload.content_type, payload.body
        else:
            content_type, body = _JSON, payload
        headers = [("content-type", content_type), ("content-length", str(len(body)))]
        headers.extend(self.headers.items())
        return self.status, headers, body


def _success(result: Any, limits: RateLimitState | None, started: float) -> Outcome:
    if isinstance(result, RawResponse):
        return Outcome(result.status, result, {**result.headers, **_limit_headers(limits)})
    payload = dict(result) if result is not None else {}
    payload["duration"] = _duration(started)
    return Outcome(200, _dumps(payload), _limit_headers(limits))


def _error(
    operation: str,
    exc: APIError,
    limits: RateLimitState | None,
    started: float,
    *,
    operation_label: str | None = None,
) -> Outcome:
    label = operation_label or operation
    envelope: dict[str, Any] = {
        "code": exc.code,
        "message": f'{label} failed with error: "{exc.detail}"',
        "exception_fields": exc.exception_fields,
        "StatusCode": exc.status,
        "duration": "0.00ms",
        "more_info": MORE_INFO,
        "details": [],
    }
    extra = _limit_headers(limits)
    if exc.status == 429 and limits is not None:
        extra["x-ratelimit-remaining"] = "0"
        extra["retry-after"] = str(max(limits.reset - int(time.time()), 0))
    return Outcome(exc.status, _dumps(envelope), extra, exc.code)


def _dumps(payload: Any) -> bytes:
    return jsonio.dumps(payload)


def _record(
    app: ChatApp,
    incoming: Incoming,
    operation: str,
    params: dict[str, str],
    outcome: Outcome,
    actor: Actor | None,
) -> None:
    headers = incoming.headers
    app.requests.add(
        incoming.method,
        incoming.path,
        operation,
        tuple((k, v) for k, v in incoming.query.items() if k != "api_key"),
        outcome.status,
        app.clock.peek(),
        incoming.body if "multipart" not in headers.get("content-type", "") else b"",
        jsonio.compact(outcome.body) if isinstance(outcome.body, bytes) else b"",
        _platform(actor, headers) if actor else "server_side",
        actor.user_id if actor else None,
        outcome.error_code,
        tuple(params.items()),
    )


async def _send(send: Send, outcome: Outcome) -> None:
    status, headers, body = outcome.wire()
    raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})
