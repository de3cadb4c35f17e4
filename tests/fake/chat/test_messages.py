"""Messages: send options and errors, get, update, pins, delete/undelete, threads, commands, history."""

from __future__ import annotations

from typing import Any

import pytest

from fake_server import ChatApp
from tests.fake.chat.conftest import api_error, raw_error


@pytest.fixture
def channel(client: Any, users: Any) -> Any:
    channel = client.channel("messaging", "general", {"members": ["ann", "bob", "cat"]})
    channel.create("ann")
    return channel


def test_send_message_shape_and_effects(client: Any, channel: Any, chat_app: ChatApp) -> None:
    response = channel.send_message(
        {"id": "m1", "text": "hi @bob", "mentioned_users": ["bob"], "priority": "high"}, "ann", skip_push=True
    )
    message = response["message"]
    assert message["id"] == "m1" and message["cid"] == "messaging:general" and message["type"] == "regular"
    assert message["html"] == "<p>hi @bob</p>\n" and message["priority"] == "high"
    assert [u["id"] for u in message["mentioned_users"]] == ["bob"]
    assert message["pinned"] is False and message["pinned_at"] is None and message["pin_expires"] is None
    assert message["reaction_counts"] == {} and message["latest_reactions"] == []
    assert message["created_at"] == message["updated_at"]
    state = channel.query()
    assert state["channel"]["last_message_at"] == message["created_at"]
    assert {r["user"]["id"]: r["unread_messages"] for r in state["read"]} == {"ann": 0, "bob": 1, "cat": 1}
    assert [e["message"]["id"] for e in chat_app.events.list("message.new")] == ["m1"]
    channel.send_message({"text": "shh", "silent": True}, "ann")
    channel.send_message({"text": "notice", "type": "system"}, "ann")
    reads = {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}
    assert reads == {"ann": 0, "bob": 2, "cat": 2}
    got = client.get_message("m1")["message"]
    assert got["channel"]["cid"] == "messaging:general" and got["text"] == "hi @bob"


def test_send_message_errors(client: Any, channel: Any, raw: Any) -> None:
    with api_error(400, 4, "either message.user or message.user_id"):
        client.post("channels/messaging/general/message", data={"message": {"text": "x"}})
    with api_error(400, 4, "cannot set both message.user and message.user_id"):
        channel.send_message({"text": "x", "user_id": "ann"}, "ann")
    with api_error(404, 16):
        client.channel("messaging", "missing").send_message({"text": "x"}, "ann")
    with api_error(400, 20, "too long"):
        channel.send_message({"text": "x" * 5001}, "ann")
    with api_error(400, 4, "message.type"):
        channel.send_message({"text": "x", "type": "ephemeral"}, "ann")
    with api_error(400, 4, "message.created_at is a reserved field"):
        channel.send_message({"text": "x", "created_at": "2020-01-01T00:00:00Z"}, "ann")
    with api_error(400, 4, "text, attachments or a poll"):
        channel.send_message({}, "ann")
    channel.send_message({"id": "dup", "text": "x"}, "ann")
    with api_error(400, 4, "already exists"):
        channel.send_message({"id": "dup", "text": "x"}, "ann")
    with api_error(400, 4):
        channel.send_message({"id": "a,b", "text": "x"}, "ann")
    with api_error(400, 4, "attachments"):
        channel.send_message({"text": "x", "attachments": "123"}, "ann")
    with api_error(400, 4, "at most 30"):
        channel.send_message({"text": "x", "attachments": [{}] * 31}, "ann")
    with api_error(400, 4, "at most 25"):
        channel.send_message({"text": "x", "mentioned_users": [f"u{i}" for i in range(26)]}, "ann")
    with api_error(400, 4, "do not exist"):
        channel.send_message({"text": "x", "mentioned_users": ["ghost"]}, "ann")
    with api_error(413, 22):
        channel.send_message({"text": "x", "blob": "y" * 6000}, "ann")
    for field, value, expected in (
        ("silent", "yes", "boolean"), ("show_in_channel", 1, "boolean"),
        ("quoted_message_id", 5, "string"), ("poll_id", [], "string"), ("mentioned_users", "bob", "array"),
    ):
        with api_error(400, 4, expected):
            channel.send_message({"text": "x", field: value}, "ann")
    nulls = channel.send_message(
        {"text": "x", "silent": None, "attachments": None, "mentioned_users": None, "quoted_message_id": None}, "ann"
    )["message"]
    assert (nulls["silent"], nulls["attachments"], nulls["mentioned_users"]) == (False, [], [])
    assert "quoted_message_id" not in nulls
    channel.update_partial({"config_overrides": {"max_message_length": 5}})
    with api_error(400, 20):
        channel.send_message({"text": "123456"}, "ann")
    response = raw.request("POST", "/channels/messaging/general/message", content=b"{broken")
    raw_error(response, 400, 4, "invalid JSON")


def test_unknown_object_author_is_created(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"text": "hello"}, "newcomer")
    assert chat_app.users.get("newcomer") is not None
    with api_error(400, 4, "does not exist"):
        client.post("channels/messaging/general/message", data={"message": {"text": "x", "user_id": "ghost"}})


def test_threads_and_quotes(client: Any, channel: Any, chat_app: ChatApp) -> None:
    parent = channel.send_message({"id": "p", "text": "parent"}, "ann")["message"]
    for i in range(11):
        channel.send_message({"id": f"r{i}", "text": f"reply {i}", "parent_id": "p"}, "bob" if i % 2 else "cat")
    shown = channel.send_message({"text": "also in channel", "parent_id": "p", "show_in_channel": True}, "dan")
    assert shown["message"]["type"] == "reply" and shown["message"]["show_in_channel"] is True
    got = client.get_message("p")["message"]
    assert got["reply_count"] == 12
    assert [u["id"] for u in got["thread_participants"]] == ["ann", "cat", "bob", "dan"]
    assert got["created_at"] == parent["created_at"] and got["updated_at"] == parent["updated_at"]
    listed = [m["text"] for m in channel.query()["messages"]]
    assert listed == ["parent", "also in channel"]
    reads = {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}
    assert reads == {"ann": 1, "bob": 2, "cat": 2}
    replies = channel.get_replies("p", limit=2)["messages"]
    assert [m["text"] for m in replies] == ["reply 10", "also in channel"]
    older = channel.get_replies("p", limit=2, id_lt="r5")["messages"]
    assert [m["id"] for m in older] == ["r3", "r4"]
    newer = channel.get_replies("p", limit=2, id_gte="r5")["messages"]
    assert [m["id"] for m in newer] == ["r5", "r6"]
    with api_error(400, 21, "multiple levels"):
        channel.send_message({"text": "deep", "parent_id": "r1"}, "ann")
    with api_error(404, 16):
        channel.send_message({"text": "orphan", "parent_id": "nope"}, "ann")
    with api_error(404, 16):
        channel.get_replies("nope")
    quoted = channel.send_message({"text": "quoting", "quoted_message_id": "r1", "parent_id": "p"}, "ann")["message"]
    assert quoted["type"] == "reply" and quoted["quoted_message"]["id"] == "r1"
    assert "quoted_message" not in quoted["quoted_message"]
    with api_error(400, 4, "quoted message"):
        channel.send_message({"text": "bad quote", "quoted_message_id": "nope"}, "ann")
    channel.update_partial({"config_overrides": {"replies": False, "quotes": False}})
    with api_error(400, 19, "replies"):
        channel.send_message({"text": "x", "parent_id": "p"}, "ann")
    with api_error(400, 19, "quotes"):
        channel.send_message({"text": "x", "quoted_message_id": "p"}, "ann")


def test_channel_message_pagination(client: Any, channel: Any) -> None:
    for i in range(1, 11):
        channel.send_message({"id": f"m{i}", "text": f"m{i}"}, "ann")

    def ids(**options: Any) -> list[str]:
        return [m["id"] for m in channel.query(messages=options)["messages"]]

    assert ids(limit=2, id_lt="m5") == ["m3", "m4"]
    assert ids(limit=2, id_gte="m5") == ["m5", "m6"]
    assert ids(limit=2, id_lte="m5") == ["m4", "m5"]
    assert ids(limit=2, id_gt="m5") == ["m6", "m7"]
    assert ids(limit=3) == ["m8", "m9", "m10"]
    assert ids(limit=2, offset=2) == ["m7", "m8"]
    assert ids(limit=5, id_around="m5") == ["m3", "m4", "m5", "m6", "m7"]
    assert ids(limit=0) == []
    assert ids(limit=10, offset=50) == []
    m3 = client.get_message("m3")["message"]["created_at"]
    m6 = client.get_message("m6")["message"]["created_at"]
    assert ids(created_at_after=m3, created_at_before=m6) == ["m4", "m5"]
    assert ids(limit=2, created_at_before_or_equal=m3) == ["m2", "m3"]
    with api_error(400, 4):
        ids(id_lt="unknown")
    with api_error(400, 4):
        ids(limit=301)


def test_get_many_messages(client: Any, channel: Any) -> None:
    for i in range(3):
        channel.send_message({"id": f"g{i}", "text": f"g{i}"}, "ann")
    client.delete_message("g1")
    got = channel.get_messages(["g2", "g0", "g1", "nope"])["messages"]
    assert [(m["id"], m["type"]) for m in got] == [("g0", "regular"), ("g1", "deleted"), ("g2", "regular")]
    with api_error(400, 4, "ids is a required field"):
        channel.get_messages([])
    with api_error(400, 4):
        channel.get_messages([f"x{i}" for i in range(51)])


def test_update_message(client: Any, channel: Any, chat_app: ChatApp) -> None:
    original = channel.send_message({"id": "u1", "text": "A", "color": "red"}, "ann")["message"]
    fetched = client.get_message("u1")["message"]
    fetched.update(text="B", user={"id": "bob"}, size=3)
    updated = client.update_message(fetched)["message"]
    assert updated["text"] == "B" and updated["html"] == "<p>B</p>\n" and updated["user"]["id"] == "ann"
    assert updated["color"] == "red" and updated["size"] == 3
    assert "message_text_updated_at" in updated and updated["created_at"] == original["created_at"]
    event = chat_app.events.list("message.updated")[-1]
    assert event["message_update"]["old_text"] == "A" and event["message_update"]["change_set"]["text"] is True
    replaced = client.update_message({"id": "u1", "text": "C", "user_id": "bob"})["message"]
    assert "color" not in replaced and replaced["text"] == "C"
    with pytest.raises(ValueError):
        client.update_message({"text": "no id"})
    with api_error(400, 4, "either message.user or message.user_id"):
        client.update_message({"id": "u1", "text": "x"})
    with api_error(400, 4, "silent"):
        client.update_message({"id": "u1", "text": "x", "silent": True, "user_id": "ann"})
    with api_error(400, 4, "message.i18n is a reserved field"):
        client.update_message({"id": "u1", "text": "x", "i18n": {}, "user_id": "ann"})
    with api_error(400, 20):
        client.update_message({"id": "u1", "text": "x" * 5001, "user_id": "ann"})
    with api_error(404, 16):
        client.update_message({"id": "ghost", "text": "x", "user_id": "ann"})
    history = client.query_message_history({"message_id": "u1"})["message_history"]
    assert [(h["text"], h["message_updated_by_id"]) for h in history] == [("B", "bob"), ("A", "bob")]
    assert history[1]["color"] == "red" and history[0]["is_deleted"] is False


def test_message_history_paging_and_errors(client: Any, channel: Any) -> None:
    channel.send_message({"id": "h", "text": "v0"}, "ann")
    for i in range(1, 6):
        client.update_message_partial("h", {"set": {"text": f"v{i}"}}, "ann" if i % 2 else "bob")
    first = client.query_message_history({"message_id": "h"}, limit=2)
    assert [e["text"] for e in first["message_history"]] == ["v4", "v3"]
    second = client.query_message_history({"message_id": "h"}, limit=2, next=first["next"])
    assert [e["text"] for e in second["message_history"]] == ["v2", "v1"]
    back = client.query_message_history({"message_id": "h"}, limit=2, prev=second["prev"])
    assert [e["text"] for e in back["message_history"]] == ["v4", "v3"]
    oldest = client.query_message_history({"message_id": "h", "message_updated_by_id": "bob"}, sort=[{"message_updated_at": 1}])
    assert [e["text"] for e in oldest["message_history"]] == ["v1", "v3"]
    with api_error(400, 4, "filter"):
        client.query_message_history(None)
    with api_error(400, 4):
        client.query_message_history({"message_id": {"$q": "x"}})


def test_pinned_messages_newest_pin_first_without_deleted_or_truncated(client: Any, channel: Any) -> None:
    channel.send_message({"id": "old", "text": "old", "pinned": True}, "ann")
    channel.send_message({"id": "plain", "text": "plain"}, "ann")
    channel.send_message({"id": "gone", "text": "gone", "pinned": True}, "ann")
    client.pin_message("plain", "bob")
    assert [m["id"] for m in channel.query()["pinned_messages"]] == ["plain", "gone", "old"]
    client.delete_message("gone")
    client.unpin_message("old", "bob")
    assert [m["id"] for m in channel.query()["pinned_messages"]] == ["plain"]
    channel.truncate()
    assert channel.query()["pinned_messages"] == []
    channel.send_message({"id": "new", "text": "after", "pinned": True}, "ann")
    assert [m["id"] for m in channel.query()["pinned_messages"]] == ["new"]


def test_partial_update_and_pins(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"id": "p1", "text": "pin me", "details": {"a": 1, "b": 2}}, "ann")
    updated = client.update_message_partial("p1", {"set": {"details.a": 9, "text": "pinned"}, "unset": ["details.b"]}, "bob")
    assert updated["message"]["details"] == {"a": 9} and updated["message"]["text"] == "pinned"
    pinned = client.pin_message("p1", "bob", 60)["message"]
    assert pinned["pinned"] is True and pinned["pinned_by"]["id"] == "bob" and pinned["pin_expires"] is not None
    assert [m["id"] for m in channel.query()["pinned_messages"]] == ["p1"]
    assert client.pin_message("p1", "bob")["message"]["pin_expires"] is None
    client.pin_message("p1", "bob", 30)
    chat_app.advance(31)
    assert client.get_message("p1")["message"]["pinned"] is False
    assert channel.query()["pinned_messages"] == []
    client.pin_message("p1", "bob")
    unpinned = client.unpin_message("p1", "bob")["message"]
    assert unpinned["pinned"] is False and unpinned["pinned_at"] is None and unpinned["pinned_by"] is None
    with api_error(400, 4, "future"):
        client.pin_message("p1", "bob", -5)
    with api_error(400, 4, "partial update"):
        client.update_message_partial("p1", {"set": {"silent": True}}, "bob")
    with api_error(400, 4):
        client.update_message_partial("p1", {"set": {"text": "x"}}, "")
    sent_pinned = channel.send_message({"text": "born pinned", "pinned": True, "pin_expires": "2999-01-01T00:00:00Z"}, "ann")
    assert sent_pinned["message"]["pinned_by"]["id"] == "ann"
    with api_error(400, 4, "restricted visibility"):
        channel.send_message({"text": "x", "pinned": True, "restricted_visibility": ["bob"]}, "ann")


def test_delete_undelete(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"id": "p", "text": "parent"}, "ann")
    channel.send_message({"id": "r", "text": "reply", "parent_id": "p", "secret": 1}, "bob")
    channel.send_message({"id": "d", "text": "doomed", "secret": 2}, "bob")
    assert {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}["ann"] == 1
    deleted = client.delete_message("d", deleted_by="ann")["message"]
    assert deleted["type"] == "deleted" and "deleted_at" in deleted
    assert {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}["ann"] == 0
    plain = client.get_message("d")["message"]
    assert plain["text"] == "" and "secret" not in plain
    full = client.get_message("d", show_deleted_message=True)["message"]
    assert full["text"] == "doomed" and full["secret"] == 2 and full["type"] == "deleted"
    assert [m["type"] for m in channel.query()["messages"]] == ["regular", "deleted"]
    assert client.delete_message("d")["message"]["type"] == "deleted"
    client.delete_message("r")
    parent = client.get_message("p")["message"]
    assert parent["reply_count"] == 0 and parent["deleted_reply_count"] == 1
    assert channel.get_replies("p")["messages"] == []
    restored = client.undelete_message("r", "ann")["message"]
    assert restored["type"] == "reply" and "deleted_at" not in restored
    assert client.get_message("p")["message"]["reply_count"] == 1
    with api_error(400, 4, "not deleted"):
        client.undelete_message("r", "ann")
    with api_error(400, 4):
        client.undelete_message("r", "ghost")
    hard = client.delete_message("p", hard=True)["message"]
    assert hard["type"] == "deleted"
    with api_error(404, 16, "not found"):
        client.get_message("p")
    with api_error(404, 16):
        client.get_message("r")
    state = channel.query()
    assert [m["id"] for m in state["messages"]] == ["d"]
    assert state["channel"]["last_message_at"] == client.get_message("d")["message"]["created_at"]
    client.delete_message("d", hard=True)
    assert "last_message_at" not in channel.query()["channel"]
    assert [e["hard_delete"] for e in chat_app.events.list("message.deleted")] == [False, False, True, True]
    with api_error(404, 16):
        client.delete_message("ghost")
    with api_error(404, 16):
        client.undelete_message("ghost", "ann")


def test_pending_messages_and_commit(client: Any, channel: Any, chat_app: ChatApp) -> None:
    response = channel.send_message({"id": "pm", "text": "waiting"}, "ann", pending=True, pending_message_metadata={"k": "v"})
    assert response["pending_message_metadata"] == {"k": "v"}
    assert channel.query()["messages"] == [] and chat_app.events.list("message.new") == []
    own = client.query_channels({"cid": "messaging:general"}, user_id="ann")["channels"][0]
    assert [p["message"]["id"] for p in own["pending_messages"]] == ["pm"]
    with api_error(400, 4, "pending"):
        client.update_message({"id": "pm", "text": "x", "user_id": "ann"})
    with api_error(400, 4, "hard deleted"):
        client.delete_message("pm")
    committed = client.commit_message("pm")["message"]
    assert committed["id"] == "pm"
    assert [m["id"] for m in channel.query()["messages"]] == ["pm"]
    assert [e["message"]["id"] for e in chat_app.events.list("message.new")] == ["pm"]
    with api_error(400, 4, "not pending"):
        client.commit_message("pm")
    with api_error(404, 16):
        client.commit_message("ghost")


def test_giphy_actions(client: Any, channel: Any, chat_app: ChatApp) -> None:
    preview = channel.send_message({"text": "/giphy cats"}, "ann")["message"]
    assert preview["type"] == "ephemeral" and preview["command"] == "giphy" and preview["args"] == "cats"
    first_image = preview["attachments"][0]["image_url"]
    assert [a["value"] for a in preview["attachments"][0]["actions"]] == ["send", "shuffle", "cancel"]
    assert channel.query()["messages"] == [] and chat_app.events.list("message.new") == []
    shuffled = client.run_message_action(preview["id"], {"user_id": "ann", "form_data": {"image_action": "shuffle"}})
    assert shuffled["message"]["attachments"][0]["image_url"] != first_image
    sent = client.run_message_action(preview["id"], {"user_id": "ann", "form_data": {"image_action": "send"}})
    assert sent["message"]["type"] == "regular"
    assert [m["id"] for m in channel.query()["messages"]] == [preview["id"]]
    assert len(chat_app.events.list("message.new")) == 1
    with api_error(400, 4, "no actions"):
        client.run_message_action(preview["id"], {"user_id": "ann", "form_data": {"image_action": "send"}})
    other = channel.send_message({"text": "/giphy dogs"}, "ann")["message"]
    cancelled = client.run_message_action(other["id"], {"user_id": "ann", "form_data": {"image_action": "cancel"}})
    assert cancelled["message"] is None
    with api_error(404, 16):
        client.run_message_action(other["id"], {"user_id": "ann", "form_data": {"image_action": "send"}})
    with api_error(400, 4, "form_data"):
        client.run_message_action(preview["id"], {"user_id": "ann"})
    assert channel.send_message({"text": "/unknown thing"}, "ann")["message"]["type"] == "regular"


def test_moderation_commands(client: Any, channel: Any, chat_app: ChatApp) -> None:
    muted = channel.send_message({"text": "/mute @bob"}, "ann")["message"]
    assert muted["type"] == "system" and muted["command"] == "mute"
    assert ("ann", "bob") in chat_app.user_mutes
    channel.send_message({"text": "from bob"}, "bob")
    assert {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}["ann"] == 0
    assert channel.send_message({"text": "/mute @ann"}, "ann")["message"]["type"] == "error"
    channel.send_message({"text": "/ban @cat spamming"}, "ann")
    assert chat_app.active_ban("cat", "messaging:general") is not None
    channel.send_message({"text": "/unban @cat"}, "ann")
    assert chat_app.active_ban("cat", "messaging:general") is None
    assert channel.query()["messages"][-1]["text"] == "from bob"


def test_translate(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"id": "t", "text": "hello"}, "ann")
    first = client.translate_message("t", "fr")["message"]
    assert first["i18n"] == {"language": "en", "en_text": "hello", "fr_text": "[fr] hello"}
    second = client.translate_message("t", "it")["message"]
    assert second["i18n"]["fr_text"] == "[fr] hello" and second["i18n"]["it_text"] == "[it] hello"
    assert client.get_message("t")["message"]["i18n"]["it_text"] == "[it] hello"
    with api_error(400, 4, "language must be one of"):
        client.translate_message("t", "klingon")
    with api_error(404, 16):
        client.translate_message("ghost", "fr")


def test_shadow_ban_and_restricted_visibility(client: Any, channel: Any) -> None:
    client.shadow_ban("cat", user_id="ann")
    shadowed = channel.send_message({"text": "sneaky"}, "cat")["message"]
    assert shadowed["shadowed"] is True
    assert {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}["bob"] == 0
    bob_view = client.query_channels({"cid": "messaging:general"}, user_id="bob")["channels"][0]
    assert bob_view["messages"] == []
    client.remove_shadow_ban("cat")
    assert channel.send_message({"text": "normal"}, "cat")["message"]["shadowed"] is False
    channel.send_message({"text": "for bob", "restricted_visibility": ["bob"]}, "ann")
    views = {
        uid: [m["text"] for m in client.query_channels({"cid": "messaging:general"}, user_id=uid)["channels"][0]["messages"]]
        for uid in ("bob", "dan")
    }
    assert views == {"bob": ["normal", "for bob"], "dan": ["normal"]}


def test_client_side_rules(raw: Any, channel: Any, client: Any) -> None:
    token = raw.user_token("bob")
    channel.update_partial({"frozen": True})
    frozen = raw.request("POST", "/channels/messaging/general/message", json={"message": {"text": "x"}}, token=token)
    assert frozen.status_code == 200 and frozen.json()["message"]["type"] == "error"
    assert frozen.json()["message"]["text"] == "Sorry, this channel has been frozen by the admin"
    server = channel.send_message({"text": "server ok"}, "bob")["message"]
    assert server["type"] == "regular"
    reacting = raw.request("POST", f"/messages/{server['id']}/reaction", json={"reaction": {"type": "like"}}, token=token)
    raw_error(reacting, 403, 17)
    channel.update_partial({"frozen": False, "cooldown": 30})
    first = raw.request("POST", "/channels/messaging/general/message", json={"message": {"text": "one"}}, token=token)
    assert first.status_code == 200 and first.json()["message"]["user"]["id"] == "bob"
    second = raw.request("POST", "/channels/messaging/general/message", json={"message": {"text": "two"}}, token=token)
    raw_error(second, 403, 60, "cool down")
    channel.update_partial({"cooldown": 0, "disabled": True})
    disabled = raw.request("POST", "/channels/messaging/general/message", json={"message": {"text": "x"}}, token=token)
    raw_error(disabled, 403, 17)


@pytest.mark.asyncio
async def test_async_messages(aclient: Any, users: Any) -> None:
    channel = aclient.channel("messaging", "amsg", {"members": ["ann", "bob"]})
    await channel.create("ann")
    sent = (await channel.send_message({"id": "am", "text": "hello"}, "ann"))["message"]
    await channel.send_message({"text": "reply", "parent_id": "am"}, "bob")
    assert (await aclient.get_message(sent["id"]))["message"]["reply_count"] == 1
    await aclient.update_message_partial("am", {"set": {"text": "edited"}}, "ann")
    await aclient.pin_message("am", "ann")
    assert [m["id"] for m in (await channel.query())["pinned_messages"]] == ["am"]
    assert [m["text"] for m in (await channel.get_replies("am"))["messages"]] == ["reply"]
    await aclient.delete_message("am")
    assert (await aclient.undelete_message("am", "ann"))["message"]["text"] == "edited"
    history = await aclient.query_message_history({"message_id": "am"})
    assert [e["text"] for e in history["message_history"]] == ["edited", "hello"]
