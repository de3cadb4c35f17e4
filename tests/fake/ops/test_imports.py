"""Imports (endpoints-moderation-tasks §4): upload URL, PUT over HTTP, import, state machine,
and the data really landing in the app."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import SDK, RawAPI, Seed, status_code

from .conftest import Fetch

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"

ITEMS: list[dict[str, Any]] = [
    {"type": "user", "data": {"id": "ann", "name": "Ann", "created_at": "2021-05-01T08:00:00Z", "city": "Oslo"}},
    {"type": "user", "data": {"id": "bob", "name": "Bob"}},
    {"type": "user", "item": {"id": "troll"}},  # "item" is accepted for "data"
    {"type": "device", "data": {"id": "dev-1", "user_id": "ann", "push_provider_type": "firebase"}},
    {"type": "future_channel_ban", "data": {"user": "troll", "moderator": "ann", "reason": "spam"}},
    {"type": "channel", "data": {"type": "messaging", "id": "history", "created_by": "ann", "name": "History",
                                 "created_at": "2021-05-02T08:00:00Z", "members": ["troll"]}},
    {"type": "member", "data": {"channel_type": "messaging", "channel_id": "history", "user_id": "ann"}},
    {"type": "member", "data": {"cid": "messaging:history", "user_id": "bob", "channel_role": "channel_moderator"}},
    {"type": "message", "data": {"id": "m1", "channel_type": "messaging", "channel_id": "history", "user": "ann",
                                 "text": "first!", "created_at": "2021-05-03T08:00:00Z", "mood": "happy"}},
    {"type": "message", "data": {"id": "m3", "cid": "messaging:history", "user": "bob", "text": "later",
                                 "created_at": "2021-05-05T08:00:00Z"}},
    {"type": "message", "data": {"id": "m2", "cid": "messaging:history", "user_id": "bob", "text": "a reply",
                                 "parent_id": "m1", "created_at": "2021-05-04T08:00:00Z"}},
    {"type": "reaction", "data": {"message_id": "m1", "user_id": "bob", "type": "love", "score": 2,
                                  "created_at": "2021-05-06T08:00:00Z"}},
]


def jsonl(items: list[dict[str, Any]]) -> bytes:
    return ("\n".join(json.dumps(item) for item in items) + "\n").encode()


async def upload(sdk: SDK, fetch: Fetch, content: bytes, filename: str = "import.json") -> str:
    urls = await sdk("create_import_url", filename)
    assert set(urls) == {"upload_url", "path", "duration"}
    put = fetch("PUT", urls["upload_url"], content=content, headers={"Content-Type": "application/json"})
    assert put.status_code == 200, put.text
    path: str = urls["path"]
    return path


@pytest.mark.asyncio
async def test_import_round_trip(sdk: SDK, fetch: Fetch, raw: RawAPI, chat_app: ChatApp) -> None:
    urls = await sdk("create_import_url", "my data.json")
    assert re.fullmatch(rf"s3://stream-import/{chat_app.api_key}/{UUID}/my data\.json", urls["path"])
    assert re.fullmatch(rf"https?://[^/]+/_uploads/{UUID}/my%20data\.json", urls["upload_url"])
    content = jsonl(ITEMS)
    put = fetch("PUT", urls["upload_url"], content=content, headers={"Content-Type": "application/json"})
    assert put.status_code == 200 and put.content == b""
    assert fetch("GET", urls["upload_url"]).content == content

    created = await sdk("create_import", urls["path"], "upsert")
    task = created["import_task"]
    assert re.fullmatch(UUID, task["id"])
    assert (task["path"], task["mode"], task["state"], task["history"], task["size"]) == (
        urls["path"], "upsert", "uploaded", [], len(content)
    )

    done = (await sdk("get_import", task["id"]))["import_task"]
    assert done["id"] == task["id"]
    assert done["state"] == "completed"
    assert [(h["prev_state"], h["next_state"]) for h in done["history"]] == [
        ("uploaded", "analyzing"), ("analyzing", "importing"), ("importing", "completed")
    ]
    assert done["result"]["errors"] == []
    assert done["result"]["stats"]["total"] == {
        "users": 3, "devices": 1, "future_channel_bans": 1, "channels": 1, "members": 2, "messages": 3, "reactions": 1,
    }
    assert done["result"]["stats"]["created"]["members"] == 3  # two member items plus the channel's "members"

    # The data is really there.
    users = {u.id: u for u in chat_app.users.live()}
    assert set(users) == {"ann", "bob", "troll"}
    assert users["ann"].custom == {"name": "Ann", "city": "Oslo"}
    assert users["ann"].created_at.isoformat() == "2021-05-01T08:00:00+00:00"
    assert [d.id for d in chat_app.push.list_devices("ann")] == ["dev-1"]
    assert chat_app.active_ban("troll", "messaging:history") is not None  # future channel ban applied

    state = raw.request("POST", "/channels/messaging/history/query", json={"state": True}).json()
    assert state["channel"]["name"] == "History"
    assert state["channel"]["created_by"]["id"] == "ann"
    assert state["channel"]["created_at"] == "2021-05-02T08:00:00.000000Z"
    assert state["channel"]["last_message_at"] == "2021-05-05T08:00:00.000000Z"
    roles = {m["user_id"]: m["channel_role"] for m in state["members"]}
    assert roles == {"ann": "channel_member", "bob": "channel_moderator", "troll": "channel_member"}
    assert [(m["id"], m["text"]) for m in state["messages"]] == [("m1", "first!"), ("m3", "later")]
    first = state["messages"][0]
    assert first["mood"] == "happy"
    assert first["reply_count"] == 1
    assert first["reaction_scores"] == {"love": 2}
    assert [u["id"] for u in first["thread_participants"]] == ["ann", "bob"]
    replies = raw.request("GET", "/messages/m1/replies").json()
    assert [(m["id"], m["type"]) for m in replies["messages"]] == [("m2", "reply")]
    unread = raw.request("GET", "/unread", params={"user_id": "bob"}).json()
    assert unread["total_unread_count"] == 0  # imported history is not unread

    listing = await sdk("list_imports", {"limit": 1})
    assert [t["id"] for t in listing["import_tasks"]] == [task["id"]]


@pytest.mark.asyncio
async def test_insert_skips_existing_and_upsert_replaces(sdk: SDK, fetch: Fetch, seed: Seed, chat_app: ChatApp) -> None:
    seed({"id": "ann", "name": "Old Ann", "city": "Rome"})
    items = [{"type": "user", "data": {"id": "ann", "name": "New Ann"}}, {"type": "user", "data": {"id": "zed"}}]
    path = await upload(sdk, fetch, jsonl(items))

    insert = (await sdk("create_import", path, "insert"))["import_task"]
    inserted = (await sdk("get_import", insert["id"]))["import_task"]
    assert inserted["state"] == "completed"
    assert inserted["result"]["stats"]["skipped"]["users"] == 1
    assert inserted["result"]["stats"]["created"]["users"] == 1
    assert chat_app.users.get("ann").custom == {"name": "Old Ann", "city": "Rome"}  # type: ignore[union-attr]

    upsert = (await sdk("create_import", path))["import_task"]  # mode defaults to upsert
    assert upsert["mode"] == "upsert"
    upserted = (await sdk("get_import", upsert["id"]))["import_task"]
    assert upserted["result"]["stats"]["updated"]["users"] == 2
    assert chat_app.users.get("ann").custom == {"name": "New Ann"}  # type: ignore[union-attr]

    newest_first = await sdk("list_imports")
    assert [t["id"] for t in newest_first["import_tasks"]] == [upsert["id"], insert["id"]]
    paged = await sdk("list_imports", {"limit": 1, "offset": 1})
    assert [t["id"] for t in paged["import_tasks"]] == [insert["id"]]


@pytest.mark.asyncio
async def test_invalid_file_is_analyzed_and_nothing_is_applied(sdk: SDK, fetch: Fetch, chat_app: ChatApp) -> None:
    lines = [
        json.dumps({"type": "user", "data": {"id": "ann"}}),
        "{not json",
        json.dumps({"type": "poll", "data": {}}),
        json.dumps({"type": "channel", "data": {"type": "messaging", "id": "c", "created_by": "ghost"}}),
        json.dumps({"type": "user", "data": {"id": "late"}}),
        json.dumps({"type": "message", "data": {"cid": "messaging:nowhere", "user": "ann", "text": "x"}}),
        json.dumps({"type": "reaction", "data": {"message_id": "m?", "user_id": "ann", "type": "like"}}),
    ]
    path = await upload(sdk, fetch, "\n".join(lines).encode())
    task = (await sdk("create_import", path, "upsert"))["import_task"]
    failed = (await sdk("get_import", task["id"]))["import_task"]
    assert failed["state"] == "analyze_failed"
    assert [(h["prev_state"], h["next_state"]) for h in failed["history"]] == [
        ("uploaded", "analyzing"), ("analyzing", "analyze_failed")
    ]
    errors = failed["result"]["errors"]
    assert [(e["line"], e["item_type"]) for e in errors] == [
        (2, ""), (3, ""), (4, "channel"), (5, "user"), (6, "message"), (7, "reaction")
    ]
    assert errors[0]["error"].startswith("invalid JSON")
    assert errors[1]["error"].startswith("unknown item type 'poll'")
    assert errors[2]["error"] == "channel creator ghost does not exist (neither in the app nor earlier in the file)"
    assert errors[2]["item"] == {"type": "messaging", "id": "c", "created_by": "ghost"}
    assert errors[3]["error"].startswith("user items must come before channel items")
    assert errors[4]["error"] == "channel messaging:nowhere does not exist (neither in the app nor earlier in the file)"
    assert errors[5]["error"] == "message m? does not exist (neither in the app nor earlier in the file)"
    assert chat_app.users.get("ann") is None  # nothing applied


@pytest.mark.parametrize(
    ("item", "detail"),
    [
        ({"type": "user", "data": {"id": "bad id!"}}, "is not a valid user id"),
        ({"type": "user", "data": {"id": "u", "role": "emperor"}}, 'role "emperor" does not exist'),
        ({"type": "user"}, 'each item needs a "data" object'),
        ({"type": "device", "data": {"id": "d", "user_id": "u0", "push_provider": "pigeon"}}, "push_provider must be one of"),
        ({"type": "channel", "data": {"type": "nope", "id": "c"}}, "channel type nope does not exist"),
        ({"type": "message", "data": {"cid": "messaging:c0", "user": "u0"}}, "a message needs text or attachments"),
        ({"type": "message", "data": {"cid": "messaging:c0", "user": "u0", "text": "x", "type": "ephemeral"}},
         "type must be regular or system"),
        ({"type": "message", "data": {"cid": "messaging:c0", "user": "u0", "text": "x", "created_at": "yesterday"}},
         "created_at must be an RFC 3339 timestamp"),
        ({"type": "reaction", "data": {"message_id": "m0", "user_id": "u0", "type": "like", "score": 0}},
         "score must be a positive integer"),
        ({"type": "member", "data": {"cid": "messaging:c0", "user_id": "u0", "blob": "x" * 6000}},
         "custom data is too large"),
    ],
)
def test_item_validation(raw: RawAPI, fetch: Fetch, item: dict[str, Any], detail: str) -> None:
    base = [
        {"type": "user", "data": {"id": "u0"}},
        {"type": "channel", "data": {"type": "messaging", "id": "c0", "created_by": "u0"}},
        {"type": "message", "data": {"id": "m0", "cid": "messaging:c0", "user": "u0", "text": "hi"}},
    ]
    from fake_server.domain.import_file import KINDS

    rank = KINDS.index(item["type"])
    items = [b for b in base if KINDS.index(b["type"]) <= rank] + [item]
    urls = raw.request("POST", "/import_urls", json={"filename": "f.jsonl"}).json()
    assert fetch("PUT", urls["upload_url"], content=jsonl(items)).status_code == 200
    task = raw.request("POST", "/imports", json={"path": urls["path"], "mode": "upsert"}).json()["import_task"]
    result = raw.request("GET", f"/imports/{task['id']}").json()["import_task"]
    assert result["state"] == "analyze_failed"
    [error] = result["result"]["errors"]
    assert detail in error["error"]
    assert error["line"] == len(items)


def test_errors(raw: RawAPI, fetch: Fetch) -> None:
    assert status_code(raw.request("POST", "/import_urls", json={})) == (400, 4)
    assert status_code(raw.request("POST", "/import_urls", json={"filename": "a/b.json"})) == (400, 4)
    urls = raw.request("POST", "/import_urls", json={"filename": "f.json"}).json()
    not_uploaded = raw.request("POST", "/imports", json={"path": urls["path"], "mode": "upsert"})
    assert status_code(not_uploaded) == (400, 4)
    assert "nothing was uploaded" in not_uploaded.json()["message"]
    unknown = raw.request("POST", "/imports", json={"path": "s3://elsewhere/x.json", "mode": "upsert"})
    assert status_code(unknown) == (400, 4)
    assert status_code(raw.request("POST", "/imports", json={"path": urls["path"]})) == (400, 4)
    assert status_code(raw.request("POST", "/imports", json={"path": urls["path"], "mode": "merge"})) == (400, 4)
    assert status_code(raw.request("POST", "/imports", json={"mode": "upsert"})) == (400, 4)
    assert status_code(raw.request("GET", "/imports/nope")) == (404, 16)
    assert status_code(raw.request("GET", "/imports", params={"limit": "101"})) == (400, 4)
    wrong_name = urls["upload_url"].rsplit("/", 1)[0] + "/other.json"
    assert fetch("PUT", wrong_name, content=b"{}").status_code == 404
    assert fetch("PUT", urls["upload_url"].replace("_uploads/", "_uploads/0"), content=b"{}").status_code == 404
    empty = fetch("PUT", urls["upload_url"], content=b"")
    assert empty.status_code == 200
    task = raw.request("POST", "/imports", json={"path": urls["path"], "mode": "insert"}).json()["import_task"]
    result = raw.request("GET", f"/imports/{task['id']}").json()["import_task"]
    assert (result["state"], result["result"]["errors"][0]["error"]) == ("analyze_failed", "the file contains no items")
    token = raw.user_token("ann")
    assert status_code(raw.request("POST", "/import_urls", json={"filename": "f"}, token=token)) == (403, 17)
    assert status_code(raw.request("GET", "/imports", token=token)) == (403, 17)
