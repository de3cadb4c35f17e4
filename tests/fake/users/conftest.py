"""Fixtures of the user-endpoint tests: one ``sdk`` caller for the sync and the async client
(each over both transports), plus helpers to seed users through plain HTTP."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import RawAPI


class SDK:
    """Calls a client method by name on the sync or the async SDK client, awaiting if needed."""

    def __init__(self, client: Any, flavor: str) -> None:
        self.client = client
        self.flavor = flavor

    async def __call__(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.client, method)(*args, **kwargs)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def fails(self, method: str, *args: Any, **kwargs: Any) -> tuple[int, int]:
        """Call a method that must fail; return (HTTP status, Stream error code)."""
        from stream_chat.base.exceptions import StreamAPIException

        with pytest.raises(StreamAPIException) as caught:
            await self(method, *args, **kwargs)
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


Query = Callable[..., httpx.Response]


@pytest.fixture
def query(raw: RawAPI) -> Query:
    """``query(filter, sort=None, **options)``: GET /users with a JSON payload over HTTP."""

    def run(filter_conditions: Any, sort: Any = None, **options: Any) -> httpx.Response:
        payload = {**options, "filter_conditions": filter_conditions, "sort": sort or []}
        return raw.request("GET", "/users", params={"payload": json.dumps(payload)})

    return run


@pytest.fixture
def query_ids(query: Query) -> Callable[..., list[str]]:
    """Like ``query`` but asserts success and returns the ids in order."""

    def run(filter_conditions: Any, sort: Any = None, **options: Any) -> list[str]:
        response = query(filter_conditions, sort, **options)
        assert response.status_code == 200, response.text
        return [user["id"] for user in response.json()["users"]]

    return run
