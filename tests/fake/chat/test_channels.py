"""Channels: get-or-create, distinct ids, updates, member operations, delete, truncate, hide/show, mutes."""

from __future__ import annotations

from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.chat.channels import distinct_id
from tests.fake.chat.conftest import api_error, raw_error


def _general(client: Any, members: list[str] | None = None, **data: Any) -> Any:
    channel = client.channel("messaging", "general", {"name": "General", "members": members or ["ann", "bob"], **data})
    channel.create("ann")
    return channel


def test_create_returns_state_and_emits_events(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = client.channel("messaging", "general", {"name": "General", "members": ["ann", "bob"]})
    response = channel.create("ann")
    assert response["channel"]["cid"] == "messaging:general"
    assert response["channel"]["name"] == "General"
    assert response["channel"]["member_count"] == 2
    assert response["channel"]["created_by"]["id"] == "ann"
    assert "last_message_at" not in response["channel"]
    assert [(m["user_id"], m["role"], m["channel_role"]) for m in response["members"]] == [
        ("ann", "owner", "channel_member"),
        ("bob", "member", "channel_member"),
    ]
    assert response["messages"] == [] and response["pinned_messages"] == [] and response["threads"] == []
    assert [r["unread_messages"] for r in response["read"]] == [0, 0]
    assert len(chat_app.events.list("channel.created")) == 1
    assert [e["member"]["user_id"] for e in chat_app.events.list("member.added")] == ["ann", "bob"]
    # Existing channel: data ignored, no new events.
    again = client.channel("messaging", "general", {"name": "Other"}).query()
    assert again["channel"]["name"] == "General"
    assert len(chat_app.events.list("channel.created")) == 1


def test_create_errors(client: Any, users: Any) -> None:
    with api_error(400, 4, "either data.created_by or data.created_by_id"):
        client.channel("messaging", "x", {"members": ["ann"]}).query()
    with api_error(400, 4, "cannot set both data.created_by and data.created_by_id"):
        client.channel("messaging", "x", {"created_by_id": "ann"}).create("ann")
    with api_error(400, 4, "don't exist"):
        client.channel("messaging", "x", {"members": ["ann", "ghost"]}).create("ann")
    with api_error(400, 4, "data.muted is a reserved field"):
        client.channel("messaging", "x", {"muted": True}).create("ann")
    with api_error(400, 4, "invalid channel id"):
        client.channel("messaging", "!bad").create("ann")
    with api_error(400, 4, "invalid channel id"):
        client.channel("messaging", "has space").create("ann")
    with api_error(404, 16):
        client.channel("nope", "x").create("ann")
    with api_error(413, 22):
        client.channel("messaging", "big", {"blob": "x" * 6000}).create("ann")
    with api_error(400, 4, "max 100 members"):
        client.channel("messaging", "many", {"members": [f"u{i}" for i in range(101)]}).create("ann")
    with api_error(400, 4, 'expected date for field "messages.created_at_after"'):
        _general(client).query(messages={"created_at_after": "yesterday"})


def test_create_data_not_object(raw: Any, users: Any) -> None:
    response = raw.request("POST", "/channels/messaging/x/query", json={"data": "nope"})
    raw_error(response, 400, 4, 'expected object for field "data"')


def test_distinct_channel(client: Any, users: Any) -> None:
    channel = client.channel("messaging", data={"members": ["bob", "ann", "bob"]})
    response = channel.create("ann")
    assert channel.id == response["channel"]["id"] == distinct_id(["ann", "bob"])
    assert channel.id.startswith("!members-") and len(channel.id) == len("!members-") + 43
    same = client.channel("messaging", data={"members": ["ann", "bob"]}).create("bob")
    assert same["channel"]["id"] == channel.id
    with api_error(400, 4, "at least 2 members"):
        client.channel("messaging", data={"members": ["ann"]}).create("ann")
    with api_error(403, 17, "distinct channel"):
        channel.add_members(["cat"])
    with api_error(403, 17, "cannot invite"):
        channel.invite_members(["ann"])
    channel.remove_members(["bob"])
    assert [m["user_id"] for m in channel.add_members(["bob"])["members"]] == ["ann", "bob"]


def test_full_and_partial_update(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client, color="red", detail={"topic": "a", "rating": 5})
    updated = channel.update({"name": "Renamed", "frozen": True, "cid": "ignored", "created_at": "x"})
    assert updated["channel"]["name"] == "Renamed" and updated["channel"]["frozen"] is True
    assert "color" not in updated["channel"]
    assert len(updated["members"]) == 2
    assert "message" not in updated
    with_message = channel.update({"name": "R2"}, {"text": "renamed", "user_id": "ann"})
    assert with_message["message"]["text"] == "renamed"
    assert chat_app.events.list("channel.updated")[-1]["channel"]["name"] == "R2"
    partial = channel.update_partial({"detail.topic": "Nature", "cooldown": 30}, ["name"])
    assert partial["channel"]["detail"] == {"topic": "Nature"}  # the full update had dropped "rating"
    channel.update_partial({"detail": {"topic": "a", "rating": 5}})
    channel.update_partial({"detail.topic": "Nature"})
    state = channel.update_partial(None, ["detail.rating"])
    assert state["channel"]["detail"] == {"topic": "Nature"}
    assert state["channel"]["cooldown"] == 30 and "name" not in state["channel"]
    assert "cooldown" not in channel.update_partial({"cooldown": 0})["channel"]
    with api_error(403, 17, "reserved"):
        channel.update_partial({"created_at": "2020-01-01T00:00:00Z"})
    with api_error(400, 4, "cooldown"):
        channel.update_partial({"cooldown": 121})
    with api_error(400, 4, "same field"):
        channel.update_partial({"x": 1}, ["x"])
    with api_error(413, 22):
        channel.update_partial({"blob": "y" * 6000})
    overrides = channel.update_partial({"config_overrides": {"replies": False, "max_message_length": 10}})
    assert overrides["channel"]["config"]["replies"] is False
    assert overrides["channel"]["config"]["max_message_length"] == 10
    with api_error(400, 4, "config_overrides.search"):
        channel.update_partial({"config_overrides": {"search": False}})
    with api_error(404, 16, "Can't find channel"):
        client.channel("messaging", "missing").update({"name": "x"})


def test_member_operations(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client)
    added = channel.add_members([{"user_id": "cat", "channel_role": "channel_moderator", "hat": "red"}],
                                {"text": "Cat joined", "user_id": "cat"}, hide_history=True)
    cat = next(m for m in added["members"] if m["user_id"] == "cat")
    assert cat["channel_role"] == "channel_moderator" and cat["hat"] == "red"
    assert "hide_messages_before" in cat
    assert added["message"]["text"] == "Cat joined"
    assert added["channel"]["member_count"] == 3
    assert len(chat_app.events.list("member.added")) == 3
    with api_error(400, 4, "could not find user `ghost`"):
        channel.add_members(["ghost"])
    with api_error(400, 4, "add and remove"):
        client.post("channels/messaging/general", data={"add_members": ["dan"], "remove_members": ["dan"]})
    removed = channel.remove_members(["cat"])
    assert [m["user_id"] for m in removed["members"]] == ["ann", "bob"]
    assert chat_app.events.list("member.removed")[-1]["member"]["user_id"] == "cat"
    channel.add_moderators(["bob", "dan"])
    members = {m["user_id"]: m for m in channel.query()["members"]}
    assert members["bob"]["is_moderator"] is True and members["bob"]["role"] == "moderator"
    assert members["dan"]["channel_role"] == "channel_moderator"
    channel.demote_moderators(["bob"])
    channel.assign_roles([{"user_id": "dan", "channel_role": "custom_role"}])
    members = {m["user_id"]: m for m in channel.query()["members"]}
    assert "is_moderator" not in members["bob"] and members["dan"]["channel_role"] == "custom_role"
    with api_error(400, 4, "not a member"):
        channel.assign_roles([{"user_id": "eve", "channel_role": "channel_member"}])
    with api_error(400, 4, "cooldown"):
        client.post("channels/messaging/general", data={"cooldown": 500})


def test_invites(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client)
    channel.invite_members(["cat", "dan"])
    invited = {m["user_id"]: m for m in channel.query()["members"]}
    assert invited["cat"]["invited"] is True and invited["cat"]["status"] == "pending"
    accepted = channel.accept_invite("cat", message={"text": "hello all", "user_id": "cat"})
    assert accepted["message"]["text"] == "hello all"
    assert channel.custom_data["cid"] == "messaging:general"
    again = channel.accept_invite("cat")
    assert "message" not in again
    channel.reject_invite("dan")
    members = {m["user_id"]: m for m in channel.query()["members"]}
    assert "invite_accepted_at" in members["cat"] and "invite_rejected_at" in members["dan"]
    assert members["dan"]["status"] == "rejected"
    with api_error(400, 4, "not invited"):
        channel.accept_invite("bob")
    assert len(chat_app.events.list("notification.invite_accepted")) == 1
    assert len(chat_app.events.list("notification.invite_rejected")) == 1
    assert client.query_channels({"invite": "pending"}, user_id="cat")["channels"] == []
    assert len(client.query_channels({"invite": "accepted"}, user_id="cat")["channels"]) == 1


def test_delete_and_recreate(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client, color="red")
    channel.send_message({"text": "old"}, "ann")
    deleted = channel.delete()
    assert "deleted_at" in deleted["channel"] and "color" not in deleted["channel"]
    assert chat_app.events.list("channel.deleted")[0]["cid"] == "messaging:general"
    with api_error(404, 16, "Can't find channel"):
        channel.send_message({"text": "x"}, "ann")
    with api_error(404, 16):
        channel.delete()
    assert client.query_channels({"cid": "messaging:general"})["channels"] == []
    with api_error(400, 4, "either data.created_by"):
        client.channel("messaging", "general").query()
    fresh = client.channel("messaging", "general", {"members": ["cat"]}).create("cat")
    assert fresh["messages"] == [] and [m["user_id"] for m in fresh["members"]] == ["cat"]
    assert "color" not in fresh["channel"]


def test_delete_many_task(client: Any, users: Any) -> None:
    _general(client)
    client.channel("messaging", "second", {"members": ["ann"]}).create("ann")
    response = client.delete_channels(["messaging:general", "messaging:second", "messaging:ghost"], hard_delete=True)
    task = client.get_task(response["task_id"])
    assert task["status"] == "completed"
    assert task["result"]["messaging:general"] == {"status": "ok"}
    assert task["result"]["messaging:ghost"]["status"] == "error"
    assert client.query_channels({"type": "messaging"})["channels"] == []
    with api_error(400, 4):
        client.delete_channels([])
    with api_error(400, 4, "not a valid channel cid"):
        client.delete_channels(["nocolon"])
    with api_error(404, 16, "Can't find task"):
        client.get_task("nope")


def test_truncate(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client)
    for i in range(3):
        channel.send_message({"text": f"m{i}"}, "ann")
    before = channel.query()
    assert [r["unread_messages"] for r in before["read"] if r["user"]["id"] == "bob"] == [3]
    response = channel.truncate(user_id="ann", message={"text": "fresh start", "user_id": "ann"})
    assert "truncated_at" in response["channel"] and response["channel"]["truncated_by"]["id"] == "ann"
    assert response["message"]["text"] == "fresh start"
    state = channel.query()
    assert [m["text"] for m in state["messages"]] == ["fresh start"]
    assert {r["user"]["id"]: r["unread_messages"] for r in state["read"]} == {"ann": 0, "bob": 1}
    assert len(chat_app.events.list("channel.truncated")) == 1
    channel.truncate(hard_delete=True)
    assert channel.query()["messages"] == []
    assert client.search({"cid": "messaging:general"}, "fresh")["results"] == []
    with api_error(400, 4, "future"):
        channel.truncate(truncated_at="2999-01-01T00:00:00Z")
    with api_error(400, 4, "message.user"):
        channel.truncate(message={"text": "no author"})


def test_hide_show(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client)
    channel.send_message({"text": "before"}, "ann")
    channel.hide("bob")
    assert client.query_channels({"members": {"$in": ["bob"]}}, user_id="bob")["channels"] == []
    hidden = client.query_channels({"hidden": True}, user_id="bob")["channels"]
    assert len(hidden) == 1 and hidden[0]["hidden"] is True
    channel.show("bob")
    assert len(client.query_channels({"members": {"$in": ["bob"]}}, user_id="bob")["channels"]) == 1
    client.post("channels/messaging/general/hide", data={"user_id": "bob", "clear_history": True})
    assert chat_app.events.list("channel.hidden")[-1]["clear_history"] is True
    channel.send_message({"text": "after"}, "ann", keep_channel_hidden=True)
    assert client.query_channels({"hidden": True}, user_id="bob")["channels"][0]["channel"]["cid"] == "messaging:general"
    channel.send_message({"text": "unhides"}, "ann")
    state = client.query_channels({"cid": "messaging:general"}, user_id="bob")["channels"][0]
    assert state["hidden"] is False
    assert [m["text"] for m in state["messages"]] == ["after", "unhides"]
    assert chat_app.events.list("channel.visible")[-1]["user"]["id"] == "bob"
    with api_error(400, 4, "not a member"):
        channel.hide("eve")
    with api_error(400, 4):
        client.post("channels/messaging/general/hide", data={})


def test_channel_mute(client: Any, users: Any, chat_app: ChatApp) -> None:
    channel = _general(client)
    response = channel.mute("bob", expiration=60_000)
    assert response["channel_mute"]["channel"]["cid"] == "messaging:general"
    assert "expires" in response["channel_mute"]
    assert [m["channel"]["cid"] for m in response["own_user"]["channel_mutes"]] == ["messaging:general"]
    channel.send_message({"text": "quiet"}, "ann")
    state = client.query_channels({"muted": True}, user_id="bob")["channels"]
    assert len(state) == 1 and state[0]["channel"]["muted"] is True
    bob = next(m for m in state[0]["members"] if m["user_id"] == "bob")
    assert bob["notifications_muted"] is True
    assert client.unread_counts("bob")["total_unread_count"] == 0
    chat_app.advance(61)
    assert client.query_channels({"muted": True}, user_id="bob")["channels"] == []
    channel.mute("bob")
    channel.unmute("bob")
    assert client.query_channels({"muted": False}, user_id="bob")["channels"][0]["channel"]["muted"] is False
    assert len(chat_app.events.list("channel.muted")) == 2 and len(chat_app.events.list("channel.unmuted")) == 1
    with api_error(400, 4, "either user or user_id"):
        client.post("moderation/mute/channel", data={"channel_cid": "messaging:general"})
    with api_error(400, 4, "some channels do not exist"):
        client.channel("messaging", "ghost").mute("bob")
    with api_error(400, 4, "channel_cid"):
        client.post("moderation/mute/channel", data={"user_id": "bob"})
    several = client.post("moderation/mute/channel", data={"user_id": "bob", "channel_cids": ["messaging:general"]})
    assert "channel_mute" in several


def test_channel_mute_answers_the_full_own_user(client: Any, users: Any, chat_app: ChatApp) -> None:
    """``own_user`` of a channel mute and ``me`` of ``notification.channel_mutes_updated`` are the
    full user of every other endpoint: devices included (they used to be always empty), user
    mutes oldest first like the user mute endpoints."""
    channel = _general(client)
    client.add_device("t1", "apn", "bob")
    client.mute_user("cat", "bob")
    chat_app.advance(1)
    client.mute_user("ann", "bob")
    own = channel.mute("bob")["own_user"]
    assert [d["id"] for d in own["devices"]] == ["t1"]
    assert [m["target"]["id"] for m in own["mutes"]] == ["cat", "ann"]
    with chat_app.lock:
        bob = chat_app.users.require("bob")
        assert own == chat_app.users.render_full(bob)
    me = chat_app.events.list("notification.channel_mutes_updated")[-1]["me"]
    assert [d["id"] for d in me["devices"]] == ["t1"]
    channel.unmute("bob")
    me = chat_app.events.list("notification.channel_mutes_updated")[-1]["me"]
    assert [d["id"] for d in me["devices"]] == ["t1"] and me["channel_mutes"] == []


@pytest.mark.asyncio
async def test_async_channel_lifecycle(aclient: Any, users: Any) -> None:
    channel = aclient.channel("messaging", "async", {"members": ["ann", "bob"]})
    created = await channel.create("ann")
    assert created["channel"]["member_count"] == 2
    await channel.add_members(["cat"])
    await channel.update_partial({"topic": "t"})
    result = await aclient.query_channels({"topic": "t"})
    assert [c["channel"]["cid"] for c in result["channels"]] == ["messaging:async"]
    await channel.hide("bob")
    await channel.show("bob")
    await channel.truncate()
    await channel.delete()
    assert (await aclient.query_channels({"topic": "t"}))["channels"] == []
