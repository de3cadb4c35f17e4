"""Shared fixtures: a fake service, a fresh app per test, and clients reaching it in-process or over loopback."""

from __future__ import annotations

import inspect
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import jwt
import pytest
import pytest_asyncio

from fake_server import AsyncFakeTransport, ChatApp, FakeStream, FakeTransport, create_app
from fake_server.live import LiveServer

IN_PROCESS_URL = "http://fake.stream.test"


@pytest.fixture(scope="session")
def fake_service() -> FakeStream:
    """One fake service for the session; every test gets its own app (tenant) in it."""
    return create_app(api_key=None)


@pytest.fixture(scope="session")
def live_server(fake_service: FakeStream) -> Iterator[LiveServer]:
    server = LiveServer(fake_service).start()
    yield server
    server.stop()


@pytest.fixture
def chat_app(fake_service: FakeStream) -> Iterator[ChatApp]:
    suffix = uuid.uuid4().hex
    app = fake_service.add_app(f"key-{suffix[:12]}", f"secret-{suffix}")
    yield app
    fake_service.registry.remove(app.api_key)


@pytest.fixture(params=["in-process", "loopback"])
def transport_mode(request: pytest.FixtureRequest) -> str:
    mode: str = request.param
    return mode


def _base_url_and_transport(
    request: pytest.FixtureRequest, mode: str, fake_service: FakeStream, *, asynchronous: bool
) -> tuple[str, Any]:
    if mode == "in-process":
        transport = AsyncFakeTransport(fake_service) if asynchronous else FakeTransport(fake_service)
        return IN_PROCESS_URL, transport
    server: LiveServer = request.getfixturevalue("live_server")
    return server.base_url, None


@pytest.fixture
def client(request: pytest.FixtureRequest, chat_app: ChatApp, fake_service: FakeStream, transport_mode: str) -> Iterator[Any]:
    """A sync StreamChat for this test's app, in-process and over loopback."""
    from stream_chat import StreamChat

    base_url, transport = _base_url_and_transport(request, transport_mode, fake_service, asynchronous=False)
    options: dict[str, Any] = {"base_url": base_url}
    if transport is not None:
        options["transport"] = transport
    chat = StreamChat(chat_app.api_key, chat_app.api_secret, **options)
    yield chat
    chat.close()


@pytest_asyncio.fixture
async def aclient(request: pytest.FixtureRequest, chat_app: ChatApp, fake_service: FakeStream, transport_mode: str) -> AsyncIterator[Any]:
    """An async StreamChatAsync for this test's app, in-process and over loopback."""
    from stream_chat import StreamChatAsync

    base_url, transport = _base_url_and_transport(request, transport_mode, fake_service, asynchronous=True)
    options: dict[str, Any] = {"base_url": base_url}
    if transport is not None:
        options["transport"] = transport
    chat = StreamChatAsync(chat_app.api_key, chat_app.api_secret, **options)
    yield chat
    await chat.close()


class RawAPI:
    """Plain HTTP access to the fake for what the SDK cannot send (bad JSON, wrong types, odd tokens)."""

    def __init__(self, app: ChatApp, fake_service: FakeStream) -> None:
        self.app = app
        self.http = httpx.Client(transport=FakeTransport(fake_service), base_url=IN_PROCESS_URL)
        self.server_token = jwt.encode({"server": True}, app.api_secret, algorithm="HS256")

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        api_key: str | None = None,
    ) -> httpx.Response:
        query = {"api_key": self.app.api_key if api_key is None else api_key, **(params or {})}
        all_headers = {"Authorization": self.server_token if token is None else token, "stream-auth-type": "jwt"}
        all_headers.update(headers or {})
        return self.http.request(method, path, params=query, json=json, content=content, headers=all_headers)

    def user_token(self, user_id: str, **claims: Any) -> str:
        return jwt.encode({"user_id": user_id, **claims}, self.app.api_secret, algorithm="HS256")


@pytest.fixture
def raw(chat_app: ChatApp, fake_service: FakeStream) -> Iterator[RawAPI]:
    api = RawAPI(chat_app, fake_service)
    yield api
    api.http.close()


class SDK:
    """Calls a client method by name on the sync or the async SDK client, awaiting if needed."""

    def __init__(self, client: Any, flavor: str) -> None:
        self.client = client
        self.flavor = flavor

    async def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return await self.call(self.client, method, *args, **kwargs)

    @staticmethod
    async def call(target: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(target, method)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def fails(self, method: str, *args: Any, **kwargs: Any) -> tuple[int, int]:
        """Call a method that must fail; return (HTTP status, Stream error code)."""
        return await self.fails_on(self.client, method, *args, **kwargs)

    async def fails_on(self, target: Any, method: str, *args: Any, **kwargs: Any) -> tuple[int, int]:
        from stream_chat.base.exceptions import StreamAPIException

        with pytest.raises(StreamAPIException) as caught:
            await self.call(target, method, *args, **kwargs)
        return caught.value.status_code, int(caught.value.error_code)


@pytest.fixture(params=["sync", "async"])
def sdk(request: pytest.FixtureRequest, transport_mode: str) -> SDK:
    """The SDK client of this test's app: sync and async, in-process and over loopback
    (``transport_mode`` is requested here so that its parametrization is known up front)."""
    flavor: str = request.param
    return SDK(request.getfixturevalue("client" if flavor == "sync" else "aclient"), flavor)


def task_result(raw: RawAPI, response: Any) -> dict[str, Any]:
    """The result of the completed task a call answered with (``{"task_id", "duration"}``)."""
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"task_id", "duration"}
    task = raw.request("GET", f"/tasks/{response.json()['task_id']}").json()
    assert task["status"] == "completed"
    result: dict[str, Any] = task["result"]
    return result


def status_code(response: httpx.Response) -> tuple[int, int]:
    return response.status_code, response.json()["code"]


Seed = Callable[..., dict[str, Any]]


@pytest.fixture
def seed(raw: RawAPI) -> Seed:
    """``seed({"id": "ann", ...}, "bob", ...)``: upsert users (dicts or bare ids) over HTTP."""

    def upsert(*users: dict[str, Any] | str) -> dict[str, Any]:
        objects = [{"id": u} if isinstance(u, str) else u for u in users]
        response = raw.request("POST", "/users", json={"users": {u["id"]: u for u in objects}})
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()["users"]
        return result

    return upsert
