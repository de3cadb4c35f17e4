"""Cross-area effects of configuration on the rest of the API.

Each test goes through another area's routes (users, chat core).
"""

from __future__ import annotations

from typing import Any

from tests.conftest import RawAPI
from tests.fake.config.conftest import sdk_error


def _channel(client: Any, channel_type: str = "messaging") -> Any:
    client.upsert_user({"id": "ann"})
    channel = client.channel(channel_type, "c1")
    channel.create("ann")
    return channel


def test_enforce_unique_usernames(client: Any) -> None:
    client.update_app_settings(enforce_unique_usernames="app")
    client.upsert_user({"id": "ann", "name": "Ann"})
    status, code, _ = sdk_error(lambda: client.upsert_user({"id": "bob", "name": "Ann"}))
    assert (status, code) == (400, 6)
    client.update_app_settings(enforce_unique_usernames="no")
    client.upsert_user({"id": "bob", "name": "Ann"})


def test_max_message_length(client: Any) -> None:
    channel = _channel(client)
    client.update_channel_type("messaging", max_message_length=10)
    status, code, _ = sdk_error(lambda: channel.send_message({"text": "x" * 11}, "ann"))
    assert (status, code) == (400, 20)
    channel.send_message({"text": "x" * 10}, "ann")


def test_reactions_disabled(client: Any) -> None:
    channel = _channel(client)
    message_id = channel.send_message({"text": "hi"}, "ann")["message"]["id"]
    client.update_channel_type("messaging", reactions=False)
    status, code, _ = sdk_error(lambda: channel.send_reaction(message_id, {"type": "like"}, "ann"))
    assert (status, code) == (400, 19)
    client.update_channel_type("messaging", reactions=True)
    channel.send_reaction(message_id, {"type": "like"}, "ann")


def test_channel_config_shows_type_changes(client: Any, raw: RawAPI) -> None:
    channel = _channel(client)
    client.create_command({"name": "ticket", "description": "Open a ticket"})
    client.update_channel_type("messaging", typing_events=False, commands=["ticket"])
    config = channel.query()["channel"]["config"]
    assert config["typing_events"] is False
    assert [c["name"] for c in config["commands"]] == ["ticket"]


def test_blocklist_flag_keeps_the_message(client: Any) -> None:
    channel = _channel(client)
    client.create_blocklist("food", ["pie"])
    client.update_channel_type("messaging", blocklist="food", blocklist_behavior="flag")
    sent = channel.send_message({"text": "pie for everyone"}, "ann", force_moderation=True)
    assert sent["message"]["type"] == "regular"
    texts = [m["text"] for m in channel.query()["messages"]]
    assert texts == ["pie for everyone"]
