"""Flags, message-flag queries and flag reports (moderation §2.7-§2.11)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.timefmt import format_time
from stream_chat.base.exceptions import StreamAPIException
from tests.conftest import RawAPI, status_code
from tests.fake.moderation.conftest import World, ok

CID = "messaging:general"


@pytest.fixture
def message_id(world: World) -> str:
    """A message by alice in messaging:general (members alice, bob, carol)."""
    world.users("alice", "bob", "carol", "mod")
    world.channel(CID, ["alice", "bob", "carol"], created_by="alice", name="General")
    return world.message(CID, "alice", "buy cheap stuff")


def flags(raw: RawAPI, payload: dict[str, Any]) -> list[dict[str, Any]]:
    body = ok(raw.request("GET", "/moderation/flags/message", params={"payload": json.dumps(payload)}))
    found: list[dict[str, Any]] = body["flags"]
    return found


def reports(raw: RawAPI, body: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(raw.request("POST", "/moderation/reports", json=body))["flag_reports"]
    return found


def flag(raw: RawAPI, **body: Any) -> dict[str, Any]:
    return ok(raw.request("POST", "/moderation/flag", json=body))


def assert_error(caught: pytest.ExceptionInfo[StreamAPIException], status: int, code: int) -> None:
    assert (caught.value.status_code, caught.value.error_code) == (status, code)


class TestFlagMessage:
    def test_flag_message(self, client: Any, message_id: str, world: World) -> None:
        response = client.flag_message(message_id, user_id="bob", reason="spam", custom={"severity": 3})
        assert response.status_code() == 200
        flagged = response["flag"]
        assert flagged["user"]["id"] == "bob"
        assert flagged["target_message_id"] == message_id
        assert flagged["target_message"]["id"] == message_id
        assert flagged["target_message"]["text"] == "buy cheap stuff"
        assert flagged["reason"] == "spam"
        assert flagged["custom"] == {"severity": 3}
        assert flagged["created_by_automod"] is False
        assert flagged["created_at"] == flagged["updated_at"]
        assert "target_user" not in flagged
        assert "reviewed_at" not in flagged
        uuid.UUID(response["review_queue_item_id"])

        (event,) = world.events("message.flagged")
        assert event["cid"] == CID
        assert (event["channel_type"], event["channel_id"]) == ("messaging", "general")
        assert event["message"]["id"] == message_id
        assert event["user"]["id"] == "bob"
        assert event["reason"] == "spam"
        assert event["total_flags"] == 1
        assert event["flag"]["target_message_id"] == message_id

    def test_second_flagger_adds_to_the_total(self, raw: RawAPI, message_id: str, world: World) -> None:
        flag(raw, target_message_id=message_id, user_id="bob")
        flag(raw, target_message_id=message_id, user_id="carol")
        assert [e["total_flags"] for e in world.events("message.flagged")] == [1, 2]

    def test_duplicate_flag_is_rejected(self, client: Any, message_id: str) -> None:
        client.flag_message(message_id, user_id="bob")
        with pytest.raises(StreamAPIException) as caught:
            client.flag_message(message_id, user_id="bob")
        assert_error(caught, 400, 4)
        assert "already flagged" in caught.value.error_message

    def test_unknown_message(self, client: Any, message_id: str) -> None:
        with pytest.raises(StreamAPIException) as caught:
            client.flag_message("no-such-message", user_id="bob")
        assert_error(caught, 404, 16)

    def test_flagging_does_not_change_the_message(self, raw: RawAPI, message_id: str, chat_app: ChatApp) -> None:
        before = chat_app.chat.store.messages[message_id].text
        flag(raw, target_message_id=message_id, user_id="bob")
        assert chat_app.chat.store.messages[message_id].text == before
        assert chat_app.chat.store.messages[message_id].deleted_at is None


class TestFlagUser:
    def test_flag_user(self, client: Any, world: World) -> None:
        world.users("bob", "carol")
        response = client.flag_user("carol", user_id="bob", reason="rude")
        flagged = response["flag"]
        assert flagged["user"]["id"] == "bob"
        assert flagged["target_user"]["id"] == "carol"
        assert flagged["reason"] == "rude"
        assert "target_message_id" not in flagged
        assert response["review_queue_item_id"]
        (event,) = world.events("user.flagged")
        assert event["user"]["id"] == "bob"
        assert event["target_user"]["id"] == "carol"
        assert event["reason"] == "rude"
        assert event["total_flags"] == 1

    def test_duplicate_user_flag(self, client: Any, world: World) -> None:
        world.users("bob", "carol")
        client.flag_user("carol", user_id="bob")
        with pytest.raises(StreamAPIException) as caught:
            client.flag_user("carol", user_id="bob")
        assert_error(caught, 400, 4)

    def test_unknown_user(self, client: Any, world: World) -> None:
        world.users("bob")
        with pytest.raises(StreamAPIException) as caught:
            client.flag_user("ghost", user_id="bob")
        assert_error(caught, 404, 16)

    @pytest.mark.asyncio
    async def test_async_flag_and_unflag_user(self, aclient: Any, world: World) -> None:
        world.users("bob", "carol")
        flagged = await aclient.flag_user("carol", user_id="bob")
        removed = await aclient.unflag_user("carol", user_id="bob")
        assert removed["flag"]["created_at"] == flagged["flag"]["created_at"]
        assert removed["flag"]["target_user"]["id"] == "carol"
        (event,) = world.events("user.unflagged")
        assert event["target_user"]["id"] == "carol"
        assert event["total_flags"] == 0
        # The flag is gone: flagging again works.
        await aclient.flag_user("carol", user_id="bob")


class TestFlagErrors:
    @pytest.mark.parametrize(
        ("body", "expected"),
        [
            ({"user_id": "bob"}, (400, 4)),
            ({"target_message_id": "MSG", "target_user_id": "carol", "user_id": "bob"}, (400, 4)),
            ({"target_message_id": "MSG"}, (400, 4)),
            ({"target_message_id": "MSG", "user_id": "ghost"}, (404, 16)),
            ({"target_message_id": "nope", "user_id": "bob"}, (404, 16)),
            ({"target_user_id": "ghost", "user_id": "bob"}, (404, 16)),
            ({"target_user_id": "bob", "user_id": "bob"}, (400, 4)),
            ({"target_message_id": "MSG", "user_id": "bob", "reason": "x" * 256}, (400, 4)),
            ({"target_message_id": "MSG", "user_id": "bob", "reason": 5}, (400, 4)),
            ({"target_message_id": "MSG", "user_id": "bob", "custom": "big"}, (400, 4)),
            ({"target_message_id": "", "user_id": "bob"}, (400, 4)),
        ],
    )
    def test_flag_rejects(self, raw: RawAPI, message_id: str, body: dict[str, Any], expected: tuple[int, int]) -> None:
        if body.get("target_message_id") == "MSG":
            body = {**body, "target_message_id": message_id}
        response = raw.request("POST", "/moderation/flag", json=body)
        assert status_code(response) == expected
        assert response.json()["message"].startswith("Flag failed with error:")

    def test_longest_reason_is_accepted(self, raw: RawAPI, message_id: str) -> None:
        assert flag(raw, target_message_id=message_id, user_id="bob", reason="x" * 255)["flag"]["reason"] == "x" * 255

    def test_user_token_flags_as_itself(self, raw: RawAPI, message_id: str) -> None:
        body = ok(raw.request("POST", "/moderation/flag", json={"target_message_id": message_id}, token=raw.user_token("bob")))
        assert body["flag"]["user"]["id"] == "bob"
        response = raw.request(
            "POST", "/moderation/flag", json={"target_message_id": message_id, "user_id": "carol"}, token=raw.user_token("bob")
        )
        assert status_code(response) == (403, 17)


class TestUnflag:
    def test_unflag_message(self, client: Any, raw: RawAPI, message_id: str, world: World) -> None:
        flagged = client.flag_message(message_id, user_id="bob", reason="spam")["flag"]
        response = client.unflag_message(message_id, user_id="bob")
        assert response.status_code() == 200
        assert response["flag"]["created_at"] == flagged["created_at"]
        assert response["flag"]["reason"] == "spam"
        assert response["flag"]["target_message_id"] == message_id
        (event,) = world.events("message.unflagged")
        assert event["message"]["id"] == message_id
        assert event["user"]["id"] == "bob"
        assert event["total_flags"] == 0
        assert flags(raw, {"filter_conditions": {}}) == []
        # Its pending report went with it.
        assert reports(raw, {"filter_conditions": {"message_id": message_id}}) == []

    def test_unflag_keeps_other_flags_in_the_report(self, raw: RawAPI, message_id: str) -> None:
        flag(raw, target_message_id=message_id, user_id="bob")
        flag(raw, target_message_id=message_id, user_id="carol")
        ok(raw.request("POST", "/moderation/unflag", json={"target_message_id": message_id, "user_id": "bob"}))
        (report,) = reports(raw, {"filter_conditions": {"message_id": message_id}})
        assert report["flags_count"] == 1
        assert [f["user"]["id"] for f in flags(raw, {"filter_conditions": {}})] == ["carol"]

    def test_unflag_without_flag_succeeds(self, client: Any, message_id: str, world: World) -> None:
        response = client.unflag_message(message_id, user_id="bob")
        assert response["flag"]["user"]["id"] == "bob"
        assert response["flag"]["target_message_id"] == message_id
        assert response["flag"]["created_by_automod"] is False
        assert world.events("message.unflagged") == []

    def test_unflag_errors(self, raw: RawAPI, message_id: str) -> None:
        cases: list[tuple[dict[str, Any], tuple[int, int]]] = [
            ({"user_id": "bob"}, (400, 4)),
            ({"target_message_id": message_id}, (400, 4)),
            ({"target_message_id": "nope", "user_id": "bob"}, (404, 16)),
            ({"target_user_id": "ghost", "user_id": "bob"}, (404, 16)),
            ({"target_message_id": message_id, "user_id": "ghost"}, (404, 16)),
        ]
        for body, expected in cases:
            response = raw.request("POST", "/moderation/unflag", json=body)
            assert status_code(response) == expected, body
            assert response.json()["message"].startswith("Unflag failed with error:")

    @pytest.mark.asyncio
    async def test_async_unflag_message(self, aclient: Any, message_id: str) -> None:
        await aclient.flag_message(message_id, user_id="carol")
        response = await aclient.unflag_message(message_id, user_id="carol")
        assert response["flag"]["user"]["id"] == "carol"


@pytest.fixture
def flagged(raw: RawAPI, world: World, message_id: str) -> dict[str, str]:
    """Three message flags: alice's message flagged by bob (spam) and carol (rude); carol's
    message in messaging:team-a (team "red") flagged by bob (spam)."""
    flag(raw, target_message_id=message_id, user_id="bob", reason="spam")
    flag(raw, target_message_id=message_id, user_id="carol", reason="rude")
    world.channel("messaging:team-a", ["bob", "carol"], created_by="carol", team="red")
    other = world.message("messaging:team-a", "carol", "hello")
    flag(raw, target_message_id=other, user_id="bob", reason="spam")
    return {"alice": message_id, "carol": other}


def reporters(found: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(f["message"]["user"]["id"], f["user"]["id"]) for f in found]


class TestQueryMessageFlags:
    def test_spec_example(self, client: Any, raw: RawAPI, world: World) -> None:
        world.users("u1", "u2")
        world.channel("messaging:x", ["u1", "u2"], created_by="u1")
        message = world.message("messaging:x", "u1", "hi")
        client.flag_message(message, user_id="u2")
        assert len(client.query_message_flags({"user_id": "u1"})["flags"]) == 1
        assert len(client.query_message_flags({"user_id": "u1", "is_reviewed": True})["flags"]) == 0
        assert len(client.query_message_flags({"user_id": "u1", "is_reviewed": False})["flags"]) == 1
        assert len(client.query_message_flags({"channel_cid": {"$in": ["messaging:x"]}})["flags"]) == 1

    def test_shape_newest_first(self, client: Any, flagged: dict[str, str]) -> None:
        found = client.query_message_flags({})["flags"]
        assert reporters(found) == [("carol", "bob"), ("alice", "carol"), ("alice", "bob")]
        first = found[-1]
        assert first["message"]["id"] == flagged["alice"]
        assert first["reason"] == "spam"
        assert first["created_by_automod"] is False
        assert first["created_at"] == first["updated_at"]
        assert "reviewed_at" not in first
        assert "reviewed_by" not in first

    @pytest.mark.parametrize(
        ("conditions", "expected"),
        [
            ({"user_id": "alice"}, [("alice", "carol"), ("alice", "bob")]),
            ({"user_id": {"$in": ["carol"]}}, [("carol", "bob")]),
            ({"channel_cid": "messaging:team-a"}, [("carol", "bob")]),
            ({"reason": "spam"}, [("carol", "bob"), ("alice", "bob")]),
            ({"reason": {"$in": ["rude", "other"]}}, [("alice", "carol")]),
            ({"reporter_id": "carol"}, [("alice", "carol")]),
            ({"team": "red"}, [("carol", "bob")]),
            ({"team": {"$in": ["blue"]}}, []),
            ({"is_reviewed": False}, [("carol", "bob"), ("alice", "carol"), ("alice", "bob")]),
            ({"action": "flag"}, []),
            ({"reporter_type": "user", "user_id": "carol"}, [("carol", "bob")]),
        ],
    )
    def test_filters(self, raw: RawAPI, flagged: dict[str, str], conditions: dict[str, Any], expected: list[tuple[str, str]]) -> None:
        assert reporters(flags(raw, {"filter_conditions": conditions})) == expected

    def test_message_id_filter(self, raw: RawAPI, flagged: dict[str, str]) -> None:
        found = flags(raw, {"filter_conditions": {"message_id": flagged["carol"]}})
        assert reporters(found) == [("carol", "bob")]
        found = flags(raw, {"filter_conditions": {"message_id": {"$in": [flagged["alice"]]}}})
        assert len(found) == 2

    def test_created_at_filter(self, raw: RawAPI, flagged: dict[str, str], chat_app: ChatApp) -> None:
        cutoff = format_time(chat_app.clock.now())
        chat_app.advance(1)
        flag(raw, target_message_id=flagged["carol"], user_id="alice")
        assert reporters(flags(raw, {"filter_conditions": {"created_at": {"$gt": cutoff}}})) == [("carol", "alice")]

    def test_sort_limit_offset(self, raw: RawAPI, flagged: dict[str, str]) -> None:
        ascending = {"filter_conditions": {}, "sort": [{"field": "created_at", "direction": 1}]}
        assert reporters(flags(raw, ascending)) == [("alice", "bob"), ("alice", "carol"), ("carol", "bob")]
        assert reporters(flags(raw, {**ascending, "limit": 1, "offset": 1})) == [("alice", "carol")]
        assert reporters(flags(raw, {"filter_conditions": {}, "limit": 2})) == [("carol", "bob"), ("alice", "carol")]

    def test_deleted_messages(self, raw: RawAPI, world: World, flagged: dict[str, str]) -> None:
        world.delete_message(flagged["carol"])
        assert reporters(flags(raw, {"filter_conditions": {}})) == [("alice", "carol"), ("alice", "bob")]
        shown = flags(raw, {"filter_conditions": {}, "show_deleted_messages": True})
        assert reporters(shown) == [("carol", "bob"), ("alice", "carol"), ("alice", "bob")]
        assert shown[0]["message"]["text"] == "hello"
        assert "deleted_at" in shown[0]["message"]

    def test_hard_deleted_messages_take_their_flags(self, raw: RawAPI, world: World, flagged: dict[str, str]) -> None:
        world.delete_message(flagged["carol"], hard=True)
        shown = flags(raw, {"filter_conditions": {}, "show_deleted_messages": True})
        assert reporters(shown) == [("alice", "carol"), ("alice", "bob")]

    @pytest.mark.asyncio
    async def test_async(self, aclient: Any, flagged: dict[str, str]) -> None:
        response = await aclient.query_message_flags({"user_id": "alice"}, limit=1)
        assert reporters(response["flags"]) == [("alice", "carol")]

    @pytest.mark.parametrize(
        "payload",
        [
            {"filter_conditions": {"color": "red"}},
            {"filter_conditions": {"is_reviewed": {"$in": [True]}}},
            {"filter_conditions": {"is_reviewed": "yes"}},
            {"filter_conditions": {"reporter_id": {"$in": ["bob"]}}},
            {"filter_conditions": "all"},
            {"filter_conditions": {}, "limit": 301},
            {"filter_conditions": {}, "offset": 10_001},
            {"filter_conditions": {}, "sort": [{"field": "created_at"}] * 6},
            {"filter_conditions": {}, "sort": [{"field": "reason"}]},
            {"filter_conditions": {}, "show_deleted_messages": 3},
        ],
    )
    def test_bad_payloads(self, raw: RawAPI, world: World, payload: dict[str, Any]) -> None:
        response = raw.request("GET", "/moderation/flags/message", params={"payload": json.dumps(payload)})
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("QueryMessageFlags failed with error:")

    def test_malformed_or_missing_payload(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/moderation/flags/message", params={"payload": "[1"})) == (400, 4)
        assert status_code(raw.request("GET", "/moderation/flags/message")) == (400, 4)

    def test_user_tokens_need_a_moderator_role(self, raw: RawAPI, flagged: dict[str, str], chat_app: ChatApp) -> None:
        params = {"payload": json.dumps({"filter_conditions": {}})}
        response = raw.request("GET", "/moderation/flags/message", params=params, token=raw.user_token("bob"))
        assert status_code(response) == (403, 17)
        with chat_app.lock:
            moderator = chat_app.users.get("mod")
            assert moderator is not None
            moderator.role = "moderator"
        allowed = raw.request("GET", "/moderation/flags/message", params=params, token=raw.user_token("mod"))
        assert len(ok(allowed)["flags"]) == 3


class TestFlagReports:
    def test_one_report_per_message(self, client: Any, raw: RawAPI, message_id: str) -> None:
        flag(raw, target_message_id=message_id, user_id="bob")
        (report,) = client._query_flag_reports(message_id=message_id)["flag_reports"]
        assert report["message"]["id"] == message_id
        assert report["flags_count"] == 1
        assert report["message_user_id"] == "alice"
        assert report["channel_cid"] == CID
        assert report["user"]["id"] == "alice"
        assert report["first_reporter"]["id"] == "bob"
        uuid.UUID(report["id"])
        assert "review_result" not in report
        assert "reviewed_at" not in report
        flag(raw, target_message_id=message_id, user_id="carol")
        (again,) = client._query_flag_reports(message_id=message_id)["flag_reports"]
        assert again["id"] == report["id"]
        assert again["flags_count"] == 2
        assert again["first_reporter"]["id"] == "bob"

    def test_review_marks_flags_reviewed(self, client: Any, raw: RawAPI, message_id: str) -> None:
        flag(raw, target_message_id=message_id, user_id="bob")
        flag(raw, target_message_id=message_id, user_id="carol")
        (report,) = client._query_flag_reports(message_id=message_id)["flag_reports"]
        response = client._review_flag_report(report["id"], "reviewed", "mod", note="looks fine")
        reviewed = response["flag_report"]
        assert reviewed["id"] == report["id"]
        assert reviewed["review_result"] == "reviewed"
        assert reviewed["review_details"] == {"note": "looks fine"}
        assert reviewed["reviewed_by"]["id"] == "mod"
        assert "reviewed_at" in reviewed

        found = client.query_message_flags({"message_id": message_id, "is_reviewed": True})["flags"]
        assert sorted(f["user"]["id"] for f in found) == ["bob", "carol"]
        assert all(f["reviewed_by"]["id"] == "mod" for f in found)
        assert all(f["reviewed_at"] == reviewed["reviewed_at"] for f in found)
        assert client.query_message_flags({"message_id": message_id, "is_reviewed": False})["flags"] == []
        assert [r["id"] for r in client._query_flag_reports(is_reviewed=True)["flag_reports"]] == [report["id"]]
        assert client._query_flag_reports(is_reviewed=False)["flag_reports"] == []
        assert len(client._query_flag_reports(review_result="reviewed", reviewed_by="mod")["flag_reports"]) == 1

    def test_flag_after_review_opens_a_new_report(self, client: Any, raw: RawAPI, world: World, message_id: str) -> None:
        flag(raw, target_message_id=message_id, user_id="bob")
        (report,) = client._query_flag_reports(message_id=message_id)["flag_reports"]
        client._review_flag_report(report["id"], "reviewed", "mod")
        flag(raw, target_message_id=message_id, user_id="carol")
        found = client._query_flag_reports(message_id=message_id)["flag_reports"]
        assert [(r["flags_count"], r.get("review_result")) for r in found] == [(1, None), (1, "reviewed")]
        assert found[0]["first_reporter"]["id"] == "carol"

    def test_filters_and_paging(self, client: Any, raw: RawAPI, flagged: dict[str, str]) -> None:
        everything = client._query_flag_reports()["flag_reports"]
        assert [r["message"]["id"] for r in everything] == [flagged["carol"], flagged["alice"]]
        assert [r["message_user_id"] for r in client._query_flag_reports(message_user_id="carol")["flag_reports"]] == ["carol"]
        assert [r["message_user_id"] for r in client._query_flag_reports(user_id="alice")["flag_reports"]] == ["alice"]
        assert [r["channel_cid"] for r in client._query_flag_reports(channel_cid=CID)["flag_reports"]] == [CID]
        assert [r["channel_cid"] for r in client._query_flag_reports(team="red")["flag_reports"]] == ["messaging:team-a"]
        report_id = everything[1]["id"]
        assert [r["id"] for r in client._query_flag_reports(report_id={"$in": [report_id]})["flag_reports"]] == [report_id]
        # limit/offset arrive inside filter_conditions from the SDK and are lifted out.
        assert [r["id"] for r in client._query_flag_reports(limit=1)["flag_reports"]] == [everything[0]["id"]]
        assert [r["id"] for r in client._query_flag_reports(limit=1, offset=1)["flag_reports"]] == [report_id]
        top_level = reports(raw, {"filter_conditions": {}, "limit": 1, "offset": 1})
        assert [r["id"] for r in top_level] == [report_id]

    @pytest.mark.asyncio
    async def test_async_query_and_review(self, aclient: Any, raw: RawAPI, message_id: str) -> None:
        flag(raw, target_message_id=message_id, user_id="bob")
        (report,) = (await aclient._query_flag_reports(message_id=message_id))["flag_reports"]
        reviewed = (await aclient._review_flag_report(report["id"], "reviewed", "mod"))["flag_report"]
        assert reviewed["review_result"] == "reviewed"
        assert reviewed["review_details"] == {}

    def test_query_errors(self, raw: RawAPI, world: World) -> None:
        for body in (
            {"filter_conditions": {"color": "red"}},
            {"filter_conditions": {"is_reviewed": {"$in": [True]}}},
            {"filter_conditions": "all"},
            {"filter_conditions": {"limit": 301}},
            {"filter_conditions": {}, "offset": -1},
        ):
            response = raw.request("POST", "/moderation/reports", json=body)
            assert status_code(response) == (400, 4), body
            assert response.json()["message"].startswith("QueryFlagReports failed with error:")

    def test_review_errors(self, client: Any, raw: RawAPI, message_id: str) -> None:
        with pytest.raises(StreamAPIException) as caught:
            client._review_flag_report("no-such-report", "reviewed", "mod")
        assert_error(caught, 404, 16)
        flag(raw, target_message_id=message_id, user_id="bob")
        (report,) = reports(raw, {"filter_conditions": {}})
        path = f"/moderation/reports/{report['id']}"
        for body, expected in (
            ({"user_id": "mod"}, (400, 4)),
            ({"review_result": "", "user_id": "mod"}, (400, 4)),
            ({"review_result": "reviewed"}, (400, 4)),
            ({"review_result": "reviewed", "user_id": "ghost"}, (404, 16)),
            ({"review_result": "reviewed", "user_id": "mod", "review_details": "ok"}, (400, 4)),
        ):
            response = raw.request("PATCH", path, json=body)
            assert status_code(response) == expected, body
            assert response.json()["message"].startswith("ReviewFlagReport failed with error:")


class TestAutomaticFlags:
    def test_flag_message_automatically(self, raw: RawAPI, world: World, chat_app: ChatApp, message_id: str) -> None:
        with chat_app.lock:
            rendered = chat_app.flags.flag_message_automatically(
                message_id, reason="blocklist", details={"original_text": "buy cheap stuff"}, blocklist_name="spam-words"
            )
        assert rendered is not None
        assert rendered["created_by_automod"] is True
        assert rendered["user"]["id"] == "alice"
        assert rendered["details"] == {"original_text": "buy cheap stuff"}
        (event,) = world.events("message.flagged")
        assert event["created_by_automod"] is True
        found = flags(raw, {"filter_conditions": {"blocklist_name": "spam-words"}})
        assert [(f["created_by_automod"], f["reason"]) for f in found] == [(True, "blocklist")]
        assert flags(raw, {"filter_conditions": {"action": "flag", "reporter_type": "automod"}}) == found
        assert flags(raw, {"filter_conditions": {"reporter_id": "alice"}}) == []
        # A user may still flag the same message; automod flags count in the report.
        flag(raw, target_message_id=message_id, user_id="bob")
        (report,) = reports(raw, {"filter_conditions": {"message_id": message_id}})
        assert report["flags_count"] == 2
        # A repeated automatic flag updates the single automod flag.
        with chat_app.lock:
            chat_app.flags.flag_message_automatically(message_id, reason="blocklist", details=None)
        (report,) = reports(raw, {"filter_conditions": {"message_id": message_id}})
        assert report["flags_count"] == 2

    def test_unknown_message_is_ignored(self, chat_app: ChatApp, world: World) -> None:
        with chat_app.lock:
            assert chat_app.flags.flag_message_automatically("nope", reason="blocklist") is None
        assert world.events("message.flagged") == []


class TestBlocklistFlags:
    """Cross-area: a blocklist with ``flag`` behaviour makes the chat core call
    ``app.flags.flag_message_automatically``."""

    def test_blocklist_match_is_flagged(self, raw: RawAPI, world: World) -> None:
        world.users("alice", "bob")
        world.channel("messaging:bl", ["alice", "bob"], created_by="alice")
        created = raw.request("POST", "/blocklists", json={"name": "rude-words", "words": ["darn"]})
        ok(created)
        updated = raw.request("PUT", "/channeltypes/messaging", json={"blocklist": "rude-words", "blocklist_behavior": "flag"})
        ok(updated)
        # Server-side sends are moderated only with force_moderation (channels catalogue §7).
        sent = ok(raw.request("POST", "/channels/messaging/bl/message", json={"message": {"text": "darn it", "user_id": "alice"}, "force_moderation": True}))
        message_id = sent["message"]["id"]
        found = flags(raw, {"filter_conditions": {"message_id": message_id}})
        assert [(f["created_by_automod"], f["user"]["id"], f["message"]["text"]) for f in found] == [(True, "alice", "darn it")]
        assert flags(raw, {"filter_conditions": {"blocklist_name": "rude-words"}}) == found
        (report,) = reports(raw, {"filter_conditions": {"message_id": message_id}})
        assert report["flags_count"] == 1
