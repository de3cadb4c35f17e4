"""Fixtures of the ops tests (tasks, exports, imports, segments, campaigns, outbound):
one ``sdk`` caller for the sync and the async client (each in-process and over loopback),
user seeding over HTTP, and a loopback webhook receiver."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tests.conftest import RawAPI

from .receiver import Receiver, start_receiver


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


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = start_receiver()
    yield server
    server.stop()


Fetch = Callable[..., httpx.Response]


@pytest.fixture
def fetch(fake_service: Any) -> Iterator[Fetch]:
    """``fetch(method, url, **kwargs)``: a plain HTTP request to a URL the fake handed out
    (upload or download URLs): in-process URLs through the in-process transport, loopback
    URLs over the network — no api_key, no token."""
    from fake_server import FakeTransport
    from tests.conftest import IN_PROCESS_URL

    in_process = httpx.Client(transport=FakeTransport(fake_service))
    network = httpx.Client(trust_env=False)

    def run(method: str, url: str, **kwargs: Any) -> httpx.Response:
        client = in_process if url.startswith(IN_PROCESS_URL) else network
        return client.request(method, url, **kwargs)

    yield run
    in_process.close()
    network.close()
