"""Helpers for the configuration-area tests (app settings, channel types, commands,
permissions and roles, blocklists)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from stream_chat.base.exceptions import StreamAPIException

ROUTE_MISSING = 'Request failed with error: "Not Found"'


def route_missing(response: httpx.Response) -> bool:
    """True when the fake has no route for the request (another area not built yet)."""
    return response.status_code == 404 and response.json().get("message") == ROUTE_MISSING


def skip_if_route_missing(response: httpx.Response, what: str) -> None:
    if route_missing(response):
        pytest.skip(f"cross-area: the chat-core route for {what} does not exist yet")


def error_of(response: httpx.Response) -> tuple[int, int]:
    return response.status_code, response.json()["code"]


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def sdk_error(call: Callable[[], Any]) -> tuple[int, int, str]:
    """``(HTTP status, Stream code, message)`` of an SDK call that must fail."""
    with pytest.raises(StreamAPIException) as info:
        call()
    return info.value.status_code, info.value.error_code, str(info.value.error_message)


async def async_sdk_error(call: Awaitable[Any]) -> tuple[int, int, str]:
    with pytest.raises(StreamAPIException) as info:
        await call
    return info.value.status_code, info.value.error_code, str(info.value.error_message)
