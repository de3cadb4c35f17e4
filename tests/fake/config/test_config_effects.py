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


def _flag_effects(client: Any, channel: Any, message_id: str, tmp_file: str) -> dict[str, Any]:
    """Each feature flag mapped to a call it gates."""
    return {
        "replies": lambda: channel.send_message({"text": "re", "parent_id": message_id}, "ann"),
        "quotes": lambda: channel.send_message({"text": "q", "quoted_message_id": message_id}, "ann"),
        "uploads": lambda: channel.send_file(tmp_file, "notes.txt", {"id": "ann"}),
        "typing_events": lambda: channel.send_event({"type": "typing.start"}, "ann"),
        "custom_events": lambda: channel.send_event({"type": "friendship_request"}, "ann"),
        "mutes": lambda: channel.mute("ann"),
        "search": lambda: client.search({"cid": channel.cid}, "hello"),
    }


def test_every_feature_flag_of_a_type_and_of_a_channel_takes_effect(client: Any, tmp_path: Any) -> None:
    note = tmp_path / "notes.txt"
    note.write_text("hello")
    channel = _channel(client)
    message_id = channel.send_message({"text": "hello"}, "ann")["message"]["id"]
    effects = _flag_effects(client, channel, message_id, str(note))
    expected_codes = {"typing_events": 18, "custom_events": 18, "search": 4}
    for flag, call in effects.items():
        call()  # allowed while the flag is on
        client.update_channel_type("messaging", **{flag: False})
        status, code, _ = sdk_error(call)
        assert (flag, status, code) == (flag, 400, expected_codes.get(flag, 19))
        client.update_channel_type("messaging", **{flag: True})
        call()


def test_channel_level_overrides_win_over_the_type(client: Any, tmp_path: Any) -> None:
    channel = _channel(client)
    message_id = channel.send_message({"text": "hello"}, "ann")["message"]["id"]
    channel.update_partial({"config_overrides": {"replies": False}})
    status, code, _ = sdk_error(lambda: channel.send_message({"text": "re", "parent_id": message_id}, "ann"))
    assert (status, code) == (400, 19)
    other = client.channel("messaging", "c2")
    other.create("ann")
    parent = other.send_message({"text": "hi"}, "ann")["message"]["id"]
    other.send_message({"text": "re", "parent_id": parent}, "ann")  # the type itself still allows replies
    channel.update_partial({"config_overrides": {}})
    channel.send_message({"text": "re", "parent_id": message_id}, "ann")
