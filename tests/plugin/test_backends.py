"""One contract test body, three backends: the in-process fake, cassette replay, the real API."""

from __future__ import annotations

import pytest

from fake_server import create_app
from fake_server.live import LiveServer

from .conftest import NO_NETWORK_CONFTEST, cassette_files

CONTRACT = """
import pytest


def test_user_round_trip(stream_chat_client, stream_chat_ids, stream_chat_backend):
    user_id = stream_chat_ids.id("user")
    stream_chat_client.upsert_user({"id": user_id, "name": "Ann"})
    found = stream_chat_client.query_users({"id": user_id})
    assert [u["name"] for u in found["users"]] == ["Ann"]
    assert found.rate_limit().limit > 0
    print("BACKEND", stream_chat_backend)


@pytest.mark.asyncio
async def test_async_round_trip(stream_chat_async_client, stream_chat_ids):
    user_id = stream_chat_ids.uuid()
    await stream_chat_async_client.upsert_user({"id": user_id})
    found = await stream_chat_async_client.query_users({"id": user_id})
    assert found["users"][0]["id"] == user_id


@pytest.mark.stream_chat_backends("fake")
def test_fake_only(stream_chat_fake):
    stream_chat_fake.fail_next("QueryUsers", 500, -1)
"""


def test_the_same_body_runs_on_fake_replay_and_live(project: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    project.makepyfile(test_contract=CONTRACT)
    fake = project.runpytest_inprocess("-s")
    fake.assert_outcomes(passed=3)
    fake.stdout.fnmatch_lines(["*BACKEND fake*"])
    assert not (project.path / "cassettes").exists()

    recorded = project.runpytest_inprocess(
        "-s", "--stream-chat-backend=replay", "--stream-chat-record-mode=once", "--stream-chat-record-target=fake"
    )
    recorded.assert_outcomes(passed=2, skipped=1)
    assert len(cassette_files(project.path)) == 2

    project.makeconftest(NO_NETWORK_CONFTEST)
    replayed = project.runpytest_inprocess("-s", "--stream-chat-backend=replay")
    replayed.assert_outcomes(passed=2, skipped=1)
    replayed.stdout.fnmatch_lines(["*BACKEND replay*"])
    (project.path / "conftest.py").unlink()

    server = LiveServer(create_app("live-key", "live-secret-0123456789abcdef0123456789abcdef")).start()
    try:
        monkeypatch.setenv("STREAM_KEY", "live-key")
        monkeypatch.setenv("STREAM_SECRET", "live-secret-0123456789abcdef0123456789abcdef")
        monkeypatch.setenv("STREAM_CHAT_URL", server.base_url)
        live = project.runpytest_inprocess("-s", "--stream-chat-backend=live")
        live.assert_outcomes(passed=2, skipped=1)
        live.stdout.fnmatch_lines(["*BACKEND live*"])
        assert len(server.app.get_app("live-key").requests) == 4
    finally:
        server.stop()


def test_backend_from_ini(project: pytest.Pytester) -> None:
    project.makeini(
        "[pytest]\naddopts = -p no:cacheprovider\nasyncio_default_fixture_loop_scope = function\n"
        "stream_chat_backend = replay\nstream_chat_cassette_dir = recorded\n"
    )
    project.makepyfile(
        """
        def test_backend(stream_chat_backend, stream_chat_backend_handle):
            assert stream_chat_backend == "replay"
            assert "recorded" in str(stream_chat_backend_handle.path)
        """
    )
    project.runpytest_inprocess().assert_outcomes(passed=1)
