"""POST /users (upsert_users / upsert_user): creation, replacement, validation, events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.moderation import BanRecord, UserMute
from tests.conftest import RawAPI, status_code

T0 = datetime(2024, 12, 7, 10, 0, 0, tzinfo=UTC)


def upsert(raw: RawAPI, *users: dict[str, Any]) -> Any:
    return raw.request("POST", "/users", json={"users": {u["id"]: u for u in users}})



@pytest.mark.asyncio
class TestThroughSDK:
    async def test_creates_users_with_defaults_and_full_user_fields(self, sdk: Any, chat_app: ChatApp) -> None:
        chat_app.clock.freeze(T0)
        response = await sdk("upsert_users", [{"id": "ann", "name": "Ann", "role": "admin", "book": "dune"}, {"id": "bob"}])
        assert list(response["users"]) == ["ann", "bob"]
        assert response["users"]["ann"] == {
            "id": "ann",
            "name": "Ann",
            "book": "dune",
            "role": "admin",
            "language": "",
            "teams": [],
            "created_at": "2024-12-07T10:00:00.000001Z",
            "updated_at": "2024-12-07T10:00:00.000001Z",
            "banned": False,
            "online": False,
            "shadow_banned": False,
            "invisible": False,
            "blocked_user_ids": [],
            "devices": [],
            "mutes": [],
            "channel_mutes": [],
            "total_unread_count": 0,
            "unread_count": 0,
            "unread_channels": 0,
            "unread_threads": 0,
            "latest_hidden_channels": [],
        }
        assert response["users"]["bob"]["role"] == "user"
        assert response["users"]["bob"]["created_at"] == "2024-12-07T10:00:00.000002Z"
        assert "membership_deletion_task_id" not in response
        assert response.status_code() == 200
        assert [e["user"]["id"] for e in chat_app.events.list("user.updated")] == ["ann", "bob"]

    async def test_upsert_user_and_deprecated_aliases(self, sdk: Any, chat_app: ChatApp) -> None:
        response = await sdk("upsert_user", {"id": "ann", "color": "red"})
        assert response["users"]["ann"]["color"] == "red"
        with pytest.warns(DeprecationWarning):
            response = await sdk("update_user", {"id": "ann", "color": "blue"})
        assert response["users"]["ann"]["color"] == "blue"
        with pytest.warns(DeprecationWarning):
            response = await sdk("update_users", [{"id": "bob"}])
        assert list(response["users"]) == ["bob"]
        assert set(chat_app.users.by_id) == {"ann", "bob"}

    async def test_existing_user_is_replaced_but_keeps_role_and_teams(self, sdk: Any, chat_app: ChatApp) -> None:
        chat_app.clock.freeze(T0)
        await sdk("upsert_user", {"id": "ann", "name": "Ann", "image": "i.png", "language": "fr", "role": "admin", "teams": ["red"], "book": "dune"})
        chat_app.advance(60)
        user = (await sdk("upsert_user", {"id": "ann", "movie": "alien"}))["users"]["ann"]
        assert user["movie"] == "alien"
        for removed in ("name", "image", "book"):
            assert removed not in user
        assert user["language"] == ""
        assert user["role"] == "admin"
        assert user["teams"] == ["red"]
        assert user["created_at"] == "2024-12-07T10:00:00.000001Z"
        assert user["updated_at"] == "2024-12-07T10:01:00.000000Z"

    async def test_errors(self, sdk: Any, chat_app: ChatApp, raw: RawAPI) -> None:
        assert await sdk.fails("upsert_user", {"id": "ann", "role": "emperor"}) == (400, 4)
        assert await sdk.fails("upsert_user", {"id": "bad id"}) == (400, 4)
        upsert(raw, {"id": "gone"})
        raw.request("DELETE", "/users/gone")
        assert await sdk.fails("upsert_user", {"id": "gone"}) == (400, 4)
        chat_app.settings["enforce_unique_usernames"] = "app"
        await sdk("upsert_user", {"id": "ann", "name": "John Doe"})
        assert await sdk.fails("upsert_user", {"id": "bob", "name": "john.doe"}) == (400, 6)
        assert "bob" not in chat_app.users.by_id


class TestReplacement:
    def test_built_in_state_is_kept_when_omitted(self, raw: RawAPI) -> None:
        upsert(raw, {"id": "ann", "invisible": True, "privacy_settings": {"typing_indicators": {"enabled": False}},
                     "push_notifications": {"disabled": True}, "teams_role": {"red": "admin"}, "teams": ["red"],
                     "revoke_tokens_issued_before": "2024-01-01T00:00:00Z"})
        user = upsert(raw, {"id": "ann"}).json()["users"]["ann"]
        assert user["invisible"] is True
        assert user["privacy_settings"] == {"typing_indicators": {"enabled": False}}
        assert user["push_notifications"] == {"disabled": True}
        assert user["teams_role"] == {"red": "admin"}
        assert user["revoke_tokens_issued_before"] == "2024-01-01T00:00:00.000000Z"

    def test_given_built_ins_replace_and_null_revocation_clears(self, raw: RawAPI) -> None:
        upsert(raw, {"id": "ann", "role": "admin", "teams": ["red"], "revoke_tokens_issued_before": "2024-01-01T00:00:00Z"})
        user = upsert(raw, {"id": "ann", "role": "moderator", "teams": [], "revoke_tokens_issued_before": None}).json()["users"]["ann"]
        assert user["role"] == "moderator"
        assert user["teams"] == []
        assert "revoke_tokens_issued_before" not in user

    def test_null_values_are_absent(self, raw: RawAPI) -> None:
        upsert(raw, {"id": "ann", "name": "Ann", "role": "admin"})
        user = upsert(raw, {"id": "ann", "name": None, "role": None, "book": None}).json()["users"]["ann"]
        assert "name" not in user and "book" not in user
        assert user["role"] == "admin"

    def test_server_computed_keys_are_ignored(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.clock.freeze(T0)
        user = upsert(raw, {"id": "ann", "created_at": "2000-01-01T00:00:00Z", "banned": True, "online": True,
                            "deactivated_at": "2000-01-01T00:00:00Z", "last_active": "2000-01-01T00:00:00Z",
                            "mutes": ["x"], "unread_count": 9}).json()["users"]["ann"]
        assert user["created_at"] == "2024-12-07T10:00:00.000001Z"
        assert user["banned"] is False and user["online"] is False
        assert "deactivated_at" not in user and "last_active" not in user
        assert user["mutes"] == [] and user["unread_count"] == 0

    def test_nested_custom_object_is_flattened(self, raw: RawAPI) -> None:
        user = upsert(raw, {"id": "ann", "custom": {"color": "red", "size": 3}, "size": 4}).json()["users"]["ann"]
        assert user["color"] == "red"
        assert user["size"] == 4  # a top-level key wins over the nested one
        assert "custom" not in user

    def test_custom_values_of_any_json_type_round_trip(self, raw: RawAPI, query: Any) -> None:
        data = {"id": "ann", "n": 1.5, "flag": False, "list": [1, "a", None], "obj": {"x": {"y": [True]}}, "uni": "żółw"}
        assert {k: v for k, v in upsert(raw, data).json()["users"]["ann"].items() if k in data} == data
        assert {k: v for k, v in query({"id": "ann"}).json()["users"][0].items() if k in data} == data

    def test_missing_id_in_value_uses_the_key(self, raw: RawAPI) -> None:
        response = raw.request("POST", "/users", json={"users": {"ann": {"name": "Ann"}}})
        assert response.status_code == 200
        assert response.json()["users"]["ann"]["id"] == "ann"

    def test_hard_deleted_id_can_be_reused(self, raw: RawAPI, chat_app: ChatApp) -> None:
        first = upsert(raw, {"id": "ann", "book": "x"}).json()["users"]["ann"]
        assert raw.request("DELETE", "/users/ann", params={"hard_delete": "true"}).status_code == 200
        chat_app.advance(1)
        again = upsert(raw, {"id": "ann"}).json()["users"]["ann"]
        assert again["created_at"] > first["created_at"]
        assert "deleted_at" not in again and "book" not in again

    def test_deactivated_user_stays_deactivated(self, raw: RawAPI) -> None:
        upsert(raw, {"id": "ann"})
        raw.request("POST", "/users/ann/deactivate", json={})
        user = upsert(raw, {"id": "ann", "name": "Ann"}).json()["users"]["ann"]
        assert "deactivated_at" in user

    def test_empty_map_is_a_no_op(self, raw: RawAPI, chat_app: ChatApp) -> None:
        response = raw.request("POST", "/users", json={"users": {}})
        assert response.status_code == 200
        assert response.json()["users"] == {}
        assert chat_app.events.list() == []


class TestEvents:
    def test_user_updated_for_every_user_also_on_creation(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.clock.freeze(T0)
        upsert(raw, {"id": "ann", "name": "Ann"}, {"id": "bob"})
        events = chat_app.events.list()
        assert [e["type"] for e in events] == ["user.updated", "user.updated"]
        assert events[0]["user"]["name"] == "Ann"
        assert events[0]["created_at"] > "2024-12-07T10:00:00"

    def test_invisible_flip_also_changes_presence(self, raw: RawAPI, chat_app: ChatApp) -> None:
        upsert(raw, {"id": "ann"})
        upsert(raw, {"id": "ann", "invisible": True})
        upsert(raw, {"id": "ann", "invisible": True})
        types = [e["type"] for e in chat_app.events.list()]
        assert types == ["user.updated", "user.updated", "user.presence.changed", "user.updated"]


class TestValidation:
    @pytest.mark.parametrize(
        "user",
        [
            {"id": "a b"},
            {"id": "x" * 256},
            {"id": "ann", "name": 5},
            {"id": "ann", "image": ["x"]},
            {"id": "ann", "language": 1},
            {"id": "ann", "invisible": "yes"},
            {"id": "ann", "role": ""},
            {"id": "ann", "role": "emperor"},
            {"id": "ann", "role": "channel_member"},
            {"id": "ann", "teams": "red"},
            {"id": "ann", "teams": [1]},
            {"id": "ann", "teams": ["t"] * 0 + [f"t{i}" for i in range(251)]},
            {"id": "ann", "teams": ["x" * 101]},
            {"id": "ann", "teams_role": {"red": "emperor"}},
            {"id": "ann", "teams_role": ["admin"]},
            {"id": "ann", "privacy_settings": True},
            {"id": "ann", "privacy_settings": {"read_receipts": {"enabled": "no"}}},
            {"id": "ann", "push_notifications": {"disabled": 1}},
            {"id": "ann", "push_notifications": {"disabled_until": "tomorrow"}},
            {"id": "ann", "revoke_tokens_issued_before": "yesterday"},
            {"id": "ann", "bad.key": 1},
            {"id": "ann", "bad key": 1},
            {"id": "ann", "blob": "x" * 5200},
        ],
    )
    def test_invalid_user_is_rejected(self, raw: RawAPI, chat_app: ChatApp, user: dict[str, Any]) -> None:
        assert status_code(upsert(raw, user)) == (400, 4)
        assert chat_app.users.by_id == {}

    def test_limits_of_ids_and_teams_are_inclusive(self, raw: RawAPI) -> None:
        ok = upsert(raw, {"id": "@A_b-1" + "x" * 249, "teams": [f"t{i}" for i in range(250)] + ["y" * 100]})
        assert ok.status_code == 400  # 251 teams
        ok = upsert(raw, {"id": "@A_b-1" + "x" * 249, "teams": [f"t{i}" for i in range(249)] + ["y" * 100]})
        assert ok.status_code == 200, ok.text

    def test_body_shape(self, raw: RawAPI) -> None:
        assert status_code(raw.request("POST", "/users", json={})) == (400, 4)
        assert status_code(raw.request("POST", "/users", json={"users": [{"id": "ann"}]})) == (400, 4)
        assert status_code(raw.request("POST", "/users", json={"users": {"ann": "ann"}})) == (400, 4)
        assert status_code(raw.request("POST", "/users", content=b"{not json")) == (400, 4)

    def test_key_must_match_id(self, raw: RawAPI) -> None:
        response = raw.request("POST", "/users", json={"users": {"ann": {"id": "bob"}}})
        assert status_code(response) == (400, 4)

    def test_at_most_100_users(self, raw: RawAPI, chat_app: ChatApp) -> None:
        users = [{"id": f"u{i}"} for i in range(101)]
        assert status_code(upsert(raw, *users)) == (400, 4)
        assert upsert(raw, *users[:100]).status_code == 200
        assert len(chat_app.users.by_id) == 100

    def test_batch_is_atomic(self, raw: RawAPI, chat_app: ChatApp) -> None:
        upsert(raw, {"id": "ann", "name": "Ann"})
        events_before = len(chat_app.events)
        response = upsert(raw, {"id": "ann", "name": "Changed"}, {"id": "bob"}, {"id": "cat", "role": "nope"})
        assert status_code(response) == (400, 4)
        assert set(chat_app.users.by_id) == {"ann"}
        assert chat_app.users.by_id["ann"].name == "Ann"
        assert len(chat_app.events) == events_before

    def test_soft_deleted_user_cannot_be_upserted_until_restored(self, raw: RawAPI) -> None:
        upsert(raw, {"id": "ann"})
        raw.request("DELETE", "/users/ann")
        response = upsert(raw, {"id": "ann"})
        assert status_code(response) == (400, 4)
        assert "deleted" in response.json()["message"]
        raw.request("POST", "/users/restore", json={"user_ids": ["ann"]})
        assert upsert(raw, {"id": "ann"}).status_code == 200

    def test_custom_roles_are_consulted(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.access.create_role("special")
        assert upsert(raw, {"id": "ann", "role": "special", "teams_role": {"red": "special"}}).status_code == 200
        assert status_code(upsert(raw, {"id": "bob", "role": "other"})) == (400, 4)


class TestUniqueUsernames:
    def test_app_scope(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.settings["enforce_unique_usernames"] = "app"
        upsert(raw, {"id": "ann", "name": "John Doe"})
        response = upsert(raw, {"id": "bob", "name": "john.doe!"})
        assert status_code(response) == (400, 6)
        # The same user may keep (or re-send) its own name.
        assert upsert(raw, {"id": "ann", "name": "JOHN DOE"}).status_code == 200
        # Two new users with the same name in one batch.
        assert status_code(upsert(raw, {"id": "c1", "name": "Zed"}, {"id": "c2", "name": "zed"})) == (400, 6)
        assert upsert(raw, {"id": "bob", "name": "Jane"}).status_code == 200

    def test_team_scope(self, raw: RawAPI, chat_app: ChatApp) -> None:
        chat_app.settings["enforce_unique_usernames"] = "team"
        upsert(raw, {"id": "ann", "name": "Sam", "teams": ["red", "blue"]})
        assert status_code(upsert(raw, {"id": "bob", "name": "sam", "teams": ["blue"]})) == (400, 6)
        assert upsert(raw, {"id": "bob", "name": "sam", "teams": ["green"]}).status_code == 200
        assert upsert(raw, {"id": "cat", "name": "sam"}).status_code == 200  # no team, no constraint

    def test_off_by_default_and_deleted_users_do_not_hold_names(self, raw: RawAPI, chat_app: ChatApp) -> None:
        upsert(raw, {"id": "ann", "name": "Sam"})
        assert upsert(raw, {"id": "bob", "name": "Sam"}).status_code == 200
        chat_app.settings["enforce_unique_usernames"] = "app"
        raw.request("DELETE", "/users/bob")
        assert status_code(upsert(raw, {"id": "cat", "name": "sam"})) == (400, 6)
        raw.request("DELETE", "/users/ann")
        assert upsert(raw, {"id": "cat", "name": "sam"}).status_code == 200


class TestFullUser:
    def test_mutes_and_bans_show_on_the_user(self, raw: RawAPI, chat_app: ChatApp) -> None:
        upsert(raw, {"id": "ann"}, {"id": "bob"}, {"id": "cat"})
        now = chat_app.clock.now()
        chat_app.user_mutes[("ann", "bob")] = UserMute("ann", "bob", now, now, expires=now + timedelta(minutes=5))
        chat_app.user_mutes[("ann", "cat")] = UserMute("ann", "cat", now, now, expires=now - timedelta(minutes=5))
        chat_app.bans[("bob", None)] = BanRecord("bob", None, now, expires=now + timedelta(hours=1))
        chat_app.bans[("cat", None)] = BanRecord("cat", None, now, shadow=True)
        users = upsert(raw, {"id": "ann"}, {"id": "bob"}, {"id": "cat"}).json()["users"]
        (mute,) = users["ann"]["mutes"]
        assert mute["user"]["id"] == "ann"
        assert mute["target"]["id"] == "bob"
        assert mute["expires"] == (now + timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert users["bob"]["banned"] is True and users["bob"]["shadow_banned"] is False
        assert users["bob"]["ban_expires"] == (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert users["cat"]["banned"] is False and users["cat"]["shadow_banned"] is True
