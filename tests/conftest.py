"""Shared fixtures: a fake service, a fresh app per test, and clients reaching it in-process or over loopback."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
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
