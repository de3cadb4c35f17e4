"""Blocklists: CRUD, limits, cleanup of references, and the message check used on send."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.blocklists import BlocklistVerdict
from tests.conftest import RawAPI, status_code
from tests.fake.config.conftest import (
    async_sdk_error,
    ok,
    sdk_error,
)

BUILTIN = "profanity_en_2020_v1"


class TestCrud:
    def test_builtin_is_listed(self, client: Any) -> None:
        lists = client.list_blocklists()["blocklists"]
        assert [b["name"] for b in lists] == [BUILTIN]
        assert lists[0]["type"] == "word"
        assert "created_at" not in lists[0]
        assert client.get_blocklist(BUILTIN)["blocklist"]["words"] == lists[0]["words"]

    def test_create_get_update_delete(self, client: Any, chat_app: ChatApp) -> None:
        created = client.create_blocklist("food", ["Cream", "ice cream", "cream"])
        assert created["blocklist"]["words"] == ["cream", "ice cream"]  # lower-cased, de-duplicated
        got = client.get_blocklist("food")["blocklist"]
        assert set(got) == {"name", "type", "words", "created_at", "updated_at"}
        assert (got["name"], got["type"], got["words"]) == ("food", "word", ["cream", "ice cream"])
        chat_app.clock.advance(1)
        assert set(client.update_blocklist("food", ["pie"])) == {"duration"}
        updated = client.get_blocklist("food")["blocklist"]
        assert updated["words"] == ["pie"]
        assert updated["updated_at"] > updated["created_at"]
        assert [b["name"] for b in client.list_blocklists()["blocklists"]] == [BUILTIN, "food"]
        assert set(client.delete_blocklist("food")) == {"duration"}
        assert sdk_error(lambda: client.get_blocklist("food"))[:2] == (404, 16)

    def test_other_types(self, client: Any) -> None:
        for list_type, words in (("regex", [r"\d{4}-\d{4}"]), ("domain", ["Example.com"]), ("email", ["spam@example.com"])):
            client.create_blocklist(f"l-{list_type}", words, type=list_type)
        assert client.get_blocklist("l-regex")["blocklist"]["words"] == [r"\d{4}-\d{4}"]
        assert client.get_blocklist("l-domain")["blocklist"]["words"] == ["example.com"]

    @pytest.mark.parametrize(
        "data",
        [
            {"words": ["a"]},
            {"name": "", "words": ["a"]},
            {"name": "x" * 256, "words": ["a"]},
            {"name": BUILTIN, "words": ["a"]},
            {"name": "x"},
            {"name": "x", "words": []},
            {"name": "x", "words": "a"},
            {"name": "x", "words": [1]},
            {"name": "x", "words": [" "]},
            {"name": "x", "words": ["w" * 41]},
            {"name": "x", "words": ["a"] * 10_001},
            {"name": "x", "words": ["a"], "type": "phrase"},
            {"name": "x", "words": ["(unclosed"], "type": "regex"},
        ],
        ids=lambda data: json.dumps(data)[:50],
    )
    def test_invalid_create_is_400_4(self, raw: RawAPI, data: dict[str, Any]) -> None:
        response = raw.request("POST", "/blocklists", json=data)
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CreateBlockList failed with error: ")

    def test_limits(self, client: Any, chat_app: ChatApp) -> None:
        client.create_blocklist("big", [f"w{i}" for i in range(10_000)])
        with chat_app.lock:
            for index in range(13):
                chat_app.blocklists.create({"name": f"list{index}", "words": ["x"]})
        client.create_blocklist("the15th", ["x"])
        assert sdk_error(lambda: client.create_blocklist("one-too-many", ["x"]))[:2] == (400, 4)
        assert sdk_error(lambda: client.create_blocklist("big", ["x"]))[:2] == (400, 4)

    def test_update_and_delete_errors(self, client: Any) -> None:
        assert sdk_error(lambda: client.update_blocklist("nope", ["a"]))[:2] == (404, 16)
        assert sdk_error(lambda: client.delete_blocklist("nope"))[:2] == (404, 16)
        status, code, message = sdk_error(lambda: client.update_blocklist(BUILTIN, ["a"]))
        assert (status, code) == (400, 4)
        assert message.startswith("UpdateBlockList failed with error: ")
        assert sdk_error(lambda: client.delete_blocklist(BUILTIN))[:2] == (400, 4)
        client.create_blocklist("food", ["pie"])
        assert sdk_error(lambda: client.update_blocklist("food", []))[:2] == (400, 4)
        assert sdk_error(lambda: client.update_blocklist("food", ["w" * 41]))[:2] == (400, 4)
        assert client.get_blocklist("food")["blocklist"]["words"] == ["pie"]

    @pytest.mark.asyncio
    async def test_crud_async(self, aclient: Any) -> None:
        await aclient.create_blocklist("food", ["pie"])
        await aclient.update_blocklist("food", ["cake"])
        assert (await aclient.get_blocklist("food"))["blocklist"]["words"] == ["cake"]
        assert len((await aclient.list_blocklists())["blocklists"]) == 2
        await aclient.delete_blocklist("food")
        assert (await async_sdk_error(aclient.get_blocklist("food")))[:2] == (404, 16)

    def test_user_tokens_are_refused(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/blocklists", token=raw.user_token("ann"))) == (403, 17)


class TestReferences:
    def test_delete_removes_it_from_channel_types(self, client: Any) -> None:
        client.create_blocklist("food", ["pie"])
        client.create_blocklist("drink", ["beer"])
        client.update_channel_type("messaging", blocklist="food", blocklist_behavior="block")
        client.create_channel_type({
            "name": "support",
            "blocklists": [{"blocklist": "food", "behavior": "flag"}, {"blocklist": "drink", "behavior": "block"}],
        })
        client.create_channel_type({"name": "other", "blocklists": [{"blocklist": "food"}]})
        client.delete_blocklist("food")
        messaging = client.get_channel_type("messaging")
        assert "blocklist" not in messaging and "blocklist_behavior" not in messaging
        assert client.get_channel_type("support")["blocklists"] == [{"blocklist": "drink", "behavior": "block"}]
        assert "blocklists" not in client.get_channel_type("other")

    def test_delete_removes_it_from_channel_overrides(self, client: Any, raw: RawAPI, chat_app: ChatApp) -> None:
        """Cross-area: channel overrides live in the chat core."""
        client.create_blocklist("food", ["pie"])
        client.upsert_user({"id": "ann"})
        response = raw.request("POST", "/channels/messaging/c1/query", json={"data": {"created_by_id": "ann"}})
        ok(response)
        ok(raw.request("PATCH", "/channels/messaging/c1", json={"set": {"config_overrides": {"blocklist": "food", "blocklist_behavior": "block"}}}))
        client.delete_blocklist("food")
        channel = ok(raw.request("POST", "/channels/messaging/c1/query", json={"state": True}))["channel"]
        assert "blocklist" not in channel["config"]


class TestCheck:
    """``app.blocklists.check(text, config)`` — what the chat core calls on send/update."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("I like ice cream", "cream"),
            ("CREAM please", "cream"),
            ("sour-cream dip", "cream"),
            ("cream!", "cream"),
            ('"Cream", he said.', "cream"),
            ("creamcheese", None),
            ("Scream", None),
            ("creams", None),
            ("", None),
        ],
    )
    def test_word_lists_match_whole_words(self, chat_app: ChatApp, text: str, expected: str | None) -> None:
        chat_app.blocklists.create({"name": "food", "words": ["cream"]})
        verdict = chat_app.blocklists.check(text, {"blocklist": "food", "blocklist_behavior": "block"})
        if expected is None:
            assert verdict is None
        else:
            assert verdict == BlocklistVerdict("food", "word", expected, expected, "block")

    def test_multi_word_entries(self, chat_app: ChatApp) -> None:
        chat_app.blocklists.create({"name": "food", "words": ["ice cream"]})
        config = {"blocklist": "food"}
        assert chat_app.blocklists.check("I want ICE-cream now", config) == BlocklistVerdict("food", "word", "ice cream", "ice cream", "flag")
        assert chat_app.blocklists.check("ice, then cream", config) is None

    def test_regex_domain_email(self, chat_app: ChatApp) -> None:
        lists = chat_app.blocklists
        lists.create({"name": "cards", "type": "regex", "words": [r"\b\d{4}-\d{4}\b"]})
        lists.create({"name": "sites", "type": "domain", "words": ["example.com"]})
        lists.create({"name": "mails", "type": "email", "words": ["spam@mail.test", "@evil.test"]})
        check = lists.check
        assert check("card 1234-5678 ok", {"blocklist": "cards"}) == BlocklistVerdict("cards", "regex", r"\b\d{4}-\d{4}\b", "1234-5678", "flag")
        assert check("see https://www.Example.com/page", {"blocklist": "sites"}) == BlocklistVerdict("sites", "domain", "example.com", "www.example.com", "flag")
        assert check("visit example.com today", {"blocklist": "sites"}) is not None
        assert check("visit notexample.com", {"blocklist": "sites"}) is None
        assert check("write SPAM@mail.test", {"blocklist": "mails"}) == BlocklistVerdict("mails", "email", "spam@mail.test", "spam@mail.test", "flag")
        assert check("write a@sub.evil.test", {"blocklist": "mails"}) is not None
        assert check("write ham@mail.test", {"blocklist": "mails"}) is None

    def test_allowlists(self, chat_app: ChatApp) -> None:
        lists = chat_app.blocklists
        lists.create({"name": "ok-sites", "type": "domain_allowlist", "words": ["example.com"]})
        lists.create({"name": "ok-mails", "type": "email_allowlist", "words": ["corp.test"]})
        assert lists.check("go to docs.example.com", {"blocklist": "ok-sites"}) is None
        assert lists.check("go to other.test", {"blocklist": "ok-sites"}) is not None
        assert lists.check("mail me@corp.test", {"blocklist": "ok-mails"}) is None
        assert lists.check("mail me@gmail.test", {"blocklist": "ok-mails"}) is not None

    def test_strictest_behaviour_wins(self, chat_app: ChatApp) -> None:
        lists = chat_app.blocklists
        lists.create({"name": "a", "words": ["pie"]})
        lists.create({"name": "b", "words": ["cake"]})
        config = {
            "blocklist": "a",
            "blocklist_behavior": "flag",
            "blocklists": [{"blocklist": "b", "behavior": "shadow_block"}, {"blocklist": "gone", "behavior": "block"}],
        }
        verdict = lists.check("pie and cake", config)
        assert verdict is not None and (verdict.blocklist, verdict.behavior) == ("b", "shadow_block")
        assert lists.check("just pie", config) == BlocklistVerdict("a", "word", "pie", "pie", "flag")
        assert lists.check("nothing", config) is None
        assert lists.check("pie", {}) is None

    def test_builtin_list_and_effective_config(self, client: Any, chat_app: ChatApp) -> None:
        client.update_channel_type("messaging", blocklist=BUILTIN, blocklist_behavior="block")
        config = chat_app.channel_types.effective("messaging")
        verdict = chat_app.blocklists.check("well, BULLSHIT.", config)
        assert verdict == BlocklistVerdict(BUILTIN, "word", "bullshit", "bullshit", "block")
        overridden = chat_app.channel_types.effective("messaging", {"blocklist_behavior": "flag"})
        verdict = chat_app.blocklists.check("bullshit", overridden)
        assert verdict is not None and verdict.behavior == "flag"

    def test_block_on_send(self, client: Any, raw: RawAPI) -> None:
        """Cross-area: a blocked word keeps a client-side message out of the channel."""
        client.create_blocklist("food", ["pie"])
        client.update_channel_type("messaging", blocklist="food", blocklist_behavior="block")
        client.upsert_user({"id": "ann"})
        response = raw.request("POST", "/channels/messaging/c1/query", json={"data": {"created_by_id": "ann", "members": ["ann"]}})
        ok(response)
        sent = raw.request(
            "POST", "/channels/messaging/c1/message", json={"message": {"text": "I ate pie"}}, token=raw.user_token("ann")
        )
        assert ok(sent)["message"]["type"] == "error"
        state = ok(raw.request("POST", "/channels/messaging/c1/query", json={"state": True}))
        assert [m["text"] for m in state["messages"]] == []
