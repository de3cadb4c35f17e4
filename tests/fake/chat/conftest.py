"""Fixtures of the chat-core tests: seeded users and small helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from fake_server import ChatApp
from stream_chat.base.exceptions import StreamAPIException

USERS = ("ann", "bob", "cat", "dan", "eve")


@pytest.fixture
def users(chat_app: ChatApp) -> tuple[str, ...]:
    """Five users created through the domain (the users endpoints belong to another area)."""
    with chat_app.lock:
        for user_id in USERS:
            chat_app.users.ensure({"id": user_id, "name": user_id.title() + " Smith"})
    return USERS


@contextmanager
def api_error(status: int, code: int, fragment: str = "") -> Iterator[None]:
    """Assert that the block raises Stream's error with that HTTP status and error code."""
    with pytest.raises(StreamAPIException) as caught:
        yield
    assert caught.value.status_code == status, caught.value
    assert caught.value.error_code == code, caught.value
    assert fragment in caught.value.error_message, caught.value.error_message


def raw_error(response: Any, status: int, code: int, fragment: str = "") -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    assert fragment in body["message"], body["message"]
    return body


@pytest.fixture
def events(chat_app: ChatApp) -> Callable[[str], list[dict[str, Any]]]:
    return chat_app.events.list
