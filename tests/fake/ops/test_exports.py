"""Channel and user exports (endpoints-moderation-tasks §3): start, poll the task, download
and parse the file the fake serves at ``result.url``."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import SDK, RawAPI, Seed, status_code

from .conftest import Fetch

T0 = datetime(2025, 1, 10, 12, 0, 0, tzinfo=UTC)


def ok(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def general(raw: RawAPI, seed: Seed, chat_app: ChatApp) -> dict[str, str]:
    """messaging:general with ann (creator) and bob; messages at T0+1m, +2m (reply), +3m
    (deleted), +4m; a reaction of bob on the first one."""
    chat_app.clock.freeze(T0)
    seed({"id": "ann", "name": "Ann"}, {"id": "bob"}, {"id": "cy"})
    ok(raw.request("POST", "/channels/messaging/general/query",
                   json={"data": {"created_by_id": "ann", "members": ["ann", "bob"], "topic": "all"}}))
    ids: dict[str, str] = {}
    for key, text, extra in (
        ("first", "hello", {}),
        ("reply", "in thread", {"parent_id": "first"}),
        ("doomed", "oops", {}),
        ("last", "bye", {}),
    ):
        chat_app.advance(60)
        message = {"id": key, "text": text, "user_id": "ann" if key != "reply" else "bob", **extra}
        ids[key] = ok(raw.request("POST", "/channels/messaging/general/message", json={"message": message}))["message"]["id"]
    ok(raw.request("POST", "/messages/first/reaction", json={"reaction": {"type": "like", "user_id": "bob"}}))
    ok(raw.request("DELETE", "/messages/doomed"))
    return ids


async def download(sdk: SDK, fetch: Fetch, task_id: str) -> tuple[dict[str, Any], bytes]:
    task = await sdk("get_task", task_id)
    assert task["status"] == "completed"
    response = fetch("GET", task["result"]["url"])
    assert response.status_code == 200
    return task, response.content


@pytest.mark.asyncio
async def test_export_channel_end_to_end(
    sdk: SDK, fetch: Fetch, chat_app: ChatApp, general: dict[str, str]
) -> None:
    started = await sdk("export_channel", "messaging", "general")
    assert set(started) == {"task_id", "duration"}
    task, content = await download(sdk, fetch, started["task_id"])
    assert task["task_id"] == started["task_id"]
    assert "error" not in task
    result = task["result"]
    assert re.fullmatch(rf"https?://[^/]+/exports/channels/{chat_app.api_key}/{task['task_id']}\.json", result["url"])
    assert result["path"] == f"exports/channels/{chat_app.api_key}/{task['task_id']}.json"
    assert result["s3_bucket_name"] == "stream-exports"
    assert (await sdk("get_export_channel_status", started["task_id"])) | {"duration": ""} == task | {"duration": ""}

    document = json.loads(content)
    assert document["version"] == "v1"
    [exported] = document["channels"]
    assert exported["channel"]["cid"] == "messaging:general"
    assert exported["channel"]["topic"] == "all"
    assert [m["user_id"] for m in exported["members"]] == ["ann", "bob"]
    assert [(m["id"], m["type"], m["text"]) for m in exported["messages"]] == [
        ("first", "regular", "hello"), ("reply", "reply", "in thread"), ("doomed", "deleted", "oops"), ("last", "regular", "bye"),
    ]
    assert [(r["message_id"], r["user_id"], r["type"]) for r in exported["reactions"]] == [("first", "bob", "like")]
    assert "users" not in document

    [event] = chat_app.events.list("export.channels.success")
    assert event["task_id"] == task["task_id"] and event["url"] == result["url"]
    assert set(event) >= {"started_at", "finished_at", "created_at"}


@pytest.mark.asyncio
async def test_export_windows_and_options(sdk: SDK, fetch: Fetch, raw: RawAPI, general: dict[str, str]) -> None:
    window = await sdk(
        "export_channel", "messaging", "general",
        messages_since=T0 + timedelta(seconds=90), messages_until=(T0 + timedelta(minutes=4)).isoformat(),
        clear_deleted_message_text=True, export_users=True,
    )
    _, content = await download(sdk, fetch, window["task_id"])
    document = json.loads(content)
    messages = document["channels"][0]["messages"]
    assert [(m["id"], m["text"]) for m in messages] == [("reply", "in thread"), ("doomed", "")]
    assert document["channels"][0]["reactions"] == []
    assert [u["id"] for u in document["users"]] == ["ann", "bob"]

    ok(raw.request("POST", "/channels/messaging/general/truncate", json={}))
    after_truncate = await sdk("export_channels", [{"cid": "messaging:general"}])
    _, content = await download(sdk, fetch, after_truncate["task_id"])
    assert json.loads(content)["channels"][0]["messages"] == []
    with_truncated = await sdk("export_channels", [{"type": "messaging", "id": "general"}], include_truncated_messages=True)
    _, content = await download(sdk, fetch, with_truncated["task_id"])
    assert [m["id"] for m in json.loads(content)["channels"][0]["messages"]] == ["first", "reply", "doomed", "last"]


@pytest.mark.asyncio
async def test_v2_export_is_json_lines_in_the_import_format(
    sdk: SDK, fetch: Fetch, chat_app: ChatApp, general: dict[str, str]
) -> None:
    started = await sdk("export_channels", [{"type": "messaging", "id": "general"}], version="v2", export_users=True)
    task, content = await download(sdk, fetch, started["task_id"])
    assert task["result"]["url"].endswith(".jsonl")
    lines = [json.loads(line) for line in content.decode().splitlines()]
    assert [line["type"] for line in lines] == [
        "user", "user", "channel", "member", "member", "message", "message", "message", "message", "reaction"
    ]
    assert lines[2]["data"] | {"created_at": ""} == {
        "type": "messaging", "id": "general", "created_by": "ann", "topic": "all",
        "frozen": False, "disabled": False, "created_at": "",
    }
    reply = lines[6]["data"]
    assert (reply["id"], reply["parent_id"], reply["user"], reply["channel_id"]) == ("reply", "first", "bob", "general")
    assert lines[7]["data"]["deleted_at"]
    assert lines[9]["data"] | {"created_at": ""} == {
        "message_id": "first", "user_id": "bob", "type": "like", "score": 1, "created_at": ""
    }

    # The file imports back as it is: in insert mode everything already exists.
    urls = await sdk("create_import_url", "export.jsonl")
    assert fetch("PUT", urls["upload_url"], content=content).status_code == 200
    imported = (await sdk("create_import", urls["path"], "insert"))["import_task"]
    outcome = (await sdk("get_import", imported["id"]))["import_task"]
    assert outcome["state"] == "completed", outcome["result"]["errors"]
    assert outcome["result"]["stats"]["skipped"] == {
        "users": 2, "devices": 0, "future_channel_bans": 0, "channels": 1, "members": 2, "messages": 4, "reactions": 1,
    }


@pytest.mark.parametrize(
    ("body", "expected", "detail"),
    [
        ({}, (400, 4), "channels is a required field"),
        ({"channels": []}, (400, 4), "channels must contain at least one channel"),
        ({"channels": [{"type": "messaging", "id": f"c{i}"} for i in range(26)]}, (400, 4), "at most 25 channels"),
        ({"channels": [{"type": "messaging"}]}, (400, 4), "channels[0] needs type and id (or cid)"),
        ({"channels": [{"cid": "nocolon"}]}, (400, 4), "is not a valid channel cid"),
        ({"channels": [{"type": "messaging", "id": "general", "messages_since": "last week"}]}, (400, 4), "expected date"),
        ({"channels": [{"type": "messaging", "id": "general"}], "version": "v3"}, (400, 4), 'version must be "v1" or "v2"'),
        ({"channels": [{"type": "messaging", "id": "general"}], "export_users": "yes"}, (400, 4), "export_users must be a boolean"),
        ({"channels": [{"type": "messaging", "id": "nope"}]}, (404, 16), "channel messaging:nope doesn't exist"),
    ],
)
def test_export_channels_errors(
    raw: RawAPI, general: dict[str, str], body: dict[str, Any], expected: tuple[int, int], detail: str
) -> None:
    response = raw.request("POST", "/export_channels", json=body)
    assert status_code(response) == expected
    assert detail in response.json()["message"]
    assert response.json()["message"].startswith("ExportChannels failed with error: ")


def test_soft_deleted_channels_need_the_option(raw: RawAPI, fetch: Fetch, general: dict[str, str]) -> None:
    ok(raw.request("DELETE", "/channels/messaging/general"))
    body: dict[str, Any] = {"channels": [{"type": "messaging", "id": "general"}]}
    assert status_code(raw.request("POST", "/export_channels", json=body)) == (404, 16)
    started = ok(raw.request("POST", "/export_channels", json={**body, "include_soft_deleted_channels": True}))
    task = ok(raw.request("GET", f"/tasks/{started['task_id']}"))
    document = json.loads(fetch("GET", task["result"]["url"]).content)
    assert document["channels"][0]["channel"]["deleted_at"]


def test_export_users(raw: RawAPI, fetch: Fetch, chat_app: ChatApp, general: dict[str, str]) -> None:
    started = ok(raw.request("POST", "/export/users", json={"user_ids": ["bob", "cy"]}))
    task = ok(raw.request("GET", f"/tasks/{started['task_id']}"))
    assert task["status"] == "completed"
    assert f"/exports/users/{chat_app.api_key}/" in task["result"]["url"]
    lines = [json.loads(line) for line in fetch("GET", task["result"]["url"]).content.decode().splitlines()]
    assert [(line["type"], line["data"].get("id") or line["data"].get("message_id")) for line in lines] == [
        ("user", "bob"), ("message", "reply"), ("reaction", "first"), ("user", "cy"),
    ]
    [event] = chat_app.events.list("export.users.success")
    assert event["task_id"] == started["task_id"]

    assert status_code(raw.request("POST", "/export/users", json={"user_ids": []})) == (400, 4)
    assert status_code(raw.request("POST", "/export/users", json={})) == (400, 4)
    assert status_code(raw.request("POST", "/export/users", json={"user_ids": [f"u{i}" for i in range(26)]})) == (400, 4)
    assert status_code(raw.request("POST", "/export/users", json={"user_ids": ["ghost"]})) == (404, 16)


def test_downloads_and_permissions(raw: RawAPI, fetch: Fetch, chat_app: ChatApp) -> None:
    base = "http://fake.stream.test"
    assert fetch("GET", f"{base}/exports/channels/{chat_app.api_key}/nope.json").status_code == 404
    assert fetch("GET", f"{base}/exports/channels/no-such-app/nope.json").status_code == 404
    token = raw.user_token("ann")
    body = {"channels": [{"type": "messaging", "id": "general"}]}
    assert status_code(raw.request("POST", "/export_channels", json=body, token=token)) == (403, 17)
    assert status_code(raw.request("POST", "/export/users", json={"user_ids": ["a"]}, token=token)) == (403, 17)
    assert status_code(raw.request("GET", "/tasks/unknown")) == (404, 16)
