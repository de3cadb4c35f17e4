"""PATCH /users (update_users_partial / update_user_partial / revoke_user(s)_token)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import RawAPI, status_code

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)


def patch(raw: RawAPI, *updates: dict[str, Any]) -> Any:
    return raw.request("PATCH", "/users", json={"users": list(updates)})



@pytest.mark.asyncio
class TestThroughSDK:
    async def test_set_and_unset_with_dot_paths(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        chat_app.clock.freeze(T0)
        seed({"id": "ann", "field": {"keep": 1, "unset": 2}, "gone": True, "name": "Ann"})
        chat_app.advance(10)
        response = await sdk(
            "update_user_partial",
            {"id": "ann", "set": {"role": "admin", "field2.subfield": "t", "field.text": "v"}, "unset": ["field.unset", "gone"]},
        )
        user = response["users"]["ann"]
        assert user["role"] == "admin"
        assert user["field"] == {"keep": 1, "text": "v"}
        assert user["field2"] == {"subfield": "t"}
        assert "gone" not in user
        assert user["name"] == "Ann"
        assert user["updated_at"] == "2024-12-07T10:00:10.000000Z"
        assert user["created_at"] == "2024-12-07T10:00:00.000001Z"
        assert user["devices"] == [] and user["total_unread_count"] == 0
        (event,) = chat_app.events.list("user.updated")[1:]
        assert event["user"]["field"] == {"keep": 1, "text": "v"}

    async def test_batch(self, sdk: Any, seed: Any) -> None:
        seed("ann", "bob")
        response = await sdk("update_users_partial", [{"id": "ann", "set": {"x": 1}}, {"id": "bob", "set": {"x": 2}}])
        assert {uid: u["x"] for uid, u in response["users"].items()} == {"ann": 1, "bob": 2}

    async def test_errors(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed("ann")
        assert await sdk.fails("update_user_partial", {"id": "nobody", "set": {"x": 1}}) == (404, 16)
        assert await sdk.fails("update_user_partial", {"id": "ann", "set": {"x": 1}, "unset": ["x"]}) == (400, 4)
        assert await sdk.fails("update_user_partial", {"id": "ann", "set": {"created_at": "2020-01-01T00:00:00Z"}}) == (400, 4)
        assert await sdk.fails("update_user_partial", {"id": "ann", "set": {"role": "emperor"}}) == (400, 4)
        chat_app.settings["enforce_unique_usernames"] = "app"
        seed({"id": "bob", "name": "Bob"})
        assert await sdk.fails("update_user_partial", {"id": "ann", "set": {"name": "B.O.B"}}) == (400, 6)

    async def test_revoke_user_token_helpers(self, sdk: Any, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        response = await sdk("revoke_user_token", "ann", datetime(2024, 5, 1, 10, 0, 0, 123456))
        assert response["users"]["ann"]["revoke_tokens_issued_before"] == "2024-05-01T10:00:00.123456Z"
        response = await sdk("revoke_users_token", ["ann", "bob"], "2024-05-02T10:00:00+02:00")
        assert {u["revoke_tokens_issued_before"] for u in response["users"].values()} == {"2024-05-02T08:00:00.000000Z"}
        assert chat_app.users.by_id["bob"].revoke_tokens_issued_before == datetime(2024, 5, 2, 8, tzinfo=UTC)
        response = await sdk("revoke_user_token", "ann", None)
        assert "revoke_tokens_issued_before" not in response["users"]["ann"]
        assert chat_app.users.by_id["ann"].revoke_tokens_issued_before is None


class TestSemantics:
    def test_set_replaces_values_and_creates_intermediate_objects(self, raw: RawAPI, seed: Any) -> None:
        seed({"id": "ann", "a": "scalar", "obj": {"x": 1}})
        user = patch(raw, {"id": "ann", "set": {"a.b.c": 1, "obj": {"y": 2}}}).json()["users"]["ann"]
        assert user["a"] == {"b": {"c": 1}}
        assert user["obj"] == {"y": 2}

    def test_set_applies_in_order_before_unset(self, raw: RawAPI, seed: Any) -> None:
        seed({"id": "ann", "obj": {"x": 1, "y": 2}})
        user = patch(raw, {"id": "ann", "set": {"obj.z": 3}, "unset": ["obj.x", "missing.deep", "never"]}).json()["users"]["ann"]
        assert user["obj"] == {"y": 2, "z": 3}

    def test_built_ins(self, raw: RawAPI, seed: Any) -> None:
        seed({"id": "ann", "name": "Ann", "image": "a.png", "language": "en", "teams": ["red"]})
        user = patch(raw, {
            "id": "ann",
            "set": {"teams": ["blue"], "teams_role": {"blue": "moderator"}, "language": "fr",
                    "privacy_settings.read_receipts.enabled": False, "push_notifications": {"disabled": True}},
            "unset": ["name", "image"],
        }).json()["users"]["ann"]
        assert user["teams"] == ["blue"]
        assert user["teams_role"] == {"blue": "moderator"}
        assert user["language"] == "fr"
        assert user["privacy_settings"] == {"read_receipts": {"enabled": False}}
        assert user["push_notifications"] == {"disabled": True}
        assert "name" not in user and "image" not in user
        user = patch(raw, {"id": "ann", "unset": ["teams", "language", "privacy_settings", "teams_role"]}).json()["users"]["ann"]
        assert user["teams"] == [] and user["language"] == ""
        assert "privacy_settings" not in user and "teams_role" not in user

    def test_null_in_set_removes(self, raw: RawAPI, seed: Any) -> None:
        seed({"id": "ann", "x": 1, "name": "Ann"})
        user = patch(raw, {"id": "ann", "set": {"x": None, "name": None}}).json()["users"]["ann"]
        assert "x" not in user and "name" not in user

    def test_empty_patch_is_a_no_op(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        before = seed({"id": "ann", "x": 1})["ann"]
        events = len(chat_app.events)
        response = patch(raw, {"id": "ann"}, {"id": "ann", "set": {}, "unset": []})
        assert response.status_code == 200
        assert response.json()["users"]["ann"]["updated_at"] == before["updated_at"]
        assert len(chat_app.events) == events

    def test_same_user_twice_accumulates(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        user = patch(raw, {"id": "ann", "set": {"a": 1}}, {"id": "ann", "set": {"b": 2}}).json()["users"]["ann"]
        assert (user["a"], user["b"]) == (1, 2)

    def test_deactivated_user_can_be_updated(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        raw.request("POST", "/users/ann/deactivate", json={})
        assert patch(raw, {"id": "ann", "set": {"x": 1}}).json()["users"]["ann"]["x"] == 1

    def test_nested_custom_in_set_is_flattened(self, raw: RawAPI, seed: Any) -> None:
        seed("ann")
        user = patch(raw, {"id": "ann", "set": {"custom": {"color": "red"}}}).json()["users"]["ann"]
        assert user["color"] == "red" and "custom" not in user


class TestEvents:
    def test_updated_and_presence(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        chat_app.events.clear()
        patch(raw, {"id": "ann", "set": {"invisible": True}}, {"id": "bob", "set": {"x": 1}})
        assert [(e["type"], e["user"]["id"]) for e in chat_app.events.list()] == [
            ("user.updated", "ann"), ("user.updated", "bob"), ("user.presence.changed", "ann"),
        ]
        assert chat_app.events.list("user.presence.changed")[0]["user"]["invisible"] is True
        chat_app.events.clear()
        patch(raw, {"id": "ann", "set": {"invisible": True}})
        assert [e["type"] for e in chat_app.events.list()] == ["user.updated"]
        patch(raw, {"id": "ann", "unset": ["invisible"]})
        assert [e["type"] for e in chat_app.events.list()][-1] == "user.presence.changed"


class TestValidation:
    @pytest.mark.parametrize(
        "update",
        [
            {"id": "ann", "set": {"x": 1}, "unset": ["x"]},
            {"id": "ann", "set": {"a.b": 1}, "unset": ["a.b"]},
            {"id": "ann", "set": {"id": "other"}},
            {"id": "ann", "unset": ["id"]},
            {"id": "ann", "set": {"created_at": "2020-01-01T00:00:00Z"}},
            {"id": "ann", "set": {"banned": True}},
            {"id": "ann", "unset": ["deactivated_at"]},
            {"id": "ann", "set": {"online": True}},
            {"id": "ann", "set": {"mutes.x": 1}},
            {"id": "ann", "unset": ["role"]},
            {"id": "ann", "set": {"role": None}},
            {"id": "ann", "set": {"role": "channel_moderator"}},
            {"id": "ann", "set": {"name": 3}},
            {"id": "ann", "set": {"name.first": "A"}},
            {"id": "ann", "set": {"teams": "red"}},
            {"id": "ann", "set": {"invisible": "no"}},
            {"id": "ann", "set": {"revoke_tokens_issued_before": "not a date"}},
            {"id": "ann", "set": {"bad key": 1}},
            {"id": "ann", "set": {"a..b": 1}},
            {"id": "ann", "set": {".a": 1}},
            {"id": "ann", "unset": ["a b"]},
            {"id": "ann", "set": ["x"]},
            {"id": "ann", "unset": "x"},
            {"id": "ann", "unset": [1]},
            {"set": {"x": 1}},
            {"id": 5, "set": {"x": 1}},
        ],
    )
    def test_invalid_update_is_rejected_atomically(self, raw: RawAPI, seed: Any, chat_app: ChatApp, update: dict[str, Any]) -> None:
        seed({"id": "ann", "x": 0}, {"id": "bob", "x": 0})
        events = len(chat_app.events)
        response = patch(raw, {"id": "bob", "set": {"x": 9}}, update)
        assert status_code(response) == (400, 4)
        assert chat_app.users.by_id["bob"].custom == {"x": 0}
        assert len(chat_app.events) == events

    def test_unknown_or_deleted_user_is_not_found(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        seed("ann", "bob")
        raw.request("DELETE", "/users/bob")
        assert status_code(patch(raw, {"id": "ann", "set": {"x": 1}}, {"id": "nobody", "set": {"x": 1}})) == (404, 16)
        assert status_code(patch(raw, {"id": "bob", "set": {"x": 1}})) == (404, 16)
        assert "x" not in chat_app.users.by_id["ann"].custom

    def test_body_shape_and_batch_limit(self, raw: RawAPI, seed: Any) -> None:
        assert status_code(raw.request("PATCH", "/users", json={})) == (400, 4)
        assert status_code(raw.request("PATCH", "/users", json={"users": {"ann": {}}})) == (400, 4)
        assert status_code(raw.request("PATCH", "/users", json={"users": ["ann"]})) == (400, 4)
        seed(*[f"u{i}" for i in range(100)])
        updates = [{"id": f"u{i}", "set": {"n": i}} for i in range(100)]
        assert patch(raw, *updates).status_code == 200
        assert status_code(patch(raw, *updates, {"id": "u0", "set": {"n": 1}})) == (400, 4)
        assert raw.request("PATCH", "/users", json={"users": []}).json()["users"] == {}

    def test_unique_username_on_set(self, raw: RawAPI, seed: Any, chat_app: ChatApp) -> None:
        chat_app.settings["enforce_unique_usernames"] = "team"
        seed({"id": "ann", "name": "Sam", "teams": ["red"]}, {"id": "bob", "teams": ["red"]}, {"id": "cat", "teams": ["blue"]})
        assert status_code(patch(raw, {"id": "bob", "set": {"name": "SAM"}})) == (400, 6)
        assert patch(raw, {"id": "cat", "set": {"name": "SAM"}}).status_code == 200
        # Moving into a team where the name is taken is a conflict too.
        assert status_code(patch(raw, {"id": "cat", "set": {"teams": ["red"]}})) == (400, 6)
