"""Uploads, bans (app-wide and channel), channel events, concurrency, and the ChatCore API
other areas use."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from fake_server import ChatApp
from tests.fake.chat.conftest import api_error, raw_error


@pytest.fixture
def channel(client: Any, users: Any) -> Any:
    channel = client.channel("messaging", "general", {"members": ["ann", "bob"]})
    channel.create("ann")
    return channel


def test_uploads(client: Any, channel: Any, chat_app: ChatApp, tmp_path: Path, fake_service: Any) -> None:
    doc = tmp_path / "notes.txt"
    doc.write_bytes(b"\x00binary\r\n--data\xff")
    uploaded = channel.send_file(str(doc), "notes.txt", {"id": "ann"}, "text/plain")
    assert uploaded["file"].endswith("/notes.txt") and "/uploads/" in uploaded["file"]
    from fake_server import FakeTransport

    with httpx.Client(transport=FakeTransport(fake_service)) as http:
        served = http.get(uploaded["file"])
    assert served.status_code == 200 and served.content == b"\x00binary\r\n--data\xff"
    assert served.headers["content-type"].startswith("text/plain")
    image = tmp_path / "pic.png"
    image.write_bytes(b"\x89PNG fake")
    uploaded_image = channel.send_image(str(image), "pic.png", {"id": "ann"}, "image/png")
    assert uploaded_image["thumb_url"] == uploaded_image["file"]
    with api_error(400, 4, "File type text/plain is not supported"):
        channel.send_image(str(doc), "notes.txt", {"id": "ann"}, "text/plain")
    channel.delete_file(uploaded["file"])
    with httpx.Client(transport=FakeTransport(fake_service)) as http:
        assert http.get(uploaded["file"]).status_code == 404
    channel.delete_image("https://elsewhere.example/x.png")
    with chat_app.lock:
        chat_app.settings["file_upload_config"] = {"blocked_file_extensions": ["exe"], "size_limit": 10}
    with api_error(400, 4, "File extension .exe is not supported"):
        channel.send_file(str(doc), "tool.exe", {"id": "ann"}, "application/octet-stream")
    with api_error(413, 22):
        channel.send_file(str(doc), "notes.txt", {"id": "ann"}, "text/plain")
    channel.update_partial({"config_overrides": {"uploads": False}})
    with api_error(400, 19, "upload disabled"):
        channel.send_image(str(image), "pic.png", {"id": "ann"}, "image/png")
    with api_error(404, 16):
        client.channel("messaging", "ghost").send_file(str(doc), "notes.txt", {"id": "ann"})


def test_upload_errors_raw(raw: Any, channel: Any) -> None:
    raw_error(raw.request("POST", "/channels/messaging/general/file", content=b"{}"), 400, 4)
    missing_file = raw.request(
        "POST", "/channels/messaging/general/file",
        content=b'--b\r\nContent-Disposition: form-data; name="user"\r\n\r\n{"id": "ann"}\r\n--b--\r\n',
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    raw_error(missing_file, 400, 4, "file is a required field")
    raw_error(raw.request("DELETE", "/channels/messaging/general/file"), 400, 4, "url")


def test_bans(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.ban_user("bob", user_id="ann", timeout=10, reason="spam")
    member = {m["user_id"]: m for m in channel.query()["members"]}["bob"]
    assert member["banned"] is True and "ban_expires" in member
    record = chat_app.bans[("bob", "messaging:general")]
    assert (record.reason, record.banned_by_id, record.shadow) == ("spam", "ann", False)
    event = chat_app.events.list("user.banned")[-1]
    assert event["cid"] == "messaging:general" and event["reason"] == "spam" and "expiration" in event
    channel.remove_members(["bob"])
    channel.add_members(["bob"])
    assert {m["user_id"]: m for m in channel.query()["members"]}["bob"]["banned"] is True
    chat_app.advance(11 * 60)
    assert {m["user_id"]: m for m in channel.query()["members"]}["bob"]["banned"] is False
    channel.ban_user("bob", user_id="ann", shadow=True)
    assert {m["user_id"]: m for m in channel.query()["members"]}["bob"]["shadow_banned"] is True
    assert channel.send_message({"text": "hidden"}, "bob")["message"]["shadowed"] is True
    channel.unban_user("bob")
    assert {m["user_id"]: m for m in channel.query()["members"]}["bob"]["shadow_banned"] is False
    client.ban_user("bob", user_id="ann", ip_ban=True)
    assert chat_app.bans[("bob", None)].ip_ban is True
    assert channel.query()["members"][1]["user"]["banned"] is True
    client.unban_user("bob")
    assert ("bob", None) not in chat_app.bans
    assert [e["type"] for e in chat_app.events.list() if e["type"] in ("user.banned", "user.unbanned")] == [
        "user.banned", "user.banned", "user.unbanned", "user.banned", "user.unbanned",
    ]
    with api_error(400, 4, "target_user_id"):
        client.post("moderation/ban", data={"user_id": "ann"})
    with api_error(400, 4, "either user or user_id"):
        client.ban_user("bob")
    with api_error(404, 16):
        client.ban_user("ghost", user_id="ann")
    with api_error(404, 16):
        client.channel("messaging", "ghost").ban_user("bob", user_id="ann")
    with api_error(400, 4, "ip_ban"):
        channel.ban_user("bob", user_id="ann", ip_ban=True)
    with api_error(400, 4, "timeout"):
        client.ban_user("bob", user_id="ann", timeout=-1)
    with api_error(400, 4):
        client.delete("moderation/ban")


def test_channel_events(client: Any, channel: Any, chat_app: ChatApp) -> None:
    typing = channel.send_event({"type": "typing.start", "parent_id": "p"}, "bob")["event"]
    assert typing["type"] == "typing.start" and typing["user"]["id"] == "bob" and typing["cid"] == "messaging:general"
    custom = channel.send_event({"type": "friendship_request", "text": "Hey"}, "ann")["event"]
    assert custom["text"] == "Hey"
    assert chat_app.events.list("friendship_request")[0]["text"] == "Hey"
    channel.send_message({"text": "x"}, "ann")
    channel.send_event({"type": "message.read"}, "bob")
    assert {r["user"]["id"]: r["unread_messages"] for r in channel.query()["read"]}["bob"] == 0
    with api_error(400, 18):
        channel.send_event({"type": "message.new"}, "ann")
    with api_error(400, 4, "event.type"):
        channel.send_event({}, "ann")
    with api_error(400, 4, "either event.user"):
        client.post("channels/messaging/general/event", data={"event": {"type": "x"}})
    with chat_app.lock:
        chat_app.channel_types.require("messaging").config.update(typing_events=False, custom_events=False)
    with api_error(400, 18):
        channel.send_event({"type": "typing.stop"}, "bob")
    with api_error(400, 18, "does not support custom events"):
        channel.send_event({"type": "custom"}, "bob")
    with api_error(404, 16):
        client.channel("messaging", "ghost").send_event({"type": "x"}, "bob")


def test_concurrent_sends(raw: Any, chat_app: ChatApp, users: Any, fake_service: Any) -> None:
    """20 threads x 100 messages: every message stored once, unread counts exact."""
    raw.request("POST", "/channels/messaging/busy/query", json={"data": {"members": ["ann", "bob"], "created_by_id": "ann"}})
    from fake_server import FakeTransport

    chat_app.set_rate_limit("SendMessage", 1_000_000)
    errors: list[str] = []

    def worker(index: int) -> None:
        with httpx.Client(transport=FakeTransport(fake_service), base_url="http://fake.stream.test") as http:
            for n in range(100):
                response = http.post(
                    "/channels/messaging/busy/message",
                    params={"api_key": chat_app.api_key},
                    headers={"Authorization": raw.server_token, "stream-auth-type": "jwt"},
                    json={"message": {"id": f"t{index}-{n}", "text": "x", "user_id": "ann"}},
                )
                if response.status_code != 200:
                    errors.append(response.text)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with chat_app.lock:
        channel = chat_app.chat.store.channels["messaging:busy"]
        assert len(channel.messages) == 2000
        assert len({m.id for m in channel.messages}) == 2000
        assert [m.created_at for m in channel.messages] == sorted(m.created_at for m in channel.messages)
        assert channel.reads["bob"].unread_messages == 2000
        assert channel.reads["ann"].unread_messages == 0


@pytest.mark.asyncio
async def test_async_concurrent_sends(aclient: Any, users: Any, chat_app: ChatApp) -> None:
    channel = aclient.channel("messaging", "abusy", {"members": ["ann", "bob", "cat"]})
    await channel.create("ann")

    async def burst(user: str) -> None:
        for n in range(20):
            await channel.send_message({"text": f"{user} {n}"}, user)

    await asyncio.gather(*(burst(u) for u in ("ann", "bob", "cat", "ann", "bob")))
    reads = {r["user"]["id"]: r["unread_messages"] for r in (await channel.query())["read"]}
    with chat_app.lock:
        assert len(chat_app.chat.store.channels["messaging:abusy"].messages) == 100
    # Each author's own read state advanced; the others count every foreign message since.
    assert reads["cat"] <= 80 and reads["ann"] <= 60 and reads["bob"] <= 60
    assert (await aclient.unread_counts("cat"))["total_unread_count"] == reads["cat"]


def test_chat_core_api_for_other_areas(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"id": "k1", "text": "keep"}, "bob")
    channel.send_message({"id": "k2", "text": "reply", "parent_id": "k1"}, "bob")
    channel.send_reaction("k1", {"type": "like"}, "bob")
    dm = client.channel("messaging", "dm", {"members": ["bob", "cat"]})
    dm.create("bob")
    core = chat_app.chat
    with chat_app.lock:
        assert [m.id for m in core.messages_by_user("bob")] == ["k1", "k2"]
        assert [r.type for r in core.reactions_by_user("bob")] == ["like"]
        assert core.render_message(core.messages_by_user("bob")[0])["reply_count"] == 1
        assert core.render_reaction(core.reactions_by_user("bob")[0])["user"]["id"] == "bob"
        assert core.unread_totals("ann") == {"total_unread_count": 1, "unread_count": 1, "unread_channels": 1, "unread_threads": 0}
        assert core.delete_user_content("bob", messages="soft", conversations="soft", deleted_by="ann") == {"messages": 2, "channels": 2}
        assert core.store.messages["k1"].deleted and core.store.messages["k1"].deleted_with_user
    with api_error(404, 16, "was deleted"):
        client.get_message("k1")
    assert client.query_channels({"members": {"$in": ["bob"]}})["channels"] == []
    with chat_app.lock:
        assert core.restore_user_messages("bob") == 0  # their channels were deleted too
        assert core.transfer_channel_ownership("ann", "cat") == 1  # messaging:general
        assert core.user_channel_mutes("ann") == []
        with pytest.raises(Exception, match="invalid messages deletion mode"):
            core.delete_user_content("bob", messages="bogus", conversations=None, deleted_by=None)


def test_restore_and_transfer(client: Any, channel: Any, chat_app: ChatApp) -> None:
    channel.send_message({"id": "s1", "text": "soft"}, "bob")
    channel.mute("ann")
    core = chat_app.chat
    with chat_app.lock:
        core.delete_user_content("bob", messages="soft", conversations=None, deleted_by=None)
        assert core.restore_user_messages("bob") == 1
        assert core.transfer_channel_ownership("ann", "bob") == 1
        assert [m["channel"]["cid"] for m in core.user_channel_mutes("ann")] == ["messaging:general"]
        core.delete_user_content("bob", messages="hard", conversations=None, deleted_by=None)
        assert core.messages_by_user("bob") == []
    roles = {m["user_id"]: m["role"] for m in channel.query()["members"]}
    assert roles == {"ann": "member", "bob": "owner"}
    with api_error(404, 16):
        client.get_message("s1")
