"""Reactions, read state (mark read / unread / all read) and unread counts."""

from __future__ import annotations

from typing import Any

import pytest

from fake_server import ChatApp
from tests.fake.chat.conftest import api_error


@pytest.fixture
def channel(client: Any, users: Any) -> Any:
    channel = client.channel("messaging", "general", {"members": ["ann", "bob", "cat"]})
    channel.create("ann")
    channel.send_message({"id": "m1", "text": "first"}, "ann")
    return channel


def test_reactions_aggregates(client: Any, channel: Any, chat_app: ChatApp) -> None:
    first = channel.send_reaction("m1", {"type": "love", "score": 5}, "bob")
    assert first["reaction"]["score"] == 5 and first["reaction"]["user"]["id"] == "bob"
    assert [r["type"] for r in first["message"]["own_reactions"]] == ["love"]
    replaced = channel.send_reaction("m1", {"type": "love", "score": 10, "note": "x"}, "bob")["message"]
    assert replaced["reaction_counts"] == {"love": 1} and replaced["reaction_scores"] == {"love": 10}
    channel.send_reaction("m1", {"type": "love"}, "cat")
    channel.send_reaction("m1", {"type": "like:1.0"}, "cat")
    message = client.get_message("m1")["message"]
    assert message["reaction_counts"] == {"love": 2, "like:1.0": 1}
    assert message["reaction_scores"] == {"love": 11, "like:1.0": 1}
    group = message["reaction_groups"]["love"]
    assert group["count"] == 2 and group["sum_scores"] == 11
    assert group["first_reaction_at"] <= group["last_reaction_at"]
    assert [r["type"] for r in message["latest_reactions"]] == ["like:1.0", "love", "love"]
    assert message["own_reactions"] == []
    assert [e["type"] for e in chat_app.events.list() if e["type"].startswith("reaction.")] == [
        "reaction.new", "reaction.updated", "reaction.new", "reaction.new",
    ]
    unique = client.post("messages/m1/reaction", data={"reaction": {"type": "wow", "user_id": "cat"}, "enforce_unique": True})
    assert unique["message"]["reaction_counts"] == {"love": 1, "wow": 1}
    listed = channel.get_reactions("m1", limit=1, offset=0)["reactions"]
    assert [r["type"] for r in listed] == ["wow"]
    assert len(channel.get_reactions("m1")["reactions"]) == 2
    removed = channel.delete_reaction("m1", "love", "bob")
    assert removed["reaction"]["type"] == "love" and removed["message"]["reaction_counts"] == {"wow": 1}
    assert "love" not in removed["message"]["reaction_groups"]
    assert {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}["bob"] == 1


def test_reaction_errors(client: Any, channel: Any) -> None:
    with api_error(404, 16):
        channel.send_reaction("ghost", {"type": "like"}, "bob")
    with api_error(400, 4, "reaction.type"):
        channel.send_reaction("m1", {}, "bob")
    with api_error(400, 4, "at most 30"):
        channel.send_reaction("m1", {"type": "x" * 31}, "bob")
    with api_error(413, 22):
        channel.send_reaction("m1", {"type": "big", "blob": "x" * 2000}, "bob")
    with api_error(404, 16):
        channel.delete_reaction("m1", "never", "bob")
    with api_error(400, 4, "limit"):
        channel.get_reactions("m1", limit=301)
    client.delete_message("m1")
    with api_error(400, 4, "deleted"):
        channel.send_reaction("m1", {"type": "like"}, "bob")
    channel.send_message({"id": "m2", "text": "second"}, "ann")
    channel.update_partial({"config_overrides": {"reactions": False}})
    with api_error(400, 19):
        channel.send_reaction("m2", {"type": "like"}, "bob")
    with api_error(400, 19):
        channel.get_reactions("m2")


def _unread(channel: Any, user_id: str) -> int:
    reads = {r["user"]["id"]: r for r in channel.query()["read"]}
    value: int = reads[user_id]["unread_messages"]
    return value


def test_mark_read_and_unread(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"id": "m2", "text": "second"}, "ann")
    channel.send_message({"id": "m3", "text": "third"}, "ann")
    assert _unread(channel, "bob") == 3
    event = channel.mark_read("bob", message_id="m1")["event"]
    assert event["type"] == "message.read" and event["last_read_message_id"] == "m1"
    assert _unread(channel, "bob") == 2
    channel.mark_read("bob")
    read = {r["user"]["id"]: r for r in channel.query()["read"]}["bob"]
    assert read["unread_messages"] == 0 and read["last_read_message_id"] == "m3"
    channel.mark_unread("bob", message_id="m2")
    read = {r["user"]["id"]: r for r in channel.query()["read"]}["bob"]
    assert read["unread_messages"] == 2 and read["first_unread_message_id"] == "m2"
    assert read["last_read_message_id"] == "m1"
    assert chat_app.events.list("notification.mark_unread")[-1]["unread_messages"] == 2
    assert len(chat_app.events.list("message.read")) == 2
    with api_error(400, 4, "does not exist"):
        channel.mark_read("ghost")
    with api_error(404, 16):
        channel.mark_read("bob", message_id="ghost")
    with api_error(400, 4):
        channel.mark_unread("bob")
    with api_error(404, 16):
        channel.mark_unread("bob", message_id="ghost")
    with api_error(404, 16):
        client.channel("messaging", "missing").mark_read("bob")
    with api_error(400, 4, "either user or user_id"):
        client.post("channels/messaging/general/read", data={})
    channel.mark_read("eve")  # a non-member gets a read state
    assert "eve" in {r["user"]["id"] for r in channel.query()["read"]}


def test_mark_all_read_and_unread_counts(client: Any, channel: Any) -> None:
    other = client.channel("team", "dev", {"members": ["bob", "ann"], "team": "blue"})
    other.create("ann")
    other.send_message({"text": "a"}, "ann")
    other.send_message({"text": "b"}, "ann")
    counts = client.unread_counts("bob")
    assert counts["total_unread_count"] == 3
    assert [(c["channel_id"], c["unread_count"]) for c in counts["channels"]] == [("team:dev", 2), ("messaging:general", 1)]
    assert {t["channel_type"]: (t["channel_count"], t["unread_count"]) for t in counts["channel_type"]} == {
        "messaging": (1, 1), "team": (1, 2),
    }
    assert counts["total_unread_count_by_team"] == {"blue": 2}
    batch = client.unread_counts_batch(["bob", "cat", "ghost"])["counts_by_user"]
    assert set(batch) == {"bob", "cat"} and batch["cat"]["total_unread_count"] == 1
    client.mark_all_read("bob")
    assert client.unread_counts("bob")["total_unread_count"] == 0
    assert client.unread_counts("cat")["total_unread_count"] == 1
    with api_error(404, 16):
        client.unread_counts("ghost")
    with api_error(400, 4):
        client.unread_counts_batch([])
    with api_error(400, 4, "does not exist"):
        client.mark_all_read("ghost")
    channel.delete()
    assert client.unread_counts("cat")["total_unread_count"] == 0


def test_unread_exclusions(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.invite_members(["dan"])
    with chat_app.lock:
        from fake_server.domain.moderation import UserMute

        now = chat_app.clock.now()
        chat_app.user_mutes[("cat", "ann")] = UserMute("cat", "ann", now, now)
    channel.send_message({"text": "counted?"}, "ann")
    reads = {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}
    assert reads == {"ann": 0, "bob": 2, "cat": 1, "dan": 0}
    channel.send_message({"text": "thread only", "parent_id": "m1"}, "ann")
    assert _unread(channel, "bob") == 2
    channel.update_partial({"config_overrides": {}})
    with chat_app.lock:
        chat_app.channel_types.require("messaging").config["read_events"] = False
    channel.send_message({"text": "uncounted"}, "ann")
    state = channel.query()
    assert "read" not in state
    with chat_app.lock:
        chat_app.channel_types.require("messaging").config["read_events"] = True
    assert _unread(channel, "bob") == 2


@pytest.mark.asyncio
async def test_async_reactions_and_reads(aclient: Any, users: Any) -> None:
    channel = aclient.channel("messaging", "ar", {"members": ["ann", "bob"]})
    await channel.create("ann")
    await channel.send_message({"id": "x1", "text": "hi"}, "ann")
    reacted = await channel.send_reaction("x1", {"type": "like"}, "bob")
    assert reacted["message"]["reaction_counts"] == {"like": 1}
    assert len((await channel.get_reactions("x1"))["reactions"]) == 1
    await channel.delete_reaction("x1", "like", "bob")
    assert (await aclient.unread_counts("bob"))["total_unread_count"] == 1
    await channel.mark_read("bob")
    await channel.mark_unread("bob", message_id="x1")
    assert (await aclient.unread_counts_batch(["bob"]))["counts_by_user"]["bob"]["total_unread_count"] == 1
    await aclient.mark_all_read("bob")
    assert (await aclient.unread_counts("bob"))["total_unread_count"] == 0
