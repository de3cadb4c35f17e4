"""The in-process fake and the live fake server as test fixtures: clients plus a control plane.

``StreamChatFake`` is what the ``stream_chat_fake`` fixture returns (and, with a URL, what
``stream_chat_fake_server`` returns): a fresh app (tenant) of a ``fake_server.FakeStream``, a
ready SDK client, an async client factory, and moto-style control methods acting directly on
the app's domain objects. The request log view (``.requests``) follows respx's ``calls``:
filter it, take ``.last``, count with ``.call_count``, assert with ``.assert_called(...)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import fnmatch
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    import httpx

    from fake_server import ChatApp, FakeStream
    from fake_server.domain.outbound import Outbound
    from fake_server.domain.outbound_model import Delivery
    from fake_server.domain.requestlog import RequestRecord
    from fake_server.live import LiveServer

IN_PROCESS_BASE_URL = "http://stream-chat-fake.test"
_EventList = list[dict[str, Any]]
_Strings = list[str]



def new_credentials(prefix: str = "test") -> tuple[str, str]:
    """A fresh (api_key, api_secret) pair: unique key, 64-hex secret (long enough for HS256)."""
    return f"{prefix}-{secrets.token_hex(6)}", secrets.token_hex(32)


# -- the request log ----------------------------------------------------------------------------


def _matches(value: Any, expected: Any) -> bool:
    if expected is None:
        return True
    if isinstance(expected, re.Pattern):
        return isinstance(value, str) and expected.search(value) is not None
    if callable(expected) and not isinstance(expected, str | int):
        return bool(expected(value))
    if isinstance(expected, str) and isinstance(value, str) and any(c in expected for c in "*?["):
        return fnmatch.fnmatchcase(value, expected)
    if isinstance(expected, set | frozenset | list | tuple):
        return value in expected
    return bool(value == expected)


def _contains(actual: Any, expected: Any) -> bool:
    """``expected`` is a subset of ``actual`` (dicts by key, everything else by equality)."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            key in actual and _contains(actual[key], value) for key, value in expected.items()
        )
    return bool(actual == expected)


class RequestCalls(Sequence["RequestRecord"]):
    """A snapshot-on-read view of the requests an app served, oldest first.

    Each item is a ``fake_server`` ``RequestRecord`` (``method``, ``path``, ``operation``,
    ``query``, ``body``, ``status``, ``response``, ``at``, ``platform``, ``user_id``,
    ``error_code``, ``path_params``).

    Filters (all optional, combined with AND): ``operation``, ``method``, ``path`` (exact,
    glob such as ``"/channels/*"``, or compiled regex), ``status``, ``user_id``,
    ``error_code``, ``body`` (a dict that must be contained in the request body),
    ``query`` (likewise for query parameters), ``where`` (any predicate). A value may also be
    a set/list of accepted values or a predicate.
    """

    def __init__(self, source: Callable[[], list[RequestRecord]]) -> None:
        self._source = source

    def _records(self) -> list[RequestRecord]:
        return self._source()

    # Sequence protocol
    @overload
    def __getitem__(self, index: int) -> RequestRecord: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[RequestRecord]: ...
    def __getitem__(self, index: int | slice) -> RequestRecord | Sequence[RequestRecord]:
        return self._records()[index]

    def __len__(self) -> int:
        return len(self._records())

    def __iter__(self) -> Iterator[RequestRecord]:
        return iter(self._records())

    def __repr__(self) -> str:
        records = self._records()
        shown = ", ".join(f"{r.operation}({r.status})" for r in records[-5:])
        return f"<RequestCalls {len(records)} call(s){': …' if len(records) > 5 else ': ' if records else ''}{shown}>"

    # respx-style accessors
    @property
    def call_count(self) -> int:
        return len(self._records())

    @property
    def called(self) -> bool:
        return bool(self._records())

    @property
    def last(self) -> RequestRecord:
        records = self._records()
        if not records:
            raise AssertionError("no request was made")
        return records[-1]

    @property
    def first(self) -> RequestRecord:
        records = self._records()
        if not records:
            raise AssertionError("no request was made")
        return records[0]

    @property
    def operations(self) -> list[str]:
        return [r.operation for r in self._records()]

    def filter(
        self,
        operation: Any = None,
        *,
        method: Any = None,
        path: Any = None,
        status: Any = None,
        user_id: Any = None,
        error_code: Any = None,
        body: Mapping[str, Any] | None = None,
        query: Mapping[str, Any] | None = None,
        where: Callable[[RequestRecord], bool] | None = None,
    ) -> RequestCalls:
        if isinstance(method, str):
            method = method.upper()

        def accept(record: RequestRecord) -> bool:
            return (
                _matches(record.operation, operation)
                and _matches(record.method, method)
                and _matches(record.path, path)
                and _matches(record.status, status)
                and _matches(record.user_id, user_id)
                and _matches(record.error_code, error_code)
                and (body is None or _contains(record.body, body))
                and (query is None or _contains(record.query, query))
                and (where is None or where(record))
            )

        source = self._source
        return RequestCalls(lambda: [r for r in source() if accept(r)])

    def _describe(self, filters: Mapping[str, Any]) -> str:
        shown = ", ".join(f"{k}={v!r}" for k, v in filters.items() if v is not None)
        return shown or "any request"

    def assert_called(self, operation: Any = None, *, times: int | None = None, **filters: Any) -> RequestCalls:
        """Assert that matching requests were made (``times`` of them if given); return them."""
        selected = self.filter(operation, **filters)
        count = selected.call_count
        what = self._describe({"operation": operation, **filters})
        if times is None and count == 0:
            raise AssertionError(f"expected a request for {what}; served: {self.operations}")
        if times is not None and count != times:
            raise AssertionError(f"expected {times} request(s) for {what}, got {count}; served: {self.operations}")
        return selected

    def assert_called_once(self, operation: Any = None, **filters: Any) -> RequestRecord:
        return self.assert_called(operation, times=1, **filters).last

    def assert_not_called(self, operation: Any = None, **filters: Any) -> None:
        self.assert_called(operation, times=0, **filters)


# -- the event log ------------------------------------------------------------------------------


class EventsView(Sequence[dict[str, Any]]):
    """Events the app emitted since the test started (seeding excluded), oldest first."""

    def __init__(self, handle: StreamChatFake) -> None:
        self._handle = handle

    def _events(self) -> list[dict[str, Any]]:
        return self._handle.app.events.since(self._handle._events_mark)

    def list(self, type: str | None = None) -> list[dict[str, Any]]:
        events = self._events()
        return events if type is None else [e for e in events if _matches(e.get("type"), type)]

    @overload
    def __getitem__(self, index: int) -> dict[str, Any]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[dict[str, Any]]: ...
    def __getitem__(self, index: int | slice) -> dict[str, Any] | Sequence[dict[str, Any]]:
        return self._events()[index]

    def __len__(self) -> int:
        return len(self._events())

    @property
    def types(self) -> _Strings:
        return [str(e.get("type")) for e in self._events()]

    @property
    def last(self) -> dict[str, Any]:
        events = self._events()
        if not events:
            raise AssertionError("no event was emitted")
        return events[-1]

    def assert_emitted(self, type: str, *, times: int | None = None, **fields: Any) -> _EventList:
        """Assert events of ``type`` (glob allowed) containing ``fields`` were emitted."""
        found = [e for e in self.list(type) if _contains(e, fields)]
        if times is None and not found:
            raise AssertionError(f"no {type!r} event with {fields}; emitted: {self.types}")
        if times is not None and len(found) != times:
            raise AssertionError(f"expected {times} {type!r} event(s) with {fields}, got {len(found)}; emitted: {self.types}")
        return found

    def clear(self) -> None:
        self._handle._events_mark = self._handle.app.events.total


# -- the handle ---------------------------------------------------------------------------------


class ClientPool:
    """SDK clients handed out to a test, all closed at teardown.

    Subclasses say where the clients' traffic goes (``client_options`` and
    ``async_client_options``); ``transports`` they create are closed too.
    """

    api_key: str
    api_secret: str

    def __init__(self) -> None:
        self._client: Any = None
        self._sync_clients: list[Any] = []
        self._async_clients: list[Any] = []
        self._transports: list[Any] = []
        self._lock = threading.Lock()

    def client_options(self) -> dict[str, Any]:
        raise NotImplementedError

    def async_client_options(self) -> dict[str, Any]:
        raise NotImplementedError

    def new_client(self, **options: Any) -> Any:
        """A new ``StreamChat`` (closed at teardown)."""
        from stream_chat import StreamChat

        client = StreamChat(self.api_key, self.api_secret, **{**self.client_options(), **options})
        with self._lock:
            self._sync_clients.append(client)
        return client

    @property
    def client(self) -> Any:
        """The ``StreamChat`` of this test, ready to use."""
        if self._client is None:
            self._client = self.new_client()
        return self._client

    def async_client(self, **options: Any) -> Any:
        """A new ``StreamChatAsync``; closed at teardown if the test did not close it.

        Use it as ``async with handle.async_client() as client:`` or just call it.
        """
        from stream_chat import StreamChatAsync

        client = StreamChatAsync(self.api_key, self.api_secret, **{**self.async_client_options(), **options})
        with self._lock:
            self._async_clients.append(client)
        return client

    def close(self) -> None:
        """Close every client and transport handed out (called at teardown)."""
        for client in self._sync_clients:
            with contextlib.suppress(Exception):
                client.close()
        self._sync_clients.clear()
        self._client = None
        if self._async_clients:
            _close_async(self._async_clients)
            self._async_clients.clear()
        for transport in self._transports:
            with contextlib.suppress(Exception):
                transport.close()
        self._transports.clear()


class StreamChatFake(ClientPool):
    """A fresh app on a fake Stream service, with SDK clients and control methods.

    Attributes: ``api_key``, ``api_secret``, ``app`` (the ``fake_server`` ``ChatApp``),
    ``service`` (the ``FakeStream``), ``base_url``, ``client`` (a ``StreamChat``, created on
    first use), ``requests`` (:class:`RequestCalls`), ``events`` (:class:`EventsView`).
    """

    def __init__(self, service: FakeStream, app: ChatApp, *, base_url: str = IN_PROCESS_BASE_URL) -> None:
        super().__init__()
        self.service = service
        self.app = app
        self.api_key = app.api_key
        self.api_secret = app.api_secret
        self.base_url = base_url
        self._events_mark = app.events.total
        self.requests = RequestCalls(app.requests.list)
        self.events = EventsView(self)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} api_key={self.api_key!r} base_url={self.base_url!r}>"

    # -- transports and clients ------------------------------------------------------------

    def transport(self) -> httpx.BaseTransport:
        """An in-process httpx transport into this fake (no sockets)."""
        from fake_server import FakeTransport

        transport = FakeTransport(self.service)
        self._transports.append(transport)
        return transport

    def async_transport(self) -> httpx.AsyncBaseTransport:
        from fake_server import AsyncFakeTransport

        return AsyncFakeTransport(self.service)

    def client_options(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "transport": self.transport()}

    def async_client_options(self) -> dict[str, Any]:
        return {"base_url": self.base_url, "transport": self.async_transport()}

    # -- control plane -----------------------------------------------------------------------

    def reset(self) -> None:
        """Forget all data, logs, counters and faults of the app (credentials and clock stay)."""
        self.app.reset()
        self._events_mark = self.app.events.total

    def advance(self, seconds: float) -> datetime:
        """Move the app's clock forward (token expiry, rate-limit windows, timeouts follow it)."""
        return self.app.advance(seconds)

    def freeze(self, at: datetime | None = None) -> datetime:
        """Stop the app's clock (at ``at`` or now); ``advance`` still moves it."""
        return self.app.clock.freeze(at)

    def unfreeze(self) -> None:
        self.app.clock.unfreeze()

    @property
    def now(self) -> datetime:
        return self.app.clock.peek()

    def set_rate_limit(self, operation: str, limit: int | None) -> None:
        """Override the per-minute limit of ``operation`` (``None`` restores the default)."""
        self.app.set_rate_limit(operation, limit)

    def enforce_rate_limits(self, enforce: bool = True, *, burst: bool | None = None) -> None:
        self.app.rate_limits.enforce = enforce
        if burst is not None:
            self.app.rate_limits.burst = burst

    def fail_next(self, operation: str, status: int, code: int, count: int = 1, message: str | None = None) -> None:
        """Make the next ``count`` calls of ``operation`` (``"*"``: any) fail with Stream's error envelope."""
        self.app.faults.fail_next(operation, status, code, count, message)

    def set_latency(self, operation: str, seconds: float) -> None:
        """Delay every call of ``operation`` (``"*"``: any) by ``seconds`` (0 removes it)."""
        self.app.faults.set_latency(operation, seconds)

    def clear_faults(self) -> None:
        self.app.faults.clear()

    @property
    def webhooks(self) -> Outbound:
        """The app's outbound deliverer (webhooks, SQS/SNS queues, hooks): ``ChatApp.outbound``."""
        return self.app.outbound

    def webhook_deliveries(self, *, event_type: Any = None, wait: float | None = 10.0) -> list[Delivery]:
        """Webhook deliveries so far, oldest first, after waiting for queued ones to finish.

        Deliveries run on a background worker of the fake; ``wait`` bounds how long to wait
        for them (``0``: don't). Filter with ``event_type``: a type (``"message.new"``), a
        glob (``"message.*"``), a regex, a set of types or a predicate.
        """
        outbound = self.app.outbound
        if wait:
            outbound.flush(wait)
        return [d for d in outbound.deliveries() if _matches(d.event_type, event_type)]

    # -- seeding -------------------------------------------------------------------------------

    def seed(
        self,
        *,
        users: Iterable[str | Mapping[str, Any]] = (),
        channels: Iterable[Mapping[str, Any]] = (),
        messages: Iterable[Mapping[str, Any]] = (),
    ) -> SeedResult:
        """Create users, channels and messages through the API, so the state is real.

        - ``users``: ids or user objects (``{"id": "ann", "name": "Ann", "role": "admin"}``);
        - ``channels``: ``{"type": "messaging", "id": "general", "members": ["ann"],
          "created_by_id": "ann", ...custom data}`` (``cid`` works instead of type/id; the
          creator defaults to the first member, then to the first seeded user);
        - ``messages``: ``{"cid": "messaging:general", "user_id": "ann", "text": "hi", ...}``
          (``channel`` is accepted as an alias of ``cid``).

        Seeding leaves no trace in ``requests``, consumes no rate limit, its events are not in
        ``events`` and are not sent to webhooks or queues. Returns what the API answered (``users``, ``channels``, ``messages``).
        """
        return Seeder(self).run(users, channels, messages)


class SeedResult:
    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.messages: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return f"<SeedResult users={len(self.users)} channels={len(self.channels)} messages={len(self.messages)}>"


class SeedError(RuntimeError):
    pass


class Seeder:
    def __init__(self, handle: StreamChatFake) -> None:
        self.handle = handle

    def run(
        self,
        users: Iterable[str | Mapping[str, Any]],
        channels: Iterable[Mapping[str, Any]],
        messages: Iterable[Mapping[str, Any]],
    ) -> SeedResult:
        import httpx
        import jwt

        from fake_server import FakeTransport
        from fake_server.domain.ratelimits import RateLimiter

        handle = self.handle
        app = handle.app
        result = SeedResult()
        token = jwt.encode({"server": True}, handle.api_secret, algorithm="HS256")
        kept_requests = app.requests.list()
        limiter = app.rate_limits
        scratch = RateLimiter(app.clock)
        scratch.enforce = False
        app.rate_limits = scratch
        http = httpx.Client(
            transport=FakeTransport(handle.service),
            base_url=IN_PROCESS_BASE_URL,
            headers={"Authorization": token, "stream-auth-type": "jwt"},
            params={"api_key": handle.api_key},
        )
        quiet = contextlib.ExitStack()
        quiet.enter_context(app.outbound.suppressed())
        try:
            user_docs = [{"id": u} if isinstance(u, str) else dict(u) for u in users]
            if user_docs:
                reply = self._call(http, "POST", "/users", {"users": {u["id"]: u for u in user_docs}})
                result.users.update(reply.get("users") or {})
            default_creator = user_docs[0]["id"] if user_docs else None
            for spec in channels:
                data = dict(spec)
                channel_type, channel_id = _channel_identity(data)
                for reserved in ("cid", "type", "id"):
                    data.pop(reserved, None)
                members = data.get("members") or []
                creator = data.pop("created_by_id", None) or (data.pop("created_by", None) or {}).get("id")
                if creator is None and members:
                    first = members[0]
                    creator = first if isinstance(first, str) else first.get("user_id")
                creator = creator or default_creator
                if creator is None:
                    raise SeedError(f"channel {channel_type}:{channel_id} needs created_by_id, members or seeded users")
                data["created_by_id"] = creator
                reply = self._call(
                    http, "POST", f"/channels/{channel_type}/{channel_id}/query", {"data": data, "state": True}
                )
                result.channels[f"{channel_type}:{channel_id}"] = reply
            for spec in messages:
                message = dict(spec)
                cid = message.pop("cid", None) or message.pop("channel", None)
                if not isinstance(cid, str) or ":" not in cid:
                    raise SeedError(f"message {spec!r} needs cid='type:id'")
                channel_type, channel_id = cid.split(":", 1)
                user_id = message.pop("user_id", None) or (message.get("user") or {}).get("id")
                if user_id is None:
                    raise SeedError(f"message {spec!r} needs user_id")
                message["user"] = {"id": user_id}
                reply = self._call(http, "POST", f"/channels/{channel_type}/{channel_id}/message", {"message": message})
                result.messages.append(reply.get("message") or reply)
        finally:
            quiet.close()
            http.close()
            app.rate_limits = limiter
            app.requests.clear()
            for record in kept_requests:
                app.requests.append(record)
            handle._events_mark = app.events.total
        return result

    @staticmethod
    def _call(http: httpx.Client, method: str, path: str, body: Any) -> dict[str, Any]:
        response = http.request(method, path, json=body)
        try:
            document = response.json()
        except ValueError:
            document = {}
        if response.status_code >= 400:
            raise SeedError(f"seeding {method} {path} failed ({response.status_code}): {document or response.text}")
        if not isinstance(document, dict):
            raise SeedError(f"seeding {method} {path}: unexpected answer {document!r}")
        return document


def _channel_identity(data: Mapping[str, Any]) -> tuple[str, str]:
    cid = data.get("cid")
    if isinstance(cid, str) and ":" in cid:
        channel_type, channel_id = cid.split(":", 1)
        return channel_type, channel_id
    kind = data.get("type", "messaging")
    identifier = data.get("id")
    if not identifier:
        raise SeedError(f"channel {dict(data)!r} needs an id (or cid)")
    return str(kind), str(identifier)


class LiveStreamChatFake(StreamChatFake):
    """A fresh app on the fake served over loopback (``base_url`` is ``http://127.0.0.1:PORT``).

    Clients use real sockets; async clients do not keep connections alive, so nothing is left
    bound to a test's event loop when it ends.
    """

    def __init__(self, service: FakeStream, app: ChatApp, server: LiveServer) -> None:
        super().__init__(service, app, base_url=server.base_url)
        self.server = server

    def client_options(self) -> dict[str, Any]:
        return {"base_url": self.base_url}

    def async_client_options(self) -> dict[str, Any]:
        import httpx

        return {"base_url": self.base_url, "transport": httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))}


def _close_async(clients: Sequence[Any]) -> None:
    """Close async clients outside their event loop (in-process transports hold nothing)."""

    async def close_all() -> None:
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()

    def run() -> None:
        with contextlib.suppress(Exception):
            asyncio.run(close_all())

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        run()
        return
    thread = threading.Thread(target=run, name="stream-chat-close")
    thread.start()
    thread.join()
