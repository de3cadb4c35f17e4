"""Fixtures for the moderation / devices / push tests of the fake.

``world`` seeds what these endpoints act on: users (through the users directory), channels and
messages (through the chat-core routes; while such a route does not exist yet, straight into
the chat store, so that this area's own behaviour stays tested).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fake_server import ChatApp
from fake_server.domain.users import User
from tests.conftest import RawAPI

ROUTE_MISSING = 'Request failed with error: "Not Found"'


def route_missing(response: httpx.Response) -> bool:
    """True when the fake has no route for the request (another area not built yet)."""
    return response.status_code == 404 and response.json().get("message") == ROUTE_MISSING


def error_of(response: httpx.Response) -> tuple[int, int]:
    return response.status_code, response.json()["code"]


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
        response = self.raw.request("POST", f"/channels/{channel_type}/{channel_id}/query", json={"data": data})
        if not route_missing(response):
            ok(response)
            return
        from fake_server.domain.chat.models import Channel, Member

        with self.app.lock:
            now = self.app.clock.now()
            channel = Channel(type=channel_type, id=channel_id, created_at=now, updated_at=now, created_by_id=created_by, team=team)
            if name is not None:
                channel.custom["name"] = name
            for user_id in members:
                channel.members[user_id] = Member(user_id=user_id, created_at=now, updated_at=now)
            self.app.chat.store.add_channel(channel)

    def message(self, cid: str, user_id: str, text: str) -> str:
        channel_type, channel_id = cid.split(":")
        response = self.raw.request(
            "POST",
            f"/channels/{channel_type}/{channel_id}/message",
            json={"message": {"text": text, "user_id": user_id}},
        )
        if not route_missing(response):
            message_id: str = ok(response)["message"]["id"]
            return message_id
        import uuid

        from fake_server.domain.chat.models import Message

        with self.app.lock:
            now = self.app.clock.now()
            store = self.app.chat.store
            message = Message(id=str(uuid.uuid4()), cid=cid, user_id=user_id, created_at=now, updated_at=now, text=text)
            store.add_message(store.channels[cid], message)
            return message.id

    def delete_message(self, message_id: str, *, hard: bool = False) -> None:
        response = self.raw.request("DELETE", f"/messages/{message_id}", params={"hard": "true"} if hard else None)
        if not route_missing(response):
            ok(response)
            return
        with self.app.lock:
            store = self.app.chat.store
            message = store.messages[message_id]
            if hard:
                store.forget_message(message)
                store.channels[message.cid].messages.remove(message)
            else:
                message.deleted_at = self.app.clock.now()

    def events(self, event_type: str) -> list[dict[str, Any]]:
        return self.app.events.list(event_type)


@pytest.fixture
def world(chat_app: ChatApp, raw: RawAPI) -> Iterator[World]:
    yield World(chat_app, raw)
