"""DELETE /users/{id}, POST /users/delete (task), POST /users/restore."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.moderation import BanRecord, ChannelMute, UserMute
from tests.conftest import RawAPI, status_code, task_result

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)





@pytest.mark.asyncio
class TestThroughSDK:
    async def test_delete_user_soft(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed({"id": "ann", "name": "Ann"}, "bob")
        chat_app.clock.freeze(T0)
        response = await sdk("delete_user", "ann")
        assert response["user"]["id"] == "ann"
        assert response["user"]["name"] == "Ann"
        assert response["user"]["deleted_at"] == "2024-12-07T10:00:00.000001Z"
        task = await sdk("get_task", response["task_id"])
        assert (task["status"], task["result"]) == ("completed", {})
        (event,) = chat_app.events.list("user.deleted")
        assert event == {
            "type": "user.deleted",
            "user": response["user"],
            "hard_delete": False,
            "mark_messages_deleted": False,
            "delete_conversation_channels": False,
            "delete_user": "soft",
            "delete_messages": "",
            "delete_conversation": "",
            "created_at": "2024-12-07T10:00:00.000002Z",
        }
        assert [u["id"] for u in (await sdk("query_users", {}))["users"]] == ["bob"]
        assert chat_app.users.by_id["ann"].deleted_at is not None  # the record is kept
        assert await sdk.fails("delete_user", "ann") == (404, 16)
        assert await sdk.fails("delete_user", "nobody") == (404, 16)

    async def test_delete_user_hard_with_options(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        response = await sdk("delete_user", "ann", hard_delete=True, mark_messages_deleted=True, delete_conversation_channels=True)
        assert "deleted_at" in response["user"]
        assert "ann" not in chat_app.users.by_id
        (event,) = chat_app.events.list("user.deleted")
        assert (event["hard_delete"], event["mark_messages_deleted"], event["delete_conversation_channels"]) == (True, True, True)
        assert (event["delete_user"], event["delete_messages"], event["delete_conversation"]) == ("hard", "hard", "hard")
        # Old references render as a stub of the deleted user.
        assert chat_app.users.render_id("ann") == {
            "id": "ann", "role": "user", "created_at": response["user"]["created_at"],
            "updated_at": response["user"]["updated_at"], "banned": False, "online": False,
            "deleted_at": response["user"]["deleted_at"],
        }

    async def test_delete_users_task(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob", "cat")
        response = await sdk("delete_users", ["ann", "bob", "nobody"], "soft", messages="soft")
        task = await sdk("get_task", response["task_id"])
        assert task["status"] == "completed"
        assert task["result"] == {
            "ann": {"status": "ok"},
            "bob": {"status": "ok"},
            "nobody": {"status": "error", "error": "user does not exist"},
        }
        assert [u["id"] for u in (await sdk("query_users", {}))["users"]] == ["cat"]
        assert [e["user"]["id"] for e in chat_app.events.list("user.deleted")] == ["ann", "bob"]
        assert [e["user"]["id"] for e in chat_app.events.list("user.messages.deleted")] == ["ann", "bob"]
        assert await sdk.fails("delete_users", [], "soft") == (400, 4)
        assert await sdk.fails("delete_users", ["cat"], "nuke") == (400, 4)
        assert await sdk.fails("delete_users", ["cat"], "hard") == (400, 4)

    async def test_restore_users(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed({"id": "ann", "name": "Ann"})
        await sdk("delete_user", "ann")
        response = await sdk("restore_users", ["ann"])
        assert set(response) == {"duration"}
        (user,) = (await sdk("query_users", {"id": "ann"}))["users"]
        assert user["name"] == "Ann" and "deleted_at" not in user
        assert await sdk.fails("restore_users", ["nobody"]) == (400, 4)
        assert await sdk.fails("restore_users", []) == (400, 4)


class TestDeleteUser:
    @pytest.mark.parametrize("spelling", ["True", "true", "1", "t", "TRUE"])
    def test_boolean_spellings(self, raw: RawAPI, seed: Any, chat_app: ChatApp, spelling: str) -> None:
        seed("ann")
        assert raw.request("DELETE", "/users/ann", params={"hard_delete": spelling}).status_code == 200
        assert "ann" not in chat_app.users.by_id

    def test_bad_boolean(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        assert status_code(raw.request("DELETE", "/users/ann", params={"hard_delete": "maybe"})) == (400, 4)

    def test_soft_with_message_options(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        raw.request("DELETE", "/users/ann", params={"mark_messages_deleted": "True", "unknown": "x"})
        (event,) = chat_app.events.list("user.deleted")
        assert (event["hard_delete"], event["mark_messages_deleted"], event["delete_messages"]) == (False, True, "soft")
        assert chat_app.events.list("user.messages.deleted") == []

    def test_new_channel_owner_must_exist(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        response = raw.request("DELETE", "/users/ann", params={"hard_delete": "true", "new_channel_owner_id": "nobody"})
        assert status_code(response) == (400, 4)
        assert "ann" in chat_app.users.by_id
        response = raw.request("DELETE", "/users/ann", params={"hard_delete": "true", "new_channel_owner_id": "bob"})
        assert response.status_code == 200

    def test_hard_delete_forgets_bans_and_mutes(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        now = chat_app.clock.now()
        chat_app.bans[("ann", None)] = BanRecord("ann", None, now)
        chat_app.user_mutes[("bob", "ann")] = UserMute("bob", "ann", now, now)
        chat_app.user_mutes[("ann", "bob")] = UserMute("ann", "bob", now, now)
        chat_app.channel_mutes[("ann", "messaging:x")] = ChannelMute("ann", "messaging:x", now, now)
        raw.request("DELETE", "/users/ann", params={"hard_delete": "true"})
        assert chat_app.bans == {} and chat_app.user_mutes == {} and chat_app.channel_mutes == {}

    def test_restore_brings_the_record_back_unchanged(self, raw: RawAPI, seed: Any) -> None:
        seed({"id": "ann", "name": "Ann", "x": 1})
        raw.request("DELETE", "/users/ann")
        raw.request("POST", "/users/restore", json={"user_ids": ["ann"]})
        user = raw.request("PATCH", "/users", json={"users": [{"id": "ann", "set": {"y": 2}}]}).json()["users"]["ann"]
        assert (user["name"], user["x"], user["y"]) == ("Ann", 1, 2)


class TestDeleteUsers:
    def test_modes(self, raw: RawAPI, seed: Any, chat_app: ChatApp, query_ids: Any) -> None:
        seed({"id": "ann", "name": "Ann", "image": "a.png", "x": 1, "role": "admin"}, "bob", "cat")
        result = task_result(raw, raw.request("POST", "/users/delete", json={"user_ids": ["ann"], "user": "pruning"}))
        assert result == {"ann": {"status": "ok"}}
        ann = chat_app.users.by_id["ann"]
        assert ann.custom == {} and ann.deleted_at is not None and ann.role == "admin"
        (event,) = chat_app.events.list("user.deleted")
        assert event["delete_user"] == "pruning" and "name" not in event["user"]
        body = {"user_ids": ["bob"], "user": "hard", "messages": "hard", "conversations": "hard"}
        assert task_result(raw, raw.request("POST", "/users/delete", json=body)) == {"bob": {"status": "ok"}}
        assert "bob" not in chat_app.users.by_id
        assert query_ids({}) == ["cat"]

    def test_escalation_and_repeats(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        raw.request("POST", "/users/delete", json={"user_ids": ["ann"], "user": "soft"})
        first = chat_app.users.by_id["ann"].deleted_at
        # Soft again: ok, nothing changes, no new event.
        assert task_result(raw, raw.request("POST", "/users/delete", json={"user_ids": ["ann"], "user": "soft"})) == {"ann": {"status": "ok"}}
        assert len(chat_app.events.list("user.deleted")) == 1
        # Pruning a soft-deleted user, then hard-deleting it.
        raw.request("POST", "/users/delete", json={"user_ids": ["ann"], "user": "pruning"})
        assert chat_app.users.by_id["ann"].deleted_at == first
        assert chat_app.users.by_id["ann"].delete_type == "pruning"
        body = {"user_ids": ["ann"], "user": "hard", "messages": "hard", "conversations": "hard"}
        raw.request("POST", "/users/delete", json=body)
        assert "ann" not in chat_app.users.by_id
        assert task_result(raw, raw.request("POST", "/users/delete", json=body)) == {"ann": {"status": "error", "error": "user does not exist"}}

    def test_event_payload_and_legacy_options(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        body = {"user_ids": ["ann", "ann"], "user": "soft", "mark_messages_deleted": True, "delete_conversation_channels": True,
                "calls": "soft", "new_call_owner_id": "x"}
        assert task_result(raw, raw.request("POST", "/users/delete", json=body)) == {"ann": {"status": "ok"}}
        (event,) = chat_app.events.list("user.deleted")
        assert {k: event[k] for k in ("delete_user", "delete_messages", "delete_conversation", "hard_delete",
                                      "mark_messages_deleted", "delete_conversation_channels")} == {
            "delete_user": "soft", "delete_messages": "soft", "delete_conversation": "soft",
            "hard_delete": False, "mark_messages_deleted": True, "delete_conversation_channels": True,
        }
        (messages_event,) = chat_app.events.list("user.messages.deleted")
        assert messages_event["user"]["id"] == "ann" and messages_event["hard_delete"] is False

    def test_default_mode_is_soft(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        assert task_result(raw, raw.request("POST", "/users/delete", json={"user_ids": ["ann"], "messages": ""})) == {"ann": {"status": "ok"}}
        assert chat_app.users.by_id["ann"].delete_type == "soft"

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"user_ids": []},
            {"user_ids": "ann"},
            {"user_ids": [1]},
            {"user_ids": [f"u{i}" for i in range(101)]},
            {"user_ids": ["ann"], "user": "nuke"},
            {"user_ids": ["ann"], "user": 1},
            {"user_ids": ["ann"], "messages": "gone"},
            {"user_ids": ["ann"], "conversations": "pruning"},
            {"user_ids": ["ann"], "user": "hard"},
            {"user_ids": ["ann"], "user": "hard", "messages": "hard"},
            {"user_ids": ["ann"], "user": "hard", "conversations": "hard", "messages": "soft"},
            {"user_ids": ["ann"], "new_channel_owner_id": "nobody"},
            {"user_ids": ["ann"], "mark_messages_deleted": "yes"},
        ],
    )
    def test_validation(self, raw: RawAPI, seed: Any, chat_app: ChatApp, body: dict[str, Any]) -> None:
        seed("ann")
        assert status_code(raw.request("POST", "/users/delete", json=body)) == (400, 4)
        assert chat_app.users.by_id["ann"].deleted_at is None
        assert chat_app.tasks.by_id == {}

    def test_hundred_ids_are_allowed(self, raw: RawAPI, seed: Any) -> None:
        seed(*[f"u{i}" for i in range(100)])
        result = task_result(raw, raw.request("POST", "/users/delete", json={"user_ids": [f"u{i}" for i in range(100)], "user": "soft"}))
        assert len(result) == 100


class TestRestore:
    def test_restore_is_atomic_and_ignores_live_users(self, raw: RawAPI, seed: Any, chat_app: ChatApp, query_ids: Any) -> None:
        seed("ann", "bob", "cat")
        raw.request("DELETE", "/users/ann")
        raw.request("DELETE", "/users/bob", params={"hard_delete": "true"})
        assert status_code(raw.request("POST", "/users/restore", json={"user_ids": ["ann", "bob"]})) == (400, 4)
        assert chat_app.users.by_id["ann"].deleted_at is not None
        response = raw.request("POST", "/users/restore", json={"user_ids": ["ann", "cat"]})
        assert response.status_code == 200 and set(response.json()) == {"duration"}
        assert query_ids({}) == ["cat", "ann"]
        assert chat_app.events.list("user.updated")[-1]["user"]["id"] == "cat"  # no restore event

    def test_pruned_users_cannot_be_restored(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        raw.request("POST", "/users/delete", json={"user_ids": ["ann"], "user": "pruning"})
        assert status_code(raw.request("POST", "/users/restore", json={"user_ids": ["ann"]})) == (400, 4)

    @pytest.mark.parametrize("body", [{}, {"user_ids": []}, {"user_ids": "ann"}, {"user_ids": [f"u{i}" for i in range(101)]}])
    def test_validation(self, raw: RawAPI, body: dict[str, Any]) -> None:
        assert status_code(raw.request("POST", "/users/restore", json=body)) == (400, 4)
