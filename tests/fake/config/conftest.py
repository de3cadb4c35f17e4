"""Helpers for the configuration-area tests (app settings, channel types, commands,
permissions and roles, blocklists)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from stream_chat.base.exceptions import StreamAPIException


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
