"""User mutes: POST /moderation/mute and /moderation/unmute (moderation §2.4-§2.5)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.timefmt import parse_time
from stream_chat.base.exceptions import StreamAPIException
from tests.conftest import RawAPI, status_code
from tests.fake.moderation.conftest import World, ok


def _ids(users: list[dict[str, Any]]) -> list[str]:
    return [u["id"] for u in users]


class TestMuteSDK:
    def test_mute_user_with_timeout(self, client: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob")
        response = client.mute_user("bob", "alice", timeout=30)
        assert response.status_code() == 200
        mute = response["mute"]
        assert mute["user"]["id"] == "alice"
        assert mute["target"]["id"] == "bob"
        created = parse_time(mute["created_at"], "created_at")
        assert mute["updated_at"] == mute["created_at"]
        assert parse_time(mute["expires"], "expires") == created + timedelta(minutes=30)
        own = response["own_user"]
        assert own["id"] == "alice"
        assert [(m["user"]["id"], m["target"]["id"]) for m in own["mutes"]] == [("alice", "bob")]
        assert own["channel_mutes"] == []
        assert "mutes" not in response
        assert response["non_existing_users"] == []
        assert chat_app.active_user_mute("alice", "bob") is not None

    def test_mute_without_timeout_is_indefinite(self, client: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob")
        mute = client.mute_user("bob", "alice")["mute"]
        assert "expires" not in mute
        chat_app.advance(365 * 24 * 3600)
        assert chat_app.active_user_mute("alice", "bob") is not None

    def test_mute_users_many_targets(self, client: Any, world: World) -> None:
        world.users("alice", "bob", "carol")
        response = client.mute_users(["bob", "carol", "ghost"], "alice", timeout=5)
        assert [m["target"]["id"] for m in response["mutes"]] == ["bob", "carol"]
        assert "mute" not in response
        assert response["non_existing_users"] == ["ghost"]
        assert sorted(m["target"]["id"] for m in response["own_user"]["mutes"]) == ["bob", "carol"]

    def test_mute_users_single_target_answers_mute_and_mutes(self, client: Any, world: World) -> None:
        world.users("alice", "bob")
        response = client.mute_users(["bob"], "alice")
        assert [m["target"]["id"] for m in response["mutes"]] == ["bob"]
        assert response["mute"] == response["mutes"][0]

    def test_unmute_user(self, client: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob")
        client.mute_user("bob", "alice")
        response = client.unmute_user("bob", "alice")
        assert response.status_code() == 200
        assert response["non_existing_users"] == []
        assert ("alice", "bob") not in chat_app.user_mutes
        # Idempotent: unmuting again succeeds and emits nothing more.
        client.unmute_user("bob", "alice")
        assert len(world.events("user.unmuted")) == 1

    def test_unmute_users(self, client: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob", "carol")
        client.mute_users(["bob", "carol"], "alice")
        response = client.unmute_users(["bob", "carol", "ghost"], "alice")
        assert response["non_existing_users"] == ["ghost"]
        assert chat_app.user_mutes == {}

    def test_unknown_single_target_is_not_found(self, client: Any, world: World) -> None:
        world.users("alice")
        with pytest.raises(StreamAPIException) as caught:
            client.mute_user("ghost", "alice")
        assert (caught.value.status_code, caught.value.error_code) == (404, 16)
        assert caught.value.error_message == 'MuteUser failed with error: "user ghost does not exist"'

    def test_self_mute_is_rejected(self, client: Any, world: World) -> None:
        world.users("alice")
        with pytest.raises(StreamAPIException) as caught:
            client.mute_user("alice", "alice")
        assert (caught.value.status_code, caught.value.error_code) == (400, 4)


class TestMuteAsync:
    @pytest.mark.asyncio
    async def test_mute_and_unmute(self, aclient: Any, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob", "carol")
        single = await aclient.mute_user("bob", "alice", timeout=1)
        assert single["mute"]["target"]["id"] == "bob"
        many = await aclient.mute_users(["carol", "nobody"], "alice")
        assert many["non_existing_users"] == ["nobody"]
        assert [m["target"]["id"] for m in many["mutes"]] == ["carol"]
        await aclient.unmute_users(["bob", "carol"], "alice")
        assert chat_app.user_mutes == {}
        with pytest.raises(StreamAPIException) as caught:
            await aclient.unmute_user("nobody", "alice")
        assert (caught.value.status_code, caught.value.error_code) == (404, 16)


class TestTimeouts:
    def test_mute_lapses_on_the_fake_clock(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob", "carol")
        ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice", "timeout": 30}))
        chat_app.advance(29 * 60)
        assert chat_app.active_user_mute("alice", "bob") is not None
        chat_app.advance(2 * 60)
        assert chat_app.active_user_mute("alice", "bob") is None
        # The lapsed mute is gone from the muter's own user.
        own = ok(raw.request("POST", "/moderation/mute", json={"target_id": "carol", "user_id": "alice"}))["own_user"]
        assert _ids([m["target"] for m in own["mutes"]]) == ["carol"]

    def test_remute_updates_the_existing_mute(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob")
        first = ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice", "timeout": 10}))["mute"]
        chat_app.advance(60)
        second = ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice"}))["mute"]
        assert second["created_at"] == first["created_at"]
        assert parse_time(second["updated_at"], "u") >= parse_time(first["updated_at"], "u") + timedelta(seconds=60)
        assert "expires" not in second
        assert list(chat_app.user_mutes) == [("alice", "bob")]

    def test_remute_after_lapse_starts_a_new_mute(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("alice", "bob")
        first = ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice", "timeout": 1}))["mute"]
        chat_app.advance(120)
        second = ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice", "timeout": 1}))["mute"]
        assert parse_time(second["created_at"], "c") > parse_time(first["created_at"], "c")
        assert parse_time(second["expires"], "e") == parse_time(second["created_at"], "c") + timedelta(minutes=1)


class TestEvents:
    def test_user_muted_and_unmuted(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob", "carol")
        ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice"}))
        ok(raw.request("POST", "/moderation/mute", json={"target_ids": ["bob", "carol"], "user_id": "alice"}))
        muted = world.events("user.muted")
        assert len(muted) == 2
        assert muted[0]["user"]["id"] == "alice"
        assert muted[0]["target_user"]["id"] == "bob"
        assert "target_users" not in muted[0]
        assert _ids(muted[1]["target_users"]) == ["bob", "carol"]
        updates = world.events("notification.mutes_updated")
        assert len(updates) == 2
        assert updates[-1]["me"]["id"] == "alice"
        assert sorted(_ids([m["target"] for m in updates[-1]["me"]["mutes"]])) == ["bob", "carol"]

        ok(raw.request("POST", "/moderation/unmute", json={"target_ids": ["bob"], "user_id": "alice"}))
        unmuted = world.events("user.unmuted")
        assert len(unmuted) == 1
        assert unmuted[0]["user"]["id"] == "alice"
        assert unmuted[0]["target_user"]["id"] == "bob"

    def test_no_event_when_nothing_was_muted(self, raw: RawAPI, world: World) -> None:
        world.users("alice")
        body = ok(raw.request("POST", "/moderation/mute", json={"target_ids": ["ghost"], "user_id": "alice"}))
        assert body["mutes"] == []
        assert body["non_existing_users"] == ["ghost"]
        assert world.events("user.muted") == []


class TestErrors:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ({"user_id": "alice"}, (400, 4)),
            ({"target_id": "bob", "target_ids": ["bob"], "user_id": "alice"}, (400, 4)),
            ({"target_id": "bob"}, (400, 4)),
            ({"target_id": "bob", "user_id": "ghost"}, (404, 16)),
            ({"target_id": "ghost", "user_id": "alice"}, (404, 16)),
            ({"target_id": "alice", "user_id": "alice"}, (400, 4)),
            ({"target_ids": ["bob", "alice"], "user_id": "alice"}, (400, 4)),
            ({"target_id": "bob", "user_id": "alice", "timeout": -1}, (400, 4)),
            ({"target_id": "bob", "user_id": "alice", "timeout": "soon"}, (400, 4)),
            ({"target_id": "bob", "user_id": "alice", "timeout": 1.5}, (400, 4)),
            ({"target_id": 7, "user_id": "alice"}, (400, 4)),
            ({"target_ids": "bob", "user_id": "alice"}, (400, 4)),
            ({"target_ids": [], "user_id": "alice"}, (400, 4)),
            ({"target_ids": [f"u{i}" for i in range(1001)], "user_id": "alice"}, (400, 4)),
            ({"target_id": "bob", "user": {"id": "bob"}, "user_id": "alice"}, (400, 4)),
        ],
    )
    def test_mute_rejects(self, raw: RawAPI, world: World, body: dict[str, Any], expected: tuple[int, int]) -> None:
        world.users("alice", "bob")
        response = raw.request("POST", "/moderation/mute", json=body)
        assert status_code(response) == expected
        assert response.json()["message"].startswith("MuteUser failed with error:")

    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ({"user_id": "alice"}, (400, 4)),
            ({"target_id": "bob"}, (400, 4)),
            ({"target_id": "bob", "user_id": "ghost"}, (404, 16)),
            ({"target_id": "ghost", "user_id": "alice"}, (404, 16)),
            ({"target_id": "alice", "user_id": "alice"}, (400, 4)),
        ],
    )
    def test_unmute_rejects(self, raw: RawAPI, world: World, body: dict[str, Any], expected: tuple[int, int]) -> None:
        world.users("alice", "bob")
        response = raw.request("POST", "/moderation/unmute", json=body)
        assert status_code(response) == expected
        assert response.json()["message"].startswith("UnmuteUser failed with error:")

    def test_user_object_names_the_muter(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob")
        body = ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user": {"id": "alice"}}))
        assert body["mute"]["user"]["id"] == "alice"


class TestUserTokens:
    def test_user_token_mutes_as_itself(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob")
        body = ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob"}, token=raw.user_token("alice")))
        assert body["mute"]["user"]["id"] == "alice"

    def test_user_token_cannot_mute_for_someone_else(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob", "carol")
        response = raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "carol"}, token=raw.user_token("alice"))
        assert status_code(response) == (403, 17)


class TestCrossArea:
    """Effects on other areas' endpoints (§2.12)."""

    def test_mutes_listed_on_query_users(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob")
        ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice", "timeout": 5}))
        response = raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": {"id": "alice"}})})
        (alice,) = ok(response)["users"]
        assert [(m["user"]["id"], m["target"]["id"]) for m in alice["mutes"]] == [("alice", "bob")]
        assert "expires" in alice["mutes"][0]

    def test_muted_users_messages_do_not_count_as_unread(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob", "carol")
        created = raw.request(
            "POST", "/channels/messaging/mutes/query", json={"data": {"created_by_id": "bob", "members": ["alice", "bob", "carol"]}}
        )
        ok(created)
        ok(raw.request("POST", "/moderation/mute", json={"target_id": "bob", "user_id": "alice"}))
        sent = raw.request("POST", "/channels/messaging/mutes/message", json={"message": {"text": "hello", "user_id": "bob"}})
        ok(sent)
        unread_alice = raw.request("GET", "/unread", params={"user_id": "alice"})
        unread_carol = ok(raw.request("GET", "/unread", params={"user_id": "carol"}))
        assert ok(unread_alice)["total_unread_count"] == 0
        assert unread_carol["total_unread_count"] == 1
