"""Custom slash commands: CRUD, built-ins, and their use by channel types."""

from __future__ import annotations

import json
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import RawAPI, status_code
from tests.fake.config.conftest import async_sdk_error, sdk_error

BUILTIN_NAMES = ["giphy", "ban", "unban", "mute", "unmute"]


class TestCreate:
    def test_create_and_get(self, client: Any, chat_app: ChatApp) -> None:
        response = client.create_command({"name": "ticket", "description": "Open a ticket", "args": "[text]", "set": "support_set"})
        command = response["command"]
        assert set(command) == {"name", "description", "args", "set", "created_at", "updated_at"}
        assert (command["name"], command["description"], command["args"], command["set"]) == (
            "ticket", "Open a ticket", "[text]", "support_set",
        )
        got = client.get_command("ticket")
        assert "command" not in got  # flattened at the top level
        assert {k: got[k] for k in command} == command

    def test_optional_fields_default_to_empty(self, client: Any) -> None:
        command = client.create_command({"name": "ping", "description": "Ping"})["command"]
        assert (command["args"], command["set"]) == ("", "")

    @pytest.mark.parametrize(
        "data",
        [
            {},
            {"name": "x"},
            {"description": "no name"},
            {"name": "", "description": "d"},
            {"name": "bad name", "description": "d"},
            {"name": "x" * 256, "description": "d"},
            {"name": "x", "description": "d" * 256},
            {"name": "x", "description": "d", "args": "a" * 256},
            {"name": "x", "description": "d", "set": 5},
            {"name": "giphy", "description": "a built-in name"},
        ],
        ids=lambda data: json.dumps(data)[:50],
    )
    def test_invalid_input_is_400_4(self, raw: RawAPI, data: dict[str, Any]) -> None:
        response = raw.request("POST", "/commands", json=data)
        assert status_code(response) == (400, 4)
        assert response.json()["message"].startswith("CreateCommand failed with error: ")

    def test_duplicate(self, client: Any) -> None:
        client.create_command({"name": "ticket", "description": "d"})
        assert sdk_error(lambda: client.create_command({"name": "ticket", "description": "d"}))[:2] == (400, 4)

    @pytest.mark.asyncio
    async def test_create_async(self, aclient: Any) -> None:
        response = await aclient.create_command({"name": "ticket", "description": "d"})
        assert response["command"]["name"] == "ticket"
        assert (await async_sdk_error(aclient.create_command({"name": "ticket", "description": "d"})))[:2] == (400, 4)


class TestListAndGet:
    def test_list_has_builtins_then_custom_by_name(self, client: Any) -> None:
        client.create_command({"name": "zeta", "description": "z"})
        client.create_command({"name": "alpha", "description": "a"})
        commands = client.list_commands()["commands"]
        assert [c["name"] for c in commands] == [*BUILTIN_NAMES, "alpha", "zeta"]
        assert commands[0] == {"name": "giphy", "description": "Post a random gif to the channel", "args": "[text]", "set": "fun_set"}

    def test_get_builtin(self, client: Any) -> None:
        got = client.get_command("mute")
        assert (got["name"], got["args"], got["set"]) == ("mute", "[@username]", "moderation_set")

    def test_get_unknown_is_404(self, client: Any) -> None:
        status, code, message = sdk_error(lambda: client.get_command("nope"))
        assert (status, code) == (404, 16)
        assert message.startswith("GetCommand failed with error: ")

    @pytest.mark.asyncio
    async def test_list_async(self, aclient: Any) -> None:
        assert [c["name"] for c in (await aclient.list_commands())["commands"]] == BUILTIN_NAMES


class TestUpdate:
    def test_only_given_fields_change(self, client: Any, chat_app: ChatApp) -> None:
        created = client.create_command({"name": "ticket", "description": "d", "args": "[a]", "set": "s"})["command"]
        chat_app.clock.advance(1)
        updated = client.update_command("ticket", description="new")["command"]
        assert (updated["name"], updated["description"], updated["args"], updated["set"]) == ("ticket", "new", "[a]", "s")
        assert updated["updated_at"] > created["updated_at"]
        assert updated["created_at"] == created["created_at"]
        updated = client.update_command("ticket", args="[b]", set="t")["command"]
        assert (updated["description"], updated["args"], updated["set"]) == ("new", "[b]", "t")

    def test_name_cannot_change(self, client: Any, raw: RawAPI) -> None:
        client.create_command({"name": "ticket", "description": "d"})
        response = raw.request("PUT", "/commands/ticket", json={"name": "renamed", "description": "e"})
        assert response.status_code == 200
        assert response.json()["command"]["name"] == "ticket"
        assert sdk_error(lambda: client.get_command("renamed"))[:2] == (404, 16)

    def test_errors(self, client: Any) -> None:
        assert sdk_error(lambda: client.update_command("nope", description="d"))[:2] == (404, 16)
        assert sdk_error(lambda: client.update_command("giphy", description="d"))[:2] == (400, 4)
        client.create_command({"name": "ticket", "description": "d"})
        assert sdk_error(lambda: client.update_command("ticket", description="d" * 256))[:2] == (400, 4)
        assert sdk_error(lambda: client.update_command("ticket", description=""))[:2] == (400, 4)

    @pytest.mark.asyncio
    async def test_update_async(self, aclient: Any) -> None:
        await aclient.create_command({"name": "ticket", "description": "d"})
        assert (await aclient.update_command("ticket", description="e"))["command"]["description"] == "e"


class TestDelete:
    def test_delete(self, client: Any) -> None:
        client.create_command({"name": "ticket", "description": "d"})
        response = client.delete_command("ticket")
        assert response["name"] == "ticket"
        assert sdk_error(lambda: client.get_command("ticket"))[:2] == (404, 16)
        assert sdk_error(lambda: client.delete_command("ticket"))[:2] == (404, 16)

    def test_builtins_cannot_be_deleted(self, client: Any) -> None:
        status, code, message = sdk_error(lambda: client.delete_command("giphy"))
        assert (status, code) == (400, 4)
        assert message.startswith("DeleteCommand failed with error: ")

    def test_refused_while_a_type_lists_it_explicitly(self, client: Any) -> None:
        client.create_command({"name": "ticket", "description": "d"})
        client.create_channel_type({"name": "support", "commands": ["ticket"]})
        assert sdk_error(lambda: client.delete_command("ticket"))[:2] == (400, 4)
        client.update_channel_type("support", commands=["giphy"])
        client.delete_command("ticket")

    def test_all_does_not_pin_a_command(self, client: Any) -> None:
        client.create_command({"name": "ticket", "description": "d"})
        client.create_channel_type({"name": "support"})  # the SDK sends ["all"]
        assert "ticket" in [c["name"] for c in client.get_channel_type("support")["commands"]]
        client.delete_command("ticket")
        assert [c["name"] for c in client.get_channel_type("support")["commands"]] == BUILTIN_NAMES

    @pytest.mark.asyncio
    async def test_delete_async(self, aclient: Any) -> None:
        await aclient.create_command({"name": "ticket", "description": "d"})
        assert (await aclient.delete_command("ticket"))["name"] == "ticket"


class TestCustomCommandsInConfigs:
    def test_custom_commands_render_as_objects_in_channel_configs(self, client: Any, chat_app: ChatApp) -> None:
        client.create_command({"name": "ticket", "description": "Open a ticket", "args": "[text]", "set": "support_set"})
        client.update_channel_type("messaging", commands=["ticket", "support_set", "giphy"])
        config = chat_app.channel_types.render_config("messaging")
        assert [c["name"] for c in config["commands"]] == ["ticket", "giphy"]
        assert config["commands"][0]["description"] == "Open a ticket"
        app_config = client.get_app_settings()["app"]["channel_configs"]["messaging"]
        assert app_config["commands"][0]["name"] == "ticket"

    def test_user_tokens_are_refused(self, raw: RawAPI) -> None:
        assert status_code(raw.request("GET", "/commands", token=raw.user_token("ann"))) == (403, 17)
