"""Segments (endpoints-moderation-tasks §5) through the SDK, sync and async, both transports."""

from __future__ import annotations

import re
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import SDK, RawAPI, Seed, status_code

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def _plain(segment: dict[str, Any]) -> dict[str, Any]:
    """A segment without its timestamps (checked separately)."""
    assert TIMESTAMP.match(segment["created_at"]) and TIMESTAMP.match(segment["updated_at"])
    return {k: v for k, v in segment.items() if k not in ("created_at", "updated_at")}


@pytest.mark.asyncio
async def test_create_get_update_delete_segment(sdk: SDK, seed: Seed) -> None:
    from stream_chat.types.segment import SegmentType

    seed({"id": "ann", "plan": "pro"}, {"id": "bob", "plan": "free"}, {"id": "cy", "plan": "pro"})
    created = await sdk(
        "create_segment", SegmentType.USER, "pro-users", {"name": "Pro", "filter": {"plan": "pro"}}
    )
    assert created.status_code() == 200
    assert _plain(created["segment"]) == {
        "id": "pro-users",
        "type": "user",
        "name": "Pro",
        "description": "",
        "filter": {"plan": "pro"},
        "all_users": False,
        "all_sender_channels": False,
        "size": 2,
        "deleted_at": None,
    }
    fetched = await sdk("get_segment", "pro-users")
    assert fetched["segment"] == created["segment"]

    updated = await sdk("update_segment", "pro-users", {"description": "paying", "filter": {"plan": "free"}})
    assert updated["segment"]["description"] == "paying"
    assert updated["segment"]["name"] == "Pro"
    assert updated["segment"]["size"] == 1
    assert updated["segment"]["created_at"] == created["segment"]["created_at"]
    assert updated["segment"]["updated_at"] > created["segment"]["updated_at"]

    deleted = await sdk("delete_segment", "pro-users")
    assert set(deleted) == {"duration"}
    assert await sdk.fails("get_segment", "pro-users") == (404, 16)
    assert await sdk.fails("delete_segment", "pro-users") == (404, 16)
    assert await sdk.fails("update_segment", "pro-users", {"name": "x"}) == (404, 16)


@pytest.mark.asyncio
async def test_segment_object_adopts_generated_id(sdk: SDK, seed: Seed) -> None:
    from stream_chat.types.segment import SegmentType

    seed("ann", "bob")
    segment = sdk.client.segment(SegmentType.USER, data={"all_users": True, "name": "Everyone"})
    response = await sdk.call(segment, "create")
    assert UUID.match(response["segment"]["id"])
    assert segment.segment_id == response["segment"]["id"]
    assert response["segment"]["size"] == 2
    got = await sdk.call(segment, "get")
    assert got["segment"]["name"] == "Everyone"
    await sdk.call(segment, "add_targets", ["zed"])
    assert (await sdk.call(segment, "get"))["segment"]["size"] == 3
    assert set(await sdk.call(segment, "target_exists", "zed")) == {"duration"}
    await sdk.call(segment, "remove_targets", ["zed"])
    assert (await sdk.call(segment, "get"))["segment"]["size"] == 2
    await sdk.call(segment, "delete")
    assert await sdk.fails_on(segment, "get") == (404, 16)


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"id": "s"}, "type is a required field"),
        ({"type": "team"}, 'type must be "user" or "channel"'),
        ({"type": "user", "filter": {"plan": "pro"}, "all_users": True}, "filter and all_users are mutually exclusive"),
        ({"type": "channel", "all_users": True}, "all_users is only valid for user segments"),
        ({"type": "user", "all_sender_channels": True}, "all_sender_channels is only valid for channel segments"),
        ({"type": "user", "name": "n" * 129}, "name must be at most 128 characters"),
        ({"type": "user", "description": "d" * 257}, "description must be at most 256 characters"),
        ({"type": "user", "filter": "plan"}, "filter must be an object"),
        ({"type": "user", "filter": {"plan": {"$regex": "x"}}}, 'unknown operator "$regex"'),
        ({"type": "channel", "filter": {"frozen": {"$gt": True}}}, 'operator "$gt" is not allowed for field "frozen"'),
        ({"type": "user", "id": "a/b"}, 'id "a/b" may not contain "/" or whitespace'),
        ({"type": "user", "id": "x" * 256}, "id must be at most 255 characters"),
        ({"type": "user", "all_users": "yes"}, "all_users must be a boolean"),
    ],
)
def test_create_segment_validation(raw: RawAPI, body: dict[str, Any], detail: str) -> None:
    response = raw.request("POST", "/segments", json=body)
    assert status_code(response) == (400, 4)
    assert detail in response.json()["message"]
    assert response.json()["message"].startswith("CreateSegment failed with error: ")


@pytest.mark.asyncio
async def test_duplicate_segment_id_and_immutable_type(sdk: SDK, raw: RawAPI) -> None:
    from stream_chat.types.segment import SegmentType

    await sdk("create_segment", SegmentType.CHANNEL, "chans")
    assert await sdk.fails("create_segment", SegmentType.USER, "chans") == (400, 4)
    response = raw.request("PUT", "/segments/chans", json={"type": "user"})
    assert status_code(response) == (400, 4)
    # A deleted segment's id can be used again.
    await sdk("delete_segment", "chans")
    again = await sdk("create_segment", SegmentType.USER, "chans")
    assert again["segment"]["type"] == "user"


@pytest.mark.asyncio
async def test_query_segments_filter_sort_and_cursors(sdk: SDK, chat_app: ChatApp) -> None:
    from stream_chat.types.segment import SegmentType

    for name in ("delta", "alpha", "echo", "bravo", "charlie"):
        await sdk("create_segment", SegmentType.USER, f"u-{name}", {"name": name})
    await sdk("create_segment", SegmentType.CHANNEL, "c-zulu", {"name": "zulu"})

    newest_first = await sdk("query_segments")
    assert [s["id"] for s in newest_first["segments"]] == [
        "c-zulu", "u-charlie", "u-bravo", "u-echo", "u-alpha", "u-delta"
    ]
    assert "next" not in newest_first and "prev" not in newest_first

    users_only = {"type": "user"}
    by_name = [{"field": "name", "direction": 1}]
    first = await sdk("query_segments", users_only, by_name, {"limit": 2})
    assert [s["name"] for s in first["segments"]] == ["alpha", "bravo"]
    assert "prev" not in first
    second = await sdk("query_segments", users_only, by_name, {"limit": 2, "next": first["next"]})
    assert [s["name"] for s in second["segments"]] == ["charlie", "delta"]
    third = await sdk("query_segments", users_only, by_name, {"limit": 2, "next": second["next"]})
    assert [s["name"] for s in third["segments"]] == ["echo"]
    assert "next" not in third
    back = await sdk("query_segments", users_only, by_name, {"limit": 2, "prev": third["prev"]})
    assert [s["name"] for s in back["segments"]] == ["charlie", "delta"]

    ranged = await sdk("query_segments", {"name": {"$in": ["echo", "zulu"]}}, [{"field": "name", "direction": -1}])
    assert [s["id"] for s in ranged["segments"]] == ["c-zulu", "u-echo"]
    # A cursor belongs to its query.
    assert await sdk.fails("query_segments", {"type": "channel"}, by_name, {"next": first["next"]}) == (400, 4)
    assert await sdk.fails("query_segments", {"size": 3}) == (400, 4)
    assert await sdk.fails("query_segments", None, [{"field": "size", "direction": 1}]) == (400, 4)
    assert await sdk.fails("query_segments", None, None, {"limit": 101}) == (400, 4)
    assert await sdk.fails("query_segments", None, None, {"next": "garbage!"}) == (400, 4)


@pytest.mark.asyncio
async def test_segment_targets(sdk: SDK) -> None:
    from stream_chat.types.segment import SegmentType

    await sdk("create_segment", SegmentType.USER, "vip")
    added = await sdk("add_segment_targets", "vip", ["u3", "u1", "u2", "u1"])
    assert set(added) == {"duration"}
    await sdk("add_segment_targets", "vip", ["u2", "u4"])  # u2 again: no-op
    assert (await sdk("get_segment", "vip"))["segment"]["size"] == 4

    assert set(await sdk("segment_target_exists", "vip", "u2")) == {"duration"}
    assert await sdk.fails("segment_target_exists", "vip", "nobody") == (404, 16)
    assert await sdk.fails("segment_target_exists", "missing", "u2") == (404, 16)

    everything = await sdk("query_segment_targets", "vip")
    assert [t["target_id"] for t in everything["targets"]] == ["u1", "u2", "u3", "u4"]
    target = everything["targets"][0]
    assert set(target) == {"app_pk", "segment_id", "target_id", "created_at"}
    assert isinstance(target["app_pk"], int) and target["segment_id"] == "vip"
    assert TIMESTAMP.match(target["created_at"])

    page = await sdk(
        "query_segment_targets", "vip", {"target_id": {"$gte": "u2"}},
        [{"field": "target_id", "direction": -1}], {"limit": 2},
    )
    assert [t["target_id"] for t in page["targets"]] == ["u4", "u3"]
    rest = await sdk(
        "query_segment_targets", "vip", {"target_id": {"$gte": "u2"}},
        [{"field": "target_id", "direction": -1}], {"limit": 2, "next": page["next"]},
    )
    assert [t["target_id"] for t in rest["targets"]] == ["u2"]
    assert "next" not in rest

    newest = await sdk("query_segment_targets", "vip", None, [{"field": "created_at", "direction": -1}])
    # u1-u3 were added together (same instant): the tiebreak orders them by id.
    assert [t["target_id"] for t in newest["targets"]] == ["u4", "u1", "u2", "u3"]

    removed = await sdk("remove_segment_targets", "vip", ["u1", "not-there"])
    assert set(removed) == {"duration"}
    assert (await sdk("get_segment", "vip"))["segment"]["size"] == 3
    assert await sdk.fails("segment_target_exists", "vip", "u1") == (404, 16)

    assert await sdk.fails("add_segment_targets", "vip", []) == (400, 4)
    assert await sdk.fails("add_segment_targets", "vip", [f"u{i}" for i in range(10_001)]) == (400, 4)
    assert await sdk.fails("remove_segment_targets", "vip", [f"u{i}" for i in range(101)]) == (400, 4)
    assert await sdk.fails("add_segment_targets", "missing", ["u1"]) == (404, 16)
    assert await sdk.fails("query_segment_targets", "vip", {"size": 1}) == (400, 4)


def test_targets_query_accepts_capitalised_keys_and_channel_cids(raw: RawAPI) -> None:
    assert raw.request("POST", "/segments", json={"type": "channel", "id": "rooms"}).status_code == 200
    bad = raw.request("POST", "/segments/rooms/addtargets", json={"target_ids": ["not-a-cid"]})
    assert status_code(bad) == (400, 4)
    ok = raw.request("POST", "/segments/rooms/addtargets", json={"target_ids": ["messaging:b", "messaging:a"]})
    assert ok.status_code == 200
    response = raw.request(
        "POST", "/segments/rooms/targets/query",
        json={"Filter": {"target_id": {"$in": ["messaging:a", "messaging:b"]}}, "Sort": [{"field": "target_id", "direction": -1}]},
    )
    assert [t["target_id"] for t in response.json()["targets"]] == ["messaging:b", "messaging:a"]


def test_segments_are_server_side_only(raw: RawAPI) -> None:
    token = raw.user_token("ann")
    for method, path, body in (
        ("POST", "/segments", {"type": "user"}),
        ("POST", "/segments/query", {}),
        ("GET", "/segments/x", None),
        ("POST", "/segments/x/addtargets", {"target_ids": ["a"]}),
    ):
        response = raw.request(method, path, json=body, token=token)
        assert status_code(response) == (403, 17), (method, path)
