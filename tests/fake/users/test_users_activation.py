"""Deactivate / reactivate: single users and the batch task endpoints."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import RawAPI, status_code, task_result

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)





@pytest.mark.asyncio
class TestThroughSDK:
    async def test_deactivate_and_reactivate(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed({"id": "ann", "name": "Ann"}, "mod")
        chat_app.clock.freeze(T0)
        response = await sdk("deactivate_user", "ann", created_by_id="mod", mark_messages_deleted=True)
        assert response["user"]["deactivated_at"] == "2024-12-07T10:00:00.000001Z"
        assert response.status_code() == 200
        (event,) = chat_app.events.list("user.deactivated")
        assert event["user"]["id"] == "ann" and event["created_by"]["id"] == "mod"
        assert (await sdk("query_users", {"id": "ann"}))["users"] == []
        # Deactivating again succeeds and keeps the original instant.
        chat_app.advance(5)
        again = await sdk("deactivate_user", "ann")
        assert again["user"]["deactivated_at"] == "2024-12-07T10:00:00.000001Z"
        assert len(chat_app.events.list("user.deactivated")) == 1

        response = await sdk("reactivate_user", "ann", name="Annie", restore_messages=True, created_by_id="mod")
        assert "deactivated_at" not in response["user"]
        assert response["user"]["name"] == "Annie"
        (event,) = chat_app.events.list("user.reactivated")
        assert event["user"]["name"] == "Annie" and event["created_by"]["id"] == "mod"
        assert [u["id"] for u in (await sdk("query_users", {"id": "ann"}))["users"]] == ["ann"]

    async def test_errors(self, sdk: Any, seed: Any) -> None:
        seed("ann")
        assert await sdk.fails("deactivate_user", "nobody") == (404, 16)
        assert await sdk.fails("reactivate_user", "nobody") == (404, 16)
        assert await sdk.fails("reactivate_user", "ann") == (400, 4)
        assert await sdk.fails("deactivate_user", "ann", created_by_id="nobody") == (400, 4)
        assert await sdk.fails("deactivate_user", "ann", mark_messages_deleted="yes") == (400, 4)


class TestSingle:
    def test_event_without_actor_has_no_created_by(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        raw.request("POST", "/users/ann/deactivate", json={})
        raw.request("POST", "/users/ann/reactivate", json={})
        assert "created_by" not in chat_app.events.list("user.deactivated")[0]
        assert "created_by" not in chat_app.events.list("user.reactivated")[0]

    def test_server_side_calls_on_a_deactivated_user_keep_working(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        raw.request("POST", "/users/ann/deactivate", json={})
        assert raw.request("PATCH", "/users", json={"users": [{"id": "ann", "set": {"x": 1}}]}).status_code == 200
        assert raw.request("GET", "/users/ann/export").status_code == 200
        assert raw.request("POST", "/users/ann/event", json={"event": {"type": "ping"}}).status_code == 200

    def test_deleted_user_cannot_be_deactivated(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        raw.request("DELETE", "/users/ann")
        assert status_code(raw.request("POST", "/users/ann/deactivate", json={})) == (404, 16)

    def test_reactivate_with_a_taken_name(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        chat_app.settings["enforce_unique_usernames"] = "app"
        seed({"id": "ann", "name": "Ann"}, {"id": "bob", "name": "Bob"})
        raw.request("POST", "/users/ann/deactivate", json={})
        assert status_code(raw.request("POST", "/users/ann/reactivate", json={"name": "bob"})) == (400, 6)
        assert chat_app.users.by_id["ann"].deactivated_at is not None
        assert status_code(raw.request("POST", "/users/ann/reactivate", json={"name": 5})) == (400, 4)


class TestBatch:
    def test_deactivate_users_task(self, raw: RawAPI, seed: Any, chat_app: ChatApp, query_ids: Any) -> None:
        seed("ann", "bob", "mod", "cat")
        raw.request("POST", "/users/bob/deactivate", json={})
        body = {"user_ids": ["ann", "bob", "nobody"], "mark_messages_deleted": True, "mark_channels_deleted": False, "created_by_id": "mod"}
        result = task_result(raw, raw.request("POST", "/users/deactivate", json=body))
        assert result == {"ann": {"status": "ok"}, "bob": {"status": "ok"}, "nobody": {"status": "error", "error": "user does not exist"}}
        assert query_ids({}) == ["cat", "mod"]
        events = chat_app.events.list("user.deactivated")
        assert [e["user"]["id"] for e in events] == ["bob", "ann"]
        assert events[1]["created_by"]["id"] == "mod"

    def test_reactivate_users_task(self, raw: RawAPI, seed: Any, chat_app: ChatApp, query_ids: Any) -> None:
        seed("ann", "bob", "cat")
        raw.request("POST", "/users/deactivate", json={"user_ids": ["ann", "bob"]})
        body = {"user_ids": ["ann", "bob", "cat", "nobody"], "restore_messages": True, "restore_channels": True}
        result = task_result(raw, raw.request("POST", "/users/reactivate", json=body))
        assert result == {
            "ann": {"status": "ok"},
            "bob": {"status": "ok"},
            "cat": {"status": "error", "error": "user is not deactivated"},
            "nobody": {"status": "error", "error": "user does not exist"},
        }
        assert query_ids({}) == ["cat", "bob", "ann"]
        assert [e["user"]["id"] for e in chat_app.events.list("user.reactivated")] == ["ann", "bob"]

    @pytest.mark.parametrize("path", ["/users/deactivate", "/users/reactivate"])
    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"user_ids": []},
            {"user_ids": [f"u{i}" for i in range(101)]},
            {"user_ids": ["ann"], "created_by_id": "nobody"},
            {"user_ids": ["ann"], "mark_messages_deleted": 1, "restore_messages": 1},
        ],
    )
    def test_validation(self, raw: RawAPI, seed: Any, chat_app: ChatApp, path: str, body: dict[str, Any]) -> None:
        seed("ann")
        assert status_code(raw.request("POST", path, json=body)) == (400, 4)
        assert chat_app.tasks.by_id == {}
