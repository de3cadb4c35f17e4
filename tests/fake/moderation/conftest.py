"""Fixtures for the moderation / devices / push tests of the fake.

``world`` seeds what these endpoints act on: users (through the users directory), channels and
messages (through the chat-core routes).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fake_server import ChatApp
from fake_server.domain.users import User
from tests.conftest import RawAPI


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class World:
    def __init__(self, app: ChatApp, raw: RawAPI) -> None:
        self.app = app
        self.raw = raw

    # -- users -------------------------------------------------------------------------------

    def users(self, *ids: str, **names: str) -> None:
        """Create users ``ids`` (and ``name=id`` pairs given as keyword ``id="Name"``)."""
        with self.app.lock:
            for user_id in (*ids, *names):
                now = self.app.clock.now()
                user = User(id=user_id, created_at=now, updated_at=now)
                if user_id in names:
                    user.custom["name"] = names[user_id]
                self.app.users.store(user)

    # -- channels and messages -----------------------------------------------------------------

    def channel(self, cid: str, members: list[str], *, created_by: str, name: str | None = None, team: str | None = None) -> None:
        channel_type, channel_id = cid.split(":")
        data: dict[str, Any] = {"created_by_id": created_by, "members": members}
        if name is not None:
            data["name"] = name
        if team is not None:
            data["team"] = team
        ok(self.raw.request("POST", f"/channels/{channel_type}/{channel_id}/query", json={"data": data}))

    def message(self, cid: str, user_id: str, text: str) -> str:
        channel_type, channel_id = cid.split(":")
        response = self.raw.request(
            "POST",
            f"/channels/{channel_type}/{channel_id}/message",
            json={"message": {"text": text, "user_id": user_id}},
        )
        message_id: str = ok(response)["message"]["id"]
        return message_id

    def delete_message(self, message_id: str, *, hard: bool = False) -> None:
        ok(self.raw.request("DELETE", f"/messages/{message_id}", params={"hard": "true"} if hard else None))

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return self.app.events.list(event_type)


@pytest.fixture
def world(chat_app: ChatApp, raw: RawAPI) -> Iterator[World]:
    yield World(chat_app, raw)
