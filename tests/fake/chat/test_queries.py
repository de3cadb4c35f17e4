"""Query channels, query members and search: filters, sort, pagination, errors, scale."""

from __future__ import annotations

import time
from typing import Any

import pytest

from fake_server import ChatApp
from fake_server.domain.chat import channel_query
from fake_server.domain.chat.models import Channel, Member
from tests.fake.chat.conftest import api_error


@pytest.fixture
def world(client: Any, users: Any) -> Any:
    """Three channels with different members, data and activity."""
    a = client.channel("messaging", "a", {"members": ["ann", "bob"], "color": "red", "rank": 3, "tags": ["x", "y"]})
    a.create("ann")
    b = client.channel("team", "b", {"members": ["ann", "cat", "dan"], "color": "blue", "rank": 1, "team": "t1"})
    b.create("cat")
    c = client.channel("messaging", "c", {"members": ["bob", "cat"], "rank": 2, "frozen": True})
    c.create("bob")
    b.send_message({"id": "b1", "text": "Hello world from team", "mentioned_users": ["dan"]}, "cat")
    a.send_message({"id": "a1", "text": "hello again", "attachments": [{"type": "image", "image_url": "u"}], "mood": 7}, "ann")
    a.send_message({"id": "a2", "text": "reply here", "parent_id": "a1"}, "bob")
    return client


def _cids(client: Any, conditions: dict[str, Any], sort: Any = None, **options: Any) -> list[str]:
    return [ch["channel"]["cid"] for ch in client.query_channels(conditions, sort, **options)["channels"]]


def test_query_channel_filters(world: Any) -> None:
    q = world
    assert _cids(q, {}) == ["messaging:a", "team:b", "messaging:c"]
    assert _cids(q, {"type": "team"}) == ["team:b"]
    assert _cids(q, {"type": {"$in": ["messaging"]}}, {"cid": 1}) == ["messaging:a", "messaging:c"]
    assert _cids(q, {"id": {"$ne": "a"}}, {"cid": 1}) == ["messaging:c", "team:b"]
    assert _cids(q, {"cid": {"$in": ["team:b", "messaging:c"]}}, {"cid": 1}) == ["messaging:c", "team:b"]
    assert _cids(q, {"cid": {"$exists": True}, "id": "c"}) == ["messaging:c"]
    assert _cids(q, {"members": {"$in": ["dan"]}}) == ["team:b"]
    assert _cids(q, {"members": {"$nin": ["ann"]}}) == ["messaging:c"]
    assert _cids(q, {"members": ["bob", "ann"]}) == ["messaging:a"]
    assert _cids(q, {"members": {"$eq": ["bob"]}}) == []
    assert _cids(q, {"member_count": {"$gte": 3}}) == ["team:b"]
    assert _cids(q, {"member_count": {"$lt": 3}}, {"cid": 1}) == ["messaging:a", "messaging:c"]
    assert _cids(q, {"created_by_id": "cat"}) == ["team:b"]
    assert _cids(q, {"team": {"$in": ["t1"]}}) == ["team:b"]
    assert _cids(q, {"frozen": True}) == ["messaging:c"]
    assert _cids(q, {"disabled": False}, {"cid": 1}) == ["messaging:a", "messaging:c", "team:b"]
    assert _cids(q, {"last_message_at": {"$exists": False}}) == ["messaging:c"]
    created_b = q.query_channels({"cid": "team:b"})["channels"][0]["channel"]["created_at"]
    assert _cids(q, {"created_at": {"$gt": created_b}}) == ["messaging:c"]
    assert _cids(q, {"last_updated": {"$lte": created_b}}) == []
    assert _cids(q, {"updated_at": {"$gte": created_b}}, {"cid": 1}) == ["messaging:c", "team:b"]
    assert _cids(q, {"member.user.name": {"$autocomplete": "da"}}) == ["team:b"]
    assert _cids(q, {"color": "red"}) == ["messaging:a"]
    assert _cids(q, {"color": {"$exists": False}}) == ["messaging:c"]
    assert _cids(q, {"rank": {"$gt": 1, "$lte": 3}}, {"rank": 1}) == ["messaging:c", "messaging:a"]
    assert _cids(q, {"tags": {"$in": ["y"]}}) == ["messaging:a"]
    assert _cids(q, {"tags": {"$contains": "x"}}) == ["messaging:a"]
    assert _cids(q, {"color": {"$nin": ["red"]}}, {"cid": 1}) == ["messaging:c", "team:b"]
    assert _cids(q, {"color": {"$autocomplete": "bl"}}) == ["team:b"]
    assert _cids(q, {"$or": [{"color": "red"}, {"frozen": True}]}, {"cid": 1}) == ["messaging:a", "messaging:c"]
    assert _cids(q, {"$and": [{"type": "messaging"}, {"rank": {"$gte": 3}}]}) == ["messaging:a"]
    assert _cids(q, {"$nor": [{"type": "messaging"}]}) == ["team:b"]
    assert _cids(q, {"joined": True}, {"cid": 1}, user_id="bob") == ["messaging:a", "messaging:c"]
    assert _cids(q, {"joined": False}, user_id="dan") == ["messaging:a", "messaging:c"]


def test_query_channel_user_context(world: Any) -> None:
    q = world
    channel_a = q.channel("messaging", "a")
    channel_a.pin("bob")
    channel_a.archive("ann")
    assert _cids(q, {"pinned": True}, user_id="bob") == ["messaging:a"]
    assert _cids(q, {"pinned": False}, {"cid": 1}, user_id="bob") == ["messaging:c", "team:b"]
    assert _cids(q, {"archived": True}, user_id="ann") == ["messaging:a"]
    assert _cids(q, {"has_unread": True}, user_id="dan") == ["team:b"]
    assert _cids(q, {"joined": True}, {"pinned_at": -1}, user_id="bob") == ["messaging:a", "messaging:c"]
    assert _cids(q, {"members": {"$in": ["bob"]}}, [{"has_unread": -1}, {"cid": 1}], user_id="bob") == ["messaging:a", "messaging:c"]
    assert _cids(q, {}, [{"unread_count": -1}, {"cid": 1}], user_id="ann") == ["team:b", "messaging:a", "messaging:c"]
    state = q.query_channels({"cid": "messaging:a"}, user_id="bob")["channels"][0]
    assert state["membership"]["user_id"] == "bob" and state["hidden"] is False
    assert "own_capabilities" in state["channel"]
    with api_error(400, 4, "invite requires a valid user"):
        q.query_channels({"invite": "pending"})
    with api_error(400, 4, "invalid invite parameter"):
        q.query_channels({"invite": "maybe"}, user_id="bob")
    with api_error(400, 4):
        q.query_channels({"invite": {"$in": ["pending"]}}, user_id="bob")
    with api_error(400, 4):
        q.query_channels({"joined": True})


def test_query_channel_sort_limits_and_errors(world: Any) -> None:
    q = world
    assert _cids(q, {}, {"last_message_at": -1}) == ["messaging:a", "team:b", "messaging:c"]
    assert _cids(q, {}, {"created_at": 1}) == ["messaging:a", "team:b", "messaging:c"]
    assert _cids(q, {}, {"member_count": -1}) == ["team:b", "messaging:a", "messaging:c"]
    assert _cids(q, {}, {"color": 1}) == ["team:b", "messaging:a", "messaging:c"]
    assert _cids(q, {}, {"cid": 1}, limit=1, offset=1) == ["messaging:c"]
    limited = q.query_channels({"cid": "team:b"}, member_limit=1, message_limit=0)["channels"][0]
    assert len(limited["members"]) == 1 and limited["messages"] == []
    with api_error(400, 4, "member_limit must be 100 or less"):
        q.query_channels({}, member_limit=101)
    with api_error(400, 4, "member_limit must be 0 or greater"):
        q.query_channels({}, member_limit=-1)
    with api_error(400, 4, "limit"):
        q.query_channels({}, limit=31)
    with api_error(400, 4, "offset"):
        q.query_channels({}, offset=1001)
    with api_error(400, 4, "message_limit"):
        q.query_channels({}, message_limit=301)
    with api_error(400, 4, "watch"):
        q.query_channels({}, watch=True)
    with api_error(400, 4, "field `id` contains type number"):
        q.query_channels({"id": 5})
    with api_error(400, 4):
        q.query_channels({"frozen": {"$gt": True}})
    with api_error(400, 4):
        q.query_channels({"color": {"$exists": "yes"}})
    with api_error(400, 4):
        q.query_channels({"color": {"$autocomplete": "!!"}})
    with api_error(400, 4):
        q.query_channels({"$bogus": []})
    with api_error(400, 4):
        q.query_channels({}, [{"field": "a"}, {"field": "b"}, {"field": "c"}, {"field": "d"}, {"field": "e"}, {"field": "f"}])


def test_query_members(world: Any, chat_app: ChatApp) -> None:
    channel = world.channel("team", "b")
    channel.invite_members(["eve"])
    channel.add_moderators(["dan"])
    channel.ban_user("ann", user_id="cat")
    channel.update_member_partial("cat", {"hat": "red", "pinned": True})

    def ids(conditions: dict[str, Any], sort: Any = None, **options: Any) -> list[str]:
        return [m["user_id"] for m in channel.query_members(conditions, sort, **options)]

    assert ids({}) == ["ann", "cat", "dan", "eve"]
    assert ids({}, [{"created_at": -1}]) == ["eve", "ann", "cat", "dan"]
    assert ids({}, {"user_id": -1}) == ["eve", "dan", "cat", "ann"]
    assert ids({"name": {"$autocomplete": "ca"}}) == ["cat"]
    assert ids({"name": {"$q": "smith"}}) == ["ann", "cat", "dan", "eve"]
    assert ids({"id": {"$in": ["dan", "eve"]}}) == ["dan", "eve"]
    assert ids({"channel_role": "channel_moderator"}) == ["dan"]
    assert ids({"is_moderator": True}) == ["dan"]
    assert ids({"banned": True}) == ["ann"]
    assert ids({"invite": "pending"}) == ["eve"]
    assert ids({"joined": False}) == ["eve"]
    assert ids({"hat": "red"}) == ["cat"]
    assert ids({"cid": "team:b"}) == ["ann", "cat", "dan", "eve"]
    assert ids({"$or": [{"id": "ann"}, {"hat": {"$exists": True}}]}) == ["ann", "cat"]
    assert ids({}, limit=2, offset=1) == ["cat", "dan"]
    assert ids({}, user_id_gt="cat") == ["dan", "eve"]
    assert ids({}, user_id_lte="cat") == ["ann", "cat"]
    dan_created = next(m for m in channel.query_members({"id": "dan"}))["created_at"]
    eve_created = next(m for m in channel.query_members({"id": "eve"}))["created_at"]
    assert ids({}, created_at_after=dan_created) == ["eve"]
    assert ids({}, created_at_before_or_equal=dan_created) == ["ann", "cat", "dan"]
    assert ids({"created_at": {"$lt": eve_created}}) == ["ann", "cat", "dan"]
    with api_error(400, 4, 'invite value must be either'):
        channel.query_members({"invite": "nope"})
    with api_error(400, 4, 'operator "$q" is not allowed for field "id"'):
        channel.query_members({"id": {"$q": "x"}})
    with api_error(400, 4):
        channel.query_members({"last_active": {"$in": ["2020-01-01T00:00:00Z"]}})
    with api_error(400, 4):
        channel.query_members({}, limit=301)
    with api_error(400, 4):
        channel.query_members({}, [{"user_id": 1}, {"created_at": 1}])
    with api_error(404, 16):
        world.channel("team", "nope").query_members({})


def test_member_partial_update(world: Any, chat_app: ChatApp) -> None:
    channel = world.channel("team", "b")
    member = channel.update_member_partial("cat", {"details": {"a": 1, "b": 2}, "channel_role": "channel_moderator"})
    assert member["channel_member"]["details"] == {"a": 1, "b": 2}
    member = channel.update_member_partial("cat", {"details.a": 5}, ["details.b"])["channel_member"]
    assert member["details"] == {"a": 5} and member["is_moderator"] is True
    pinned = channel.pin("cat")["channel_member"]
    assert "pinned_at" in pinned
    assert "pinned_at" not in channel.unpin("cat")["channel_member"]
    assert "archived_at" in channel.archive("cat")["channel_member"]
    assert "archived_at" not in channel.unarchive("cat")["channel_member"]
    assert chat_app.events.list("member.updated")[-1]["member"]["user_id"] == "cat"
    with api_error(404, 16):
        channel.update_member_partial("bob", {"x": 1})
    with api_error(400, 4, "reserved"):
        channel.update_member_partial("cat", {"banned": True})
    with api_error(413, 22):
        channel.update_member_partial("cat", {"blob": "z" * 6000})


def test_search(world: Any, chat_app: ChatApp) -> None:
    q = world

    def ids(query: Any, conditions: dict[str, Any] | None = None, **options: Any) -> list[str]:
        found = q.search(conditions or {"members": {"$in": ["ann", "bob", "cat"]}}, query, **options)
        return [r["message"]["id"] for r in found["results"]]

    assert ids("hello") == ["a1", "b1"]
    assert ids("HELLO world") == ["b1"]
    assert ids({"text": {"$autocomplete": "ag"}}) == ["a1"]
    assert ids({"parent_id": {"$exists": True}}) == ["a2"]
    assert ids({"attachments": {"$exists": True}}) == ["a1"]
    assert ids({"attachments.type": "image"}) == ["a1"]
    assert ids({"mentioned_users.id": {"$contains": "dan"}}) == ["b1"]
    assert ids({"user.id": {"$in": ["bob"]}}) == ["a2"]
    assert ids({"mood": {"$gte": 7}}) == ["a1"]
    assert ids({"reply_count": 1}) == ["a1"]
    assert ids({"type": {"$in": ["regular", "reply"]}}, {"cid": "messaging:a"}) == ["a1", "a2"]
    first = q.search({"type": {"$in": ["messaging", "team"]}}, {"id": {"$gte": "a"}}, limit=2)
    assert [r["message"]["id"] for r in first["results"]] == ["a1", "a2"] and "previous" not in first
    second = q.search({"type": {"$in": ["messaging", "team"]}}, {"id": {"$gte": "a"}}, limit=2, next=first["next"])
    assert [r["message"]["id"] for r in second["results"]] == ["b1"] and "next" not in second
    back = q.search({"type": {"$in": ["messaging", "team"]}}, {"id": {"$gte": "a"}}, limit=2, next=second["previous"])
    assert [r["message"]["id"] for r in back["results"]] == ["a1", "a2"]
    by_date = q.search({"type": "messaging"}, {"id": {"$gte": "a"}}, sort=[{"created_at": -1}])
    assert [r["message"]["id"] for r in by_date["results"]] == ["a2", "a1"]
    paged = q.search({"type": {"$in": ["messaging", "team"]}}, {"id": {"$gte": "a"}}, offset=1, limit=1)
    assert [r["message"]["id"] for r in paged["results"]] == ["a2"]
    assert paged["results"][0]["message"]["channel"]["cid"] == "messaging:a"
    q.delete_message("a2")
    assert ids("reply") == []
    with api_error(400, 4, "filter_conditions"):
        q.search({}, "hello")
    with api_error(400, 4):
        q.search({"type": "messaging"}, "!!!")
    with api_error(400, 4):
        q.search({"type": "messaging"}, "")
    with api_error(400, 4, "mentioned_users.id only supports $contains"):
        q.search({"type": "messaging"}, {"mentioned_users.id": "dan"})
    with api_error(400, 4):
        q.search({"type": "messaging"}, {"mentioned_users.id": {"$contains": ["dan"]}})
    with api_error(400, 4, "cannot use offset"):
        q.get("search", params={"payload": '{"filter_conditions": {"type": "messaging"}, "query": "x", "offset": 1, "next": "abc"}'})
    with api_error(400, 4, "invalid cursor"):
        q.search({"type": "messaging"}, "hello", next="garbage!")
    with api_error(400, 4, "exactly one"):
        q.get("search", params={"payload": '{"filter_conditions": {"type": "messaging"}}'})
    with chat_app.lock:
        chat_app.channel_types.require("team").config["search"] = False
    with api_error(400, 4, "search is disabled"):
        q.search({"type": "team"}, "hello")
    assert ids("hello", {"members": {"$in": ["cat"]}}) == []


def test_query_channels_scales_with_candidates(raw: Any, chat_app: ChatApp, users: Any) -> None:
    """A member-filtered query costs the same with 100,000 channels as with 100."""

    def seed(prefix: str, count: int) -> None:
        with chat_app.lock:
            store = chat_app.chat.store
            now = chat_app.clock.now()
            for i in range(count):
                channel = Channel(type="messaging", id=f"{prefix}-{i}", created_at=now, updated_at=now, created_by_id="ann")
                for uid in (f"member-{i % 1000}", "eve" if i % 25_000 == 0 else f"other-{i % 7}"):
                    channel.members[uid] = Member(user_id=uid, created_at=now, updated_at=now)
                store.add_channel(channel)

    def timed() -> float:
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            with chat_app.lock:  # a domain call: no HTTP noise in the ratio
                found = channel_query.matching_channels(chat_app.chat, {"members": {"$in": ["eve"]}}, None)
            best = min(best, time.perf_counter() - started)
        assert found
        return best

    seed("small", 100)
    small = timed()
    seed("big", 100_000)
    large = timed()
    response = raw.request("POST", "/channels", json={"filter_conditions": {"members": {"$in": ["eve"]}}, "limit": 30})
    assert len(response.json()["channels"]) == 5
    # Without the member index the large query would scan 1,000x more channels.
    assert large < max(small, 0.0005) * 20, (small, large)


@pytest.mark.asyncio
async def test_async_queries(aclient: Any, users: Any) -> None:
    channel = aclient.channel("messaging", "q", {"members": ["ann", "bob"], "color": "red"})
    await channel.create("ann")
    await channel.send_message({"text": "find me"}, "ann")
    assert len((await aclient.query_channels({"color": "red"}))["channels"]) == 1
    assert [m["user_id"] for m in await channel.query_members({"id": "bob"})] == ["bob"]
    assert len((await aclient.search({"cid": "messaging:q"}, "find"))["results"]) == 1
    assert (await channel.update_member_partial("bob", {"k": 1}))["channel_member"]["k"] == 1
