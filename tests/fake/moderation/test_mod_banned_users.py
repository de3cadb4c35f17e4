"""GET /query_banned_users (moderation §2.3) over the shared ban records."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.moderation import BanRecord
from fake_server.domain.timefmt import format_time, parse_time
from stream_chat.base.exceptions import StreamAPIException
from tests.conftest import RawAPI, status_code
from tests.fake.moderation.conftest import World, ok


def ban(
    app: ChatApp,
    user_id: str,
    cid: str | None = None,
    *,
    by: str | None = "mod",
    minutes: int | None = None,
    reason: str | None = None,
    shadow: bool = False,
) -> BanRecord:
    """Store a ban record as the ban endpoint of the chat core does."""
    with app.lock:
        now = app.clock.now()
        record = BanRecord(
            user_id=user_id,
            cid=cid,
            created_at=now,
            banned_by_id=by,
            expires=now + timedelta(minutes=minutes) if minutes else None,
            reason=reason,
            shadow=shadow,
        )
        app.bans[(user_id, cid)] = record
        return record


@pytest.fixture
def bans(world: World, chat_app: ChatApp) -> list[BanRecord]:
    """eve: app-wide (spam, 60 min, by mod); frank: channel ban in messaging:general (abuse,
    by boss); gina: app-wide shadow ban (no reason, by mod)."""
    world.users("mod", "boss", "eve", "frank", "gina")
    world.channel("messaging:general", ["frank", "boss"], created_by="boss", name="General")
    return [
        ban(chat_app, "eve", minutes=60, reason="spam"),
        ban(chat_app, "frank", "messaging:general", by="boss", reason="abusive language"),
        ban(chat_app, "gina", shadow=True),
    ]


def query(raw: RawAPI, payload: dict[str, Any]) -> list[dict[str, Any]]:
    body = ok(raw.request("GET", "/query_banned_users", params={"payload": json.dumps(payload)}))
    bans: list[dict[str, Any]] = body["bans"]
    return bans


def users_of(bans: list[dict[str, Any]]) -> list[str]:
    return [b["user"]["id"] for b in bans]


class TestShapes:
    def test_all_bans_newest_first(self, client: Any, bans: list[BanRecord]) -> None:
        response = client.query_banned_users({"filter_conditions": {}})
        assert response.status_code() == 200
        found = response["bans"]
        assert users_of(found) == ["gina", "frank", "eve"]
        gina, frank, eve = found
        assert eve["banned_by"]["id"] == "mod"
        assert eve["reason"] == "spam"
        assert eve["shadow"] is False
        assert eve["created_at"] == format_time(bans[0].created_at)
        assert parse_time(eve["expires"], "e") == parse_time(eve["created_at"], "c") + timedelta(minutes=60)
        assert "channel" not in eve
        assert frank["channel"]["cid"] == "messaging:general"
        assert frank["channel"]["id"] == "general"
        assert frank["channel"]["type"] == "messaging"
        assert frank["banned_by"]["id"] == "boss"
        assert "expires" not in frank
        assert gina["shadow"] is True
        assert "reason" not in gina
        assert eve["user"]["banned"] is True

    @pytest.mark.asyncio
    async def test_async_channel_filter(self, aclient: Any, bans: list[BanRecord]) -> None:
        response = await aclient.query_banned_users({"filter_conditions": {"channel_cid": "messaging:general"}, "limit": 10})
        assert users_of(response["bans"]) == ["frank"]

    def test_empty_result_is_not_an_error(self, raw: RawAPI, world: World) -> None:
        assert query(raw, {"filter_conditions": {"user_id": "nobody"}}) == []


class TestFilters:
    @pytest.mark.parametrize(
        ("conditions", "expected"),
        [
            ({"user_id": "eve"}, ["eve"]),
            ({"user_id": {"$in": ["eve", "gina"]}}, ["gina", "eve"]),
            ({"user_id": {"$gt": "eve"}}, ["gina", "frank"]),
            ({"channel_cid": "messaging:general"}, ["frank"]),
            ({"channel_cid": {"$in": ["messaging:general", "messaging:other"]}}, ["frank"]),
            ({"banned_by_id": "boss"}, ["frank"]),
            ({"banned_by_id": {"$in": ["mod"]}}, ["gina", "eve"]),
            ({"reason": "spam"}, ["eve"]),
            ({"reason": {"$autocomplete": "abus"}}, ["frank"]),
            ({"reason": {"$exists": False}}, ["gina"]),
            ({"reason": {"$exists": True}}, ["frank", "eve"]),
            ({"$or": [{"user_id": "eve"}, {"channel_cid": "messaging:general"}]}, ["frank", "eve"]),
        ],
    )
    def test_field_filters(self, raw: RawAPI, bans: list[BanRecord], conditions: dict[str, Any], expected: list[str]) -> None:
        assert users_of(query(raw, {"filter_conditions": conditions})) == expected

    def test_created_at_range(self, raw: RawAPI, bans: list[BanRecord]) -> None:
        middle = format_time(bans[1].created_at)
        assert users_of(query(raw, {"filter_conditions": {"created_at": {"$gte": middle}}})) == ["gina", "frank"]
        assert users_of(query(raw, {"filter_conditions": {"created_at": {"$lt": middle}}})) == ["eve"]

    def test_exclude_expired_bans(self, raw: RawAPI, bans: list[BanRecord], chat_app: ChatApp) -> None:
        chat_app.advance(61 * 60)
        # Expired bans stay listed unless asked otherwise.
        assert users_of(query(raw, {"filter_conditions": {}})) == ["gina", "frank", "eve"]
        assert users_of(query(raw, {"filter_conditions": {}, "exclude_expired_bans": True})) == ["gina", "frank"]

    def test_exclude_expired_bans_keeps_running_ones(self, client: Any, bans: list[BanRecord], chat_app: ChatApp) -> None:
        chat_app.advance(59 * 60)
        response = client.query_banned_users({"filter_conditions": {"user_id": "eve"}, "exclude_expired_bans": True})
        assert users_of(response["bans"]) == ["eve"]


class TestPaging:
    def test_sort_ascending(self, raw: RawAPI, bans: list[BanRecord]) -> None:
        found = query(raw, {"filter_conditions": {}, "sort": [{"field": "created_at", "direction": 1}]})
        assert users_of(found) == ["eve", "frank", "gina"]

    def test_limit_and_offset(self, raw: RawAPI, bans: list[BanRecord]) -> None:
        assert users_of(query(raw, {"filter_conditions": {}, "limit": 2})) == ["gina", "frank"]
        assert users_of(query(raw, {"filter_conditions": {}, "limit": 2, "offset": 2})) == ["eve"]
        assert users_of(query(raw, {"filter_conditions": {}, "offset": 3})) == []

    def test_default_limit_is_25(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("mod")
        for index in range(30):
            ban(chat_app, f"user-{index:02d}")
        assert len(query(raw, {"filter_conditions": {}})) == 25


class TestErrors:
    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"filter_conditions": None},
            {"filter_conditions": []},
            {"filter_conditions": {"color": "red"}},
            {"filter_conditions": {"channel_cid": {"$gt": "a"}}},
            {"filter_conditions": {"user_id": {"$regex": "e"}}},
            {"filter_conditions": {"created_at": {"$gt": "yesterday"}}},
            {"filter_conditions": {}, "limit": 301},
            {"filter_conditions": {}, "limit": -1},
            {"filter_conditions": {}, "offset": 10_001},
            {"filter_conditions": {}, "sort": [{"field": "created_at"}, {"field": "created_at", "direction": -1}]},
            {"filter_conditions": {}, "sort": [{"field": "reason", "direction": 1}]},
            {"filter_conditions": {}, "exclude_expired_bans": "maybe"},
        ],
    )
    def test_bad_payloads(self, raw: RawAPI, world: World, payload: dict[str, Any]) -> None:
        response = raw.request("GET", "/query_banned_users", params={"payload": json.dumps(payload)})
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("QueryBannedUsers failed with error:")

    def test_invalid_json_payload(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/query_banned_users", params={"payload": "{nope"})) == (400, 4)

    def test_missing_payload(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/query_banned_users")) == (400, 4)

    def test_sdk_error(self, client: Any, world: World) -> None:
        with pytest.raises(StreamAPIException) as caught:
            client.query_banned_users({"filter_conditions": {"unknown": 1}})
        assert (caught.value.status_code, caught.value.error_code) == (400, 4)


class TestCrossArea:
    """Bans made through the chat core's ban endpoint."""

    def test_ban_endpoint_feeds_the_query(self, client: Any, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("mod", "eve")
        response = raw.request("POST", "/moderation/ban", json={"target_user_id": "eve", "user_id": "mod", "timeout": 60, "reason": "spam"})
        ok(response)
        (found,) = client.query_banned_users({"filter_conditions": {"user_id": "eve"}})["bans"]
        assert found["banned_by"]["id"] == "mod"
        assert found["reason"] == "spam"
        assert "expires" in found
        users = raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": {"banned": True}})})
        assert [u["id"] for u in ok(users)["users"]] == ["eve"]
        chat_app.advance(61 * 60)
        users = raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": {"banned": True}})})
        assert ok(users)["users"] == []

    def test_query_users_banned_filter_reads_the_records(self, raw: RawAPI, world: World, chat_app: ChatApp) -> None:
        world.users("mod", "eve", "frank")
        ban(chat_app, "eve", minutes=10)
        ban(chat_app, "frank", "messaging:general")  # channel bans do not make a user "banned"
        response = raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": {"banned": True}})})
        assert [u["id"] for u in ok(response)["users"]] == ["eve"]
        chat_app.advance(11 * 60)
        response = raw.request("GET", "/users", params={"payload": json.dumps({"filter_conditions": {"banned": True}})})
        assert ok(response)["users"] == []
