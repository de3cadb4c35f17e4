"""What user operations do to chat content (messages, reactions, channels, reads, channel
mutes), through the SDK."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fake_server import ChatApp

pytestmark = pytest.mark.asyncio


async def conversation(sdk: Any, seed: Any) -> tuple[Any, str, str]:
    """ann and bob in a 2-member channel created by ann; one message each (ids returned)."""
    seed({"id": "ann", "name": "Ann"}, "bob", "cat")
    channel = sdk.client.channel("messaging", "talk", {"members": ["ann", "bob"]})
    await sdk_call(channel.create("ann"))
    mine = (await sdk_call(channel.send_message({"text": "from ann"}, "ann")))["message"]["id"]
    theirs = (await sdk_call(channel.send_message({"text": "from bob"}, "bob")))["message"]["id"]
    return channel, mine, theirs


async def sdk_call(result: Any) -> Any:
    return await result if hasattr(result, "__await__") else result


async def test_delete_user_marks_messages_deleted(sdk: Any, seed: Any) -> None:
    _, mine, theirs = await conversation(sdk, seed)
    await sdk("delete_user", "ann", mark_messages_deleted=True)
    assert "deleted_at" in (await sdk("get_message", mine))["message"]
    assert "deleted_at" not in (await sdk("get_message", theirs))["message"]


async def test_delete_users_hard_messages_and_conversations(sdk: Any, seed: Any, chat_app: ChatApp) -> None:
    _, mine, _ = await conversation(sdk, seed)
    await sdk("delete_users", ["ann"], "hard", messages="hard", conversations="hard")
    assert await sdk.fails("get_message", mine) == (404, 16)
    assert [e["cid"] for e in chat_app.events.list("channel.deleted")] == ["messaging:talk"]


async def test_hard_delete_hands_channels_to_a_new_owner(sdk: Any, seed: Any, chat_app: ChatApp) -> None:
    await conversation(sdk, seed)
    await sdk("delete_user", "ann", hard_delete=True, new_channel_owner_id="cat")
    assert chat_app.chat.store.channels["messaging:talk"].created_by_id == "cat"
    other = sdk.client.channel("messaging", "solo", {"members": ["bob"]})
    await sdk_call(other.create("bob"))
    await sdk("delete_user", "bob", hard_delete=True)
    assert re.fullmatch(r"delete-user-[0-9a-f]{32}", chat_app.chat.store.channels["messaging:solo"].created_by_id or "")


async def test_deactivation_deletes_and_reactivation_restores_messages(sdk: Any, seed: Any) -> None:
    _, mine, _ = await conversation(sdk, seed)
    await sdk("deactivate_user", "ann", mark_messages_deleted=True)
    assert "deleted_at" in (await sdk("get_message", mine))["message"]
    await sdk("reactivate_user", "ann", restore_messages=True)
    assert "deleted_at" not in (await sdk("get_message", mine))["message"]


async def test_export_lists_messages_and_reactions(sdk: Any, seed: Any) -> None:
    channel, mine, theirs = await conversation(sdk, seed)
    await sdk_call(channel.send_reaction(theirs, {"type": "like"}, "ann"))
    exported = await sdk("export_user", "ann")
    assert [m["id"] for m in exported["messages"]] == [mine]
    assert exported["messages"][0]["user"] is None
    assert [(r["message_id"], r["type"]) for r in exported["reactions"]] == [(theirs, "like")]
    assert exported["reactions"][0]["user"] is None


async def test_full_user_shows_unread_counts_and_channel_mutes(sdk: Any, seed: Any) -> None:
    channel, _, _ = await conversation(sdk, seed)
    (ann,) = (await sdk("query_users", {"id": "ann"}))["users"]
    assert (ann["total_unread_count"], ann["unread_channels"]) == (1, 1)
    await sdk_call(channel.mute("ann"))
    (ann,) = (await sdk("query_users", {"id": "ann"}))["users"]
    assert [m["channel"]["cid"] for m in ann["channel_mutes"]] == ["messaging:talk"]
    assert ann["total_unread_count"] == 0  # muted channels do not count
