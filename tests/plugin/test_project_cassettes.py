"""The project's own recordings in ``cassettes/`` (recorded against the fake over loopback).

They replay offline in CI like any user's cassettes. Re-record them (e.g. after a deliberate
change to the fake) with::

    .venv/bin/pytest tests/plugin/test_project_cassettes.py \\
        --stream-chat-record-mode=all --stream-chat-record-target=fake

Real recordings are impossible from this project's machines (the Stream API is unreachable),
so every cassette here says ``recorded_against: fake`` in its metadata.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fake_server.verify import verify
from stream_chat_testing import serializer
from stream_chat_testing.check import check_directory
from stream_chat_testing.plugin import CassetteSession

ROOT = Path(__file__).resolve().parents[2]
PROJECT_CASSETTES = ROOT / "cassettes"
THESE_CASSETTES = PROJECT_CASSETTES / "tests" / "plugin" / "test_project_cassettes"
RERECORD = (
    ".venv/bin/pytest tests/plugin/test_project_cassettes.py "
    "--stream-chat-record-mode=all --stream-chat-record-target=fake"
)


def test_users_round_trip(stream_chat_cassette: CassetteSession, stream_chat_ids: object) -> None:
    from stream_chat_testing.ids import StreamChatIds

    assert isinstance(stream_chat_ids, StreamChatIds)
    client = stream_chat_cassette.client
    user_id = stream_chat_ids.id("ann")
    created = client.upsert_user({"id": user_id, "name": "Ann", "role": "user"})
    assert created["users"][user_id]["name"] == "Ann"
    found = client.query_users({"id": {"$in": [user_id]}}, {"created_at": -1}, limit=10)
    assert [u["id"] for u in found["users"]] == [user_id]
    info = found.rate_limit()
    assert info is not None and info.limit == 1000 and info.remaining < info.limit
    assert found.headers()["x-ratelimit-limit"] == "1000"


def test_rate_limits(stream_chat_cassette: CassetteSession) -> None:
    limits = stream_chat_cassette.client.get_rate_limits(server_side=True, endpoints=["QueryUsers", "UpdateUsers"])
    assert set(limits["server_side"]) == {"QueryUsers", "UpdateUsers"}
    assert limits["server_side"]["UpdateUsers"]["limit"] == 300
    assert limits.rate_limit().limit == 60  # GetRateLimits itself


def test_error_answers_replay_with_their_headers(stream_chat_cassette: CassetteSession) -> None:
    from stream_chat.base.exceptions import StreamAPIException

    with pytest.raises(StreamAPIException) as failure:
        stream_chat_cassette.client.query_users({"id": {"$nope": "x"}})
    assert failure.value.status_code == 400
    assert failure.value.error_code == 4


@pytest.mark.asyncio
async def test_async_users(stream_chat_cassette: CassetteSession, stream_chat_ids: object) -> None:
    from stream_chat_testing.ids import StreamChatIds

    assert isinstance(stream_chat_ids, StreamChatIds)
    client = stream_chat_cassette.async_client()
    try:
        user_id = stream_chat_ids.uuid()
        await client.upsert_users([{"id": user_id}, {"id": f"{user_id}-2"}])
        found = await client.query_users({"id": {"$in": [user_id, f"{user_id}-2"]}}, {"id": 1})
        assert [u["id"] for u in found["users"]] == [user_id, f"{user_id}-2"]
    finally:
        await client.close()


# -- properties of the committed recordings ---------------------------------------------------------


def test_project_cassettes_exist_and_are_labelled_as_fake_recordings() -> None:
    files = sorted(THESE_CASSETTES.glob("*.yaml"))
    assert {f.stem for f in files} >= {
        "test_users_round_trip",
        "test_rate_limits",
        "test_error_answers_replay_with_their_headers",
        "test_async_users",
    }, f"record them: {RERECORD}"
    for path in sorted(PROJECT_CASSETTES.rglob("*.yaml")):
        text = path.read_text()
        assert text.startswith("# stream-chat-testing cassette"), path
        section = serializer.loads(text)["metadata"]["stream_chat_testing"]
        assert section["recorded_against"] == "fake", path
        assert "not the real Stream API" in section["note"]


def test_project_cassettes_hold_no_credentials() -> None:
    assert check_directory(PROJECT_CASSETTES) == []
    checked = subprocess.run(
        [sys.executable, "-m", "stream_chat_testing", "check-cassettes", str(PROJECT_CASSETTES)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_fake_still_answers_like_its_recordings() -> None:
    report = verify(PROJECT_CASSETTES)
    assert report.cassettes >= 4
    assert not report.drifted, "\n".join(
        [f"{d.cassette} #{d.interaction} {d.operation} [{d.kind}] {d.detail}" for d in report.drifts]
        + report.errors
        + [f"if the change to the fake is deliberate, re-record: {RERECORD}"]
    )
