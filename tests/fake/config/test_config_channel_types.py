"""Channel types: the built-ins, create/get/list/update/delete, validation and effects."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.channel_types import BUILTIN_COMMANDS, FEATURE_DEFAULTS
from fake_server.domain.grants_defaults import DEFAULT_GRANTS
from tests.conftest import RawAPI, status_code
from tests.fake.config.conftest import (
    async_sdk_error,
    ok,
    sdk_error,
)

ALL_BUILTIN_COMMANDS = list(BUILTIN_COMMANDS)
CONFIG_KEYS = {*FEATURE_DEFAULTS, "name", "commands", "permissions", "grants", "created_at", "updated_at"}


class TestBuiltins:
    def test_list_has_the_five_builtins(self, client: Any) -> None:
        types = client.list_channel_types()["channel_types"]
        assert set(types) == {"livestream", "messaging", "team", "gaming", "commerce"}
        for name, config in types.items():
            assert set(config) == CONFIG_KEYS, name
            assert config["name"] == name
            assert [c["name"] for c in config["commands"]] == ALL_BUILTIN_COMMANDS
            assert config["grants"] == DEFAULT_GRANTS[name]
            assert config["permissions"] == []
            expected = dict(FEATURE_DEFAULTS, url_enrichment=name != "livestream")
            assert {k: config[k] for k in FEATURE_DEFAULTS} == expected

    def test_get_builtin(self, client: Any) -> None:
        response = client.get_channel_type("livestream")
        assert response["grants"]["anonymous"] == ["join-call", "read-channel", "read-channel-members"]
        assert "channel_member" not in response["grants"]
        assert response["commands"][1] == {
            "name": "ban", "description": "Ban a user", "args": "[@username] [text]", "set": "moderation_set",
        }

    @pytest.mark.asyncio
    async def test_list_async(self, aclient: Any) -> None:
        types = (await aclient.list_channel_types())["channel_types"]
        assert types["messaging"]["automod"] == "disabled"


class TestCreate:
    def test_defaults_of_a_new_type(self, client: Any) -> None:
        data: dict[str, Any] = {"name": "support"}
        response = client.create_channel_type(data)
        assert data["commands"] == ["all"]  # the SDK fills the default into the caller's dict
        assert set(response) == CONFIG_KEYS | {"duration"}
        assert {k: response[k] for k in FEATURE_DEFAULTS} == FEATURE_DEFAULTS
        assert response["commands"] == ALL_BUILTIN_COMMANDS  # names, "all" expanded
        assert response["grants"] == DEFAULT_GRANTS["messaging"]
        assert response["permissions"] == []
        assert response["created_at"] == response["updated_at"]

    def test_get_returns_command_objects(self, client: Any) -> None:
        client.create_command({"name": "ticket", "description": "Open a ticket", "args": "[text]", "set": "support_set"})
        client.create_channel_type({"name": "support", "commands": ["ticket", "giphy"]})
        commands = client.get_channel_type("support")["commands"]
        assert [c["name"] for c in commands] == ["ticket", "giphy"]
        assert commands[0]["description"] == "Open a ticket"
        assert commands[0]["set"] == "support_set"
        assert "created_at" in commands[0]

    def test_all_follows_commands_created_later(self, client: Any) -> None:
        client.create_channel_type({"name": "support"})
        client.create_command({"name": "ticket", "description": "Open a ticket"})
        names = [c["name"] for c in client.get_channel_type("support")["commands"]]
        assert names == [*ALL_BUILTIN_COMMANDS, "ticket"]

    def test_set_names_expand(self, client: Any) -> None:
        response = client.create_channel_type({"name": "modonly", "commands": ["moderation_set"]})
        assert response["commands"] == ["ban", "unban", "mute", "unmute"]
        response = client.create_channel_type({"name": "funonly", "commands": ["fun_set", "giphy"]})
        assert response["commands"] == ["giphy"]

    def test_every_setting(self, client: Any) -> None:
        client.create_blocklist("bad", ["foo"])
        client.create_blocklist("worse", ["bar"])
        settings: dict[str, Any] = {
            "name": "custom-1_x",
            "typing_events": False, "read_events": False, "connect_events": False,
            "custom_events": False, "reactions": False, "replies": False, "quotes": False,
            "search": False, "mutes": False, "uploads": False, "url_enrichment": False,
            "push_notifications": False, "reminders": True, "mark_messages_pending": True,
            "polls": True, "skip_last_msg_update_for_system_msgs": True,
            "max_message_length": 20_000, "message_retention": "7", "automod": "AI",
            "automod_behavior": "block",
            "automod_thresholds": {"explicit": {"flag": 0.4, "block": 0.9}, "toxic": {"block": 1}},
            "blocklist": "bad", "blocklist_behavior": "shadow_block",
            "blocklists": [{"blocklist": "worse", "behavior": "block"}, {"blocklist": "bad"}],
            "allowed_flag_reasons": ["spam"], "partition_size": 10, "partition_ttl": "24h",
            "count_messages": True,
            "commands": ["ban"],
        }
        response = client.create_channel_type(dict(settings))
        expected = dict(settings)
        expected["automod_thresholds"] = {"explicit": {"flag": 0.4, "block": 0.9}, "toxic": {"block": 1.0}}
        expected["blocklists"] = [{"blocklist": "worse", "behavior": "block"}, {"blocklist": "bad", "behavior": "flag"}]
        for key, value in expected.items():
            assert response[key] == value, key

    def test_blocklist_behavior_defaults_to_flag(self, client: Any) -> None:
        response = client.create_channel_type({"name": "support", "blocklist": "profanity_en_2020_v1"})
        assert response["blocklist_behavior"] == "flag"

    def test_grants_merge_over_the_messaging_copy(self, client: Any) -> None:
        client.create_role("agent")
        response = client.create_channel_type({"name": "support", "grants": {"agent": ["read-channel"], "user": []}})
        assert response["grants"]["agent"] == ["read-channel"]
        assert response["grants"]["user"] == []
        assert response["grants"]["admin"] == DEFAULT_GRANTS["messaging"]["admin"]

    def test_new_types_copy_the_current_messaging_scope(self, client: Any) -> None:
        client.update_channel_type("messaging", grants={"channel_member": ["read-channel"]})
        response = client.create_channel_type({"name": "support"})
        assert response["grants"]["channel_member"] == ["read-channel"]

    def test_raw_create_without_commands_has_none(self, raw: RawAPI) -> None:
        body = ok(raw.request("POST", "/channeltypes", json={"name": "bare"}))
        assert body["commands"] == []

    @pytest.mark.asyncio
    async def test_create_async(self, aclient: Any) -> None:
        response = await aclient.create_channel_type({"name": "support", "reactions": False})
        assert response["reactions"] is False
        assert (await aclient.get_channel_type("support"))["reactions"] is False

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"name": ""},
            {"name": "has space"},
            {"name": "x" * 65},
            {"name": "messaging"},
            {"name": "t", "commands": ["nope"]},
            {"name": "t", "blocklist": "nope"},
            {"name": "t", "blocklists": [{"blocklist": "nope"}]},
            {"name": "t", "blocklists": [{"blocklist": "profanity_en_2020_v1", "behavior": "delete"}]},
            {"name": "t", "blocklist_behavior": "ignore"},
            {"name": "t", "automod": "smart"},
            {"name": "t", "automod_behavior": "warn"},
            {"name": "t", "automod_thresholds": {"explicit": {"flag": 2}}},
            {"name": "t", "automod_thresholds": {"nsfw": {"flag": 0.5}}},
            {"name": "t", "max_message_length": 0},
            {"name": "t", "max_message_length": 20_001},
            {"name": "t", "max_message_length": "100"},
            {"name": "t", "message_retention": "forever"},
            {"name": "t", "replies": "no"},
            {"name": "t", "partition_size": 5},
            {"name": "t", "partition_ttl": "a day"},
            {"name": "t", "grants": {"nobody": []}},
            {"name": "t", "grants": {"user": ["fly"]}},
            {"name": "t", "permissions": [{"action": "Maybe"}]},
            {"name": "t", "permissions": [{"priority": 1000}]},
            {"name": "t", "commands": "all"},
        ],
        ids=lambda data: json.dumps(data)[:60],
    )
    def test_invalid_input_is_400_4(self, raw: RawAPI, data: dict[str, Any]) -> None:
        response = raw.request("POST", "/channeltypes", json=data)
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CreateChannelType failed with error: ")

    def test_duplicate_through_the_sdk(self, client: Any) -> None:
        client.create_channel_type({"name": "support"})
        assert sdk_error(lambda: client.create_channel_type({"name": "support"}))[:2] == (400, 4)

    def test_fifty_types_at_most(self, client: Any, chat_app: ChatApp) -> None:
        with chat_app.lock:
            for index in range(44):
                chat_app.channel_types.create({"name": f"type{index}"})
        client.create_channel_type({"name": "the50th"})
        assert len(client.list_channel_types()["channel_types"]) == 50
        assert sdk_error(lambda: client.create_channel_type({"name": "the51st"}))[:2] == (400, 4)

    def test_user_tokens_are_refused(self, raw: RawAPI) -> None:
        token = raw.user_token("ann")
        assert status_code(raw.request("POST", "/channeltypes", json={"name": "x"}, token=token)) == (403, 17)
        assert status_code(raw.request("GET", "/channeltypes", token=token)) == (403, 17)


class TestGet:
    def test_unknown_type_is_404(self, client: Any) -> None:
        status, code, message = sdk_error(lambda: client.get_channel_type("nope"))
        assert (status, code) == (404, 16)
        assert message.startswith("GetChannelType failed with error: ")

    @pytest.mark.asyncio
    async def test_unknown_type_is_404_async(self, aclient: Any) -> None:
        assert (await async_sdk_error(aclient.get_channel_type("nope")))[:2] == (404, 16)


class TestUpdate:
    def test_partial_update(self, client: Any, chat_app: ChatApp) -> None:
        created = client.create_channel_type({"name": "support", "reactions": False})
        chat_app.clock.advance(1)
        response = client.update_channel_type("support", replies=False, max_message_length=200, name="ignored")
        assert response["name"] == "support"
        assert (response["reactions"], response["replies"], response["max_message_length"]) == (False, False, 200)
        assert response["commands"] == ALL_BUILTIN_COMMANDS
        assert response["updated_at"] > created["updated_at"]
        assert response["created_at"] == created["created_at"]
        assert client.get_channel_type("support")["replies"] is False

    def test_commands_replace(self, client: Any) -> None:
        client.create_channel_type({"name": "support"})
        assert client.update_channel_type("support", commands=["giphy"])["commands"] == ["giphy"]
        assert client.update_channel_type("support", commands=[])["commands"] == []

    def test_grants_merge_per_role_and_null_resets(self, client: Any) -> None:
        client.update_channel_type("messaging", grants={"user": ["read-channel"], "guest": ["read-channel"], "channel_member": []})
        grants = client.get_channel_type("messaging")["grants"]
        assert grants["user"] == ["read-channel"]
        assert grants["guest"] == ["read-channel"]
        assert grants["channel_member"] == []
        assert grants["admin"] == DEFAULT_GRANTS["messaging"]["admin"]
        client.update_channel_type("messaging", grants=None)
        assert client.get_channel_type("messaging")["grants"] == DEFAULT_GRANTS["messaging"]

    def test_permissions_replace(self, client: Any) -> None:
        first = [{"name": "a", "action": "Allow", "resources": ["ReadChannel"], "roles": ["user"], "owner": False, "priority": 10}]
        second = [{"name": "b", "action": "Deny", "resources": ["*"], "roles": ["*"], "owner": False, "priority": 999}]
        client.update_channel_type("team", permissions=first)
        assert client.update_channel_type("team", permissions=second)["permissions"] == second

    def test_blocklist_can_be_removed(self, client: Any) -> None:
        client.update_channel_type("messaging", blocklist="profanity_en_2020_v1", blocklist_behavior="block")
        response = client.update_channel_type("messaging", blocklist="")
        assert "blocklist" not in response
        assert "blocklist_behavior" not in response

    def test_errors(self, client: Any) -> None:
        assert sdk_error(lambda: client.update_channel_type("nope", replies=False))[:2] == (404, 16)
        assert sdk_error(lambda: client.update_channel_type("messaging", commands=["nope"]))[:2] == (400, 4)
        assert sdk_error(lambda: client.update_channel_type("messaging", blocklist="nope"))[:2] == (400, 4)
        assert sdk_error(lambda: client.update_channel_type("messaging", grants={"nobody": []}))[:2] == (400, 4)
        assert sdk_error(lambda: client.update_channel_type("messaging", grants={"user": ["nope"]}))[:2] == (400, 4)
        assert sdk_error(lambda: client.update_channel_type("messaging", automod="x"))[:2] == (400, 4)
        # A rejected update changes nothing.
        sdk_error(lambda: client.update_channel_type("messaging", replies=False, automod="x"))
        assert client.get_channel_type("messaging")["replies"] is True

    @pytest.mark.asyncio
    async def test_update_async(self, aclient: Any) -> None:
        response = await aclient.update_channel_type("gaming", typing_events=False)
        assert response["typing_events"] is False
        assert (await async_sdk_error(aclient.update_channel_type("nope", typing_events=False)))[:2] == (404, 16)


class TestDelete:
    def test_delete_custom_and_builtin(self, client: Any) -> None:
        client.create_channel_type({"name": "support"})
        assert set(client.delete_channel_type("support")) == {"duration"}
        assert sdk_error(lambda: client.get_channel_type("support"))[:2] == (404, 16)
        # Built-in types may be deleted like custom ones (endpoints §4.5) and re-created.
        client.delete_channel_type("commerce")
        assert "commerce" not in client.list_channel_types()["channel_types"]
        assert client.create_channel_type({"name": "commerce"})["grants"] == DEFAULT_GRANTS["commerce"]

    def test_unknown_type_is_404(self, client: Any) -> None:
        client.create_channel_type({"name": "support"})
        client.delete_channel_type("support")
        assert sdk_error(lambda: client.delete_channel_type("support"))[:2] == (404, 16)

    def test_refused_while_channels_exist(self, client: Any, chat_app: ChatApp, monkeypatch: pytest.MonkeyPatch) -> None:
        client.create_channel_type({"name": "support"})
        counts = {"support": 2}
        monkeypatch.setattr(chat_app.chat, "channel_count_of_type", lambda name: counts.get(name, 0), raising=False)
        status, code, message = sdk_error(lambda: client.delete_channel_type("support"))
        assert (status, code) == (400, 4)
        assert message.startswith("DeleteChannelType failed with error: ")
        counts["support"] = 0
        client.delete_channel_type("support")

    def test_refused_while_real_channels_exist(self, client: Any, raw: RawAPI) -> None:
        """Cross-area: needs the chat core's channel routes."""
        client.create_channel_type({"name": "support"})
        client.upsert_user({"id": "ann"})
        response = raw.request("POST", "/channels/support/c1/query", json={"data": {"created_by_id": "ann"}})
        ok(response)
        assert sdk_error(lambda: client.delete_channel_type("support"))[:2] == (400, 4)
        ok(raw.request("DELETE", "/channels/support/c1", params={"hard_delete": "true"}))
        client.delete_channel_type("support")

    @pytest.mark.asyncio
    async def test_delete_async(self, aclient: Any) -> None:
        await aclient.create_channel_type({"name": "support"})
        await aclient.delete_channel_type("support")
        assert (await async_sdk_error(aclient.delete_channel_type("support")))[:2] == (404, 16)


class TestEffectiveConfig:
    def test_updates_apply_at_once(self, client: Any, chat_app: ChatApp) -> None:
        client.update_channel_type("messaging", reactions=False, commands=["giphy"])
        config = chat_app.channel_types.effective("messaging")
        assert config["reactions"] is False
        assert config["commands"] == ["giphy"]
        rendered = chat_app.channel_types.render_config("messaging", {"reactions": True, "commands": ["ban"]})
        assert rendered["reactions"] is True
        assert [c["name"] for c in rendered["commands"]] == ["ban"]

    def test_overrides_validation(self, chat_app: ChatApp) -> None:
        types = chat_app.channel_types
        assert types.validate_overrides({"replies": False, "blocklist": "profanity_en_2020_v1", "commands": ["moderation_set"],
                                         "grants": {"user": ["!add-links", "create-reaction"]}, "typing_events": None}) == {
            "replies": False,
            "blocklist": "profanity_en_2020_v1",
            "commands": ["ban", "unban", "mute", "unmute"],
            "grants": {"user": ["!add-links", "create-reaction"]},
        }
        for bad in ({"search": False}, {"max_message_length": 0}, {"blocklist": "nope"}, {"grants": {"user": ["!nope"]}}, {"replies": 1}):
            with pytest.raises(Exception) as info:
                types.validate_overrides(bad)
            assert (getattr(info.value, "status", None), getattr(info.value, "code", None)) == (400, 4)

    def test_replies_disabled_makes_replies_fail(self, client: Any, raw: RawAPI) -> None:
        """Cross-area: a custom type with replies off rejects thread replies with 400/19."""
        client.create_channel_type({"name": "noreplies", "replies": False})
        client.upsert_user({"id": "ann"})
        response = raw.request("POST", "/channels/noreplies/c1/query", json={"data": {"created_by_id": "ann", "members": ["ann"]}})
        ok(response)
        sent = raw.request("POST", "/channels/noreplies/c1/message", json={"message": {"text": "parent", "user_id": "ann"}})
        parent = ok(sent)["message"]["id"]
        reply = raw.request(
            "POST", "/channels/noreplies/c1/message", json={"message": {"text": "reply", "user_id": "ann", "parent_id": parent}}
        )
        assert status_code(reply) == (400, 19)
