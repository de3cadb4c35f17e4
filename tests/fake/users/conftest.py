"""Fixtures of the user-endpoint tests: one ``sdk`` caller for the sync and the async client
(each over both transports), plus helpers to seed users through plain HTTP."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conftest import RawAPI

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
