"""Record/replay end to end with pytester: record from a fake over loopback, replay offline."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest

from fake_server import create_app
from fake_server.live import LiveServer
from stream_chat_testing import serializer
from stream_chat_testing.check import check_directory

from .conftest import NO_NETWORK_CONFTEST, cassette_files

RECORD_FROM_FAKE = ("--stream-chat-record-mode=once", "--stream-chat-record-target=fake")

CONTRACT = '''
import json
import os

def test_users_round_trip(stream_chat_cassette, stream_chat_ids):
    client = stream_chat_cassette.client
    user_id = stream_chat_ids.id("user")
    token = client.create_token(user_id)
    created = client.upsert_user({"id": user_id, "name": "Ann", "note": token})
    found = client.query_users({"id": user_id})
    limits = client.get_rate_limits(server_side=True, endpoints=["QueryUsers"])
    info = found.rate_limit()
    out = {
        "user_id": user_id,
        "api_key": stream_chat_cassette.api_key,
        "api_secret": stream_chat_cassette.api_secret,
        "server_token": client.auth_token,
        "user_token": token,
        "names": [u["name"] for u in found["users"]],
        "rate_limit": [info.limit, info.remaining, info.reset.isoformat()],
        "headers": {k: v for k, v in found.headers().items() if k.startswith("x-ratelimit")},
        "limits": limits["server_side"]["QueryUsers"],
        "note": created["users"][user_id]["note"],
    }
    with open(os.environ["OUT"], "w") as handle:
        json.dump(out, handle)
'''


def run(project: pytest.Pytester, out: Path, *args: str) -> tuple[pytest.RunResult, dict[str, Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OUT", str(out))
        result = project.runpytest_inprocess(*args)
    data = json.loads(out.read_text()) if out.exists() else {}
    return result, data


def test_record_from_live_fake_and_replay_with_the_network_off(project: pytest.Pytester, tmp_path: Path) -> None:
    project.makepyfile(test_contract=CONTRACT)
    recorded_result, recorded = run(project, tmp_path / "recorded.json", *RECORD_FROM_FAKE)
    recorded_result.assert_outcomes(passed=1)
    (cassette,) = cassette_files(project.path)
    assert cassette.relative_to(project.path).as_posix() == "cassettes/test_contract/test_users_round_trip.yaml"
    text = cassette.read_text()

    # labelled as a recording of the fake, in a comment and in vcrpy-tolerated metadata
    assert text.startswith("# stream-chat-testing cassette")
    document = serializer.loads(text)
    assert document["metadata"]["stream_chat_testing"]["recorded_against"] == "fake"
    assert "loopback" in document["metadata"]["stream_chat_testing"]["note"]
    # readable: JSON bodies are YAML data, and the loopback origin is a stable placeholder
    assert document["interactions"][0]["request"]["body"]["json"]["users"]
    assert "127.0.0.1" not in text and "stream-chat-fake.invalid" in text

    # nothing that authenticates was written
    for secret in (recorded["api_secret"], recorded["server_token"], recorded["user_token"], recorded["api_key"]):
        assert secret not in text
    assert check_directory(project.path / "cassettes", [recorded["api_secret"]]) == []
    assert recorded["note"] == recorded["user_token"]  # the live test saw the real values

    # replay: no server, no sockets at all
    project.makeconftest(NO_NETWORK_CONFTEST)
    replayed_result, replayed = run(project, tmp_path / "replayed.json")
    replayed_result.assert_outcomes(passed=1)
    assert replayed["user_id"] == recorded["user_id"]  # the random id came back from the cassette
    assert replayed["names"] == ["Ann"]
    assert replayed["rate_limit"] == recorded["rate_limit"]  # resp.rate_limit() works offline
    assert replayed["headers"] == recorded["headers"]
    assert replayed["limits"] == recorded["limits"]
    assert replayed["note"] == "<redacted-jwt>"
    assert cassette.read_text() == text  # replay writes nothing


@pytest.fixture
def real_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[LiveServer, str, str]]:
    """A fake standing in for the real API, configured the way a user points at Stream."""
    key, secret = "live-key-123", "live-secret-0123456789abcdef0123456789abcdef"
    server = LiveServer(create_app(key, secret)).start()
    monkeypatch.setenv("STREAM_KEY", key)
    monkeypatch.setenv("STREAM_SECRET", secret)
    monkeypatch.setenv("STREAM_CHAT_URL", server.base_url)
    try:
        yield server, key, secret
    finally:
        server.stop()


def test_record_against_the_api_from_environment_credentials(
    project: pytest.Pytester, tmp_path: Path, real_api: tuple[LiveServer, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, key, secret = real_api
    project.makepyfile(test_contract=CONTRACT)
    result, recorded = run(project, tmp_path / "recorded.json", "--stream-chat-record-mode=once")
    result.assert_outcomes(passed=1)
    assert recorded["api_key"] == key
    (cassette,) = cassette_files(project.path)
    text = cassette.read_text()
    assert serializer.loads(text)["metadata"]["stream_chat_testing"]["recorded_against"] == "stream"
    server_token = jwt.encode({"server": True}, secret, algorithm="HS256")
    for value in (secret, server_token, key, recorded["user_token"]):
        assert value not in text
    assert "REDACTED_API_KEY" in text
    server.stop()
    for name in ("STREAM_KEY", "STREAM_SECRET", "STREAM_CHAT_URL"):
        monkeypatch.delenv(name)
    project.makeconftest(NO_NETWORK_CONFTEST)
    replay_result, replayed = run(project, tmp_path / "replayed.json")
    replay_result.assert_outcomes(passed=1)
    assert replayed["rate_limit"] == recorded["rate_limit"]


def test_none_mode_without_a_cassette_says_how_to_record(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        def test_needs_recording(stream_chat_cassette):
            stream_chat_cassette.client.query_users({"id": "ann"})
        """
    )
    result = project.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*NoRecordingError*doesn't exist*", "*--stream-chat-record-mode=once*"])


USERS = """
import pytest

{marker}
def test_users(stream_chat_cassette):
    client = stream_chat_cassette.client
    client.upsert_user({{"id": "ann", "name": "{name}"}})
    {extra}
"""


def users_test(name: str = "Ann", extra: str = "", marker: str = "") -> str:
    return USERS.format(name=name, extra=extra, marker=marker)


def interactions(path: Path) -> list[dict[str, Any]]:
    return list(serializer.loads(path.read_text())["interactions"])


def test_a_changed_request_fails_naming_the_closest_recording(project: pytest.Pytester) -> None:
    project.makepyfile(test_users=users_test())
    project.runpytest_inprocess(*RECORD_FROM_FAKE).assert_outcomes(passed=1)
    project.makepyfile(test_users=users_test(name="Annie"))
    result = project.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Can't play back POST /users: no recorded interaction*",
            "*Closest recorded request (interaction #1): POST /users*",
            '*body users.ann.name: sent "Annie", recorded "Ann"*',
        ]
    )
    # in "once" mode an existing cassette is not extended either
    (cassette,) = cassette_files(project.path)
    before = cassette.read_text()
    project.runpytest_inprocess(*RECORD_FROM_FAKE).assert_outcomes(failed=1)
    assert cassette.read_text() == before


def test_new_episodes_appends_and_all_rerecords(project: pytest.Pytester) -> None:
    project.makepyfile(test_users=users_test())
    project.runpytest_inprocess(*RECORD_FROM_FAKE).assert_outcomes(passed=1)
    (cassette,) = cassette_files(project.path)
    assert len(interactions(cassette)) == 1

    project.makepyfile(test_users=users_test(extra='client.query_users({"id": "ann"})'))
    project.runpytest_inprocess("--stream-chat-record-mode=new_episodes", "--stream-chat-record-target=fake").assert_outcomes(passed=1)
    recorded = interactions(cassette)
    assert [i["request"]["method"] for i in recorded] == ["POST", "GET"]
    first_duration = recorded[0]["response"]["body"]["json"]["duration"]
    project.runpytest_inprocess().assert_outcomes(passed=1)  # both replay

    project.runpytest_inprocess("--stream-chat-record-mode=all", "--stream-chat-record-target=fake").assert_outcomes(passed=1)
    rerecorded = interactions(cassette)
    assert [i["request"]["method"] for i in rerecorded] == ["POST", "GET"]  # replaced, not duplicated
    assert "duration" in rerecorded[0]["response"]["body"]["json"]
    del first_duration
    project.runpytest_inprocess().assert_outcomes(passed=1)


def test_marker_names_the_cassette_and_sets_its_record_mode(project: pytest.Pytester) -> None:
    marker = '@pytest.mark.stream_chat_cassette("shared", record_mode="once")'
    project.makepyfile(test_users=users_test(marker=marker))
    project.runpytest_inprocess("--stream-chat-record-target=fake").assert_outcomes(passed=1)
    assert [p.name for p in cassette_files(project.path)] == ["shared.yaml"]
    # the command line wins over the marker: "none" refuses to record a missing cassette
    (project.path / "cassettes/test_users/shared.yaml").unlink()
    result = project.runpytest_inprocess("--stream-chat-record-target=fake", "--stream-chat-record-mode=none")
    result.assert_outcomes(failed=1)


def test_cassette_config_fixture_and_directory_option(project: pytest.Pytester) -> None:
    project.makeconftest(
        """
        import pytest

        @pytest.fixture
        def stream_chat_cassette_config():
            return {"record_mode": "once", "allow_playback_repeats": True}
        """
    )
    project.makepyfile(
        test_users="""
        def test_repeats(stream_chat_cassette):
            client = stream_chat_cassette.client
            client.upsert_user({"id": "ann"})
            assert stream_chat_cassette.record_mode == "once"
        """
    )
    project.runpytest_inprocess("--stream-chat-record-target=fake", "--stream-chat-cassette-dir=recordings").assert_outcomes(passed=1)
    assert (project.path / "recordings/test_users/test_repeats.yaml").exists()
    project.makepyfile(
        test_users="""
        def test_repeats(stream_chat_cassette):
            client = stream_chat_cassette.client
            for _ in range(3):  # recorded once, replayed three times
                client.upsert_user({"id": "ann"})
        """
    )
    project.runpytest_inprocess("--stream-chat-cassette-dir=recordings").assert_outcomes(passed=1)


def test_repeated_requests_replay_in_recorded_order(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        def test_counts(stream_chat_cassette):
            client = stream_chat_cassette.client
            seen = []
            for name in ("a", "b", "c"):
                client.upsert_user({"id": "ann", "name": name})
                seen.append(client.query_users({"id": "ann"})["users"][0]["name"])
            assert seen == ["a", "b", "c"]
            remaining = [client.query_users({"id": "ann"}).rate_limit().remaining for _ in range(2)]
            assert remaining[0] - 1 == remaining[1]
        """
    )
    project.runpytest_inprocess(*RECORD_FROM_FAKE).assert_outcomes(passed=1)
    project.makeconftest(NO_NETWORK_CONFTEST)
    project.runpytest_inprocess().assert_outcomes(passed=1)


def test_async_client_records_and_replays(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import pytest

        @pytest.mark.asyncio
        async def test_async(stream_chat_cassette, stream_chat_ids):
            client = stream_chat_cassette.async_client()
            user = stream_chat_ids.uuid()
            await client.upsert_user({"id": user})
            found = await client.query_users({"id": user})
            assert found["users"][0]["id"] == user
            assert found.rate_limit().limit > 0
            await client.close()
        """
    )
    project.runpytest_inprocess(*RECORD_FROM_FAKE).assert_outcomes(passed=1)
    project.makeconftest(NO_NETWORK_CONFTEST)
    project.runpytest_inprocess().assert_outcomes(passed=1)


SHIFT = """
import json, os, time
from email.utils import parsedate_to_datetime

def test_reset(stream_chat_cassette):
    response = stream_chat_cassette.client.query_users({"id": "ann"})
    headers = response.headers()
    date = headers.get("date")
    with open(os.environ["OUT"], "w") as handle:
        json.dump({
            "reset": int(headers["x-ratelimit-reset"]),
            "info_reset": response.rate_limit().reset.timestamp(),
            "now": time.time(),
            "recorded_at": parsedate_to_datetime(date).timestamp() if date else None,
        }, handle)
"""


def test_recorded_reset_times_and_the_shift_option(project: pytest.Pytester, tmp_path: Path) -> None:
    project.makepyfile(test_shift=SHIFT)
    _, recorded = run(project, tmp_path / "recorded.json", *RECORD_FROM_FAKE)
    assert recorded["recorded_at"] is not None
    _, plain = run(project, tmp_path / "plain.json")
    assert plain["reset"] == recorded["reset"]  # exactly as recorded by default
    assert plain["info_reset"] == recorded["info_reset"]
    # pretend the cassette is an hour old: shifting keeps the reset ahead of "now"
    (cassette,) = cassette_files(project.path)
    text = cassette.read_text()
    old_date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(recorded["recorded_at"] - 3600))
    new_date = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(recorded["recorded_at"]))
    old_reset = str(recorded["reset"] - 3600)
    cassette.write_text(text.replace(new_date, old_date).replace(f'"{recorded["reset"]}"', f'"{old_reset}"'))
    _, stale = run(project, tmp_path / "stale.json")
    assert stale["reset"] == int(old_reset)
    _, shifted = run(project, tmp_path / "shifted.json", "--stream-chat-shift-ratelimit-reset")
    window = recorded["reset"] - recorded["recorded_at"]
    assert abs((shifted["reset"] - shifted["now"]) - window) <= 2


def test_replay_ignores_host_port_key_order_and_boolean_spelling(project: pytest.Pytester) -> None:
    project.makepyfile(
        """
        import httpx, jwt

        def test_raw(stream_chat_cassette):
            token = jwt.encode({"server": True}, stream_chat_cassette.api_secret, algorithm="HS256")
            http = httpx.Client(
                transport=stream_chat_cassette.transport(),
                base_url=stream_chat_cassette.base_url,
                headers={"Authorization": token, "stream-auth-type": "jwt"},
            )
            query = {"api_key": stream_chat_cassette.api_key, "server_side": "True", "endpoints": "QueryUsers"}
            response = http.get("/rate_limits", params=query)
            assert response.status_code == 200
            payload = '{"filter_conditions": {"id": "ann"}, "limit": 5}'
            found = http.get("/users", params={"api_key": stream_chat_cassette.api_key, "payload": payload})
            assert found.status_code == 200
        """
    )
    project.runpytest_inprocess(*RECORD_FROM_FAKE).assert_outcomes(passed=1)
    project.makepyfile(
        """
        import httpx

        def test_raw(stream_chat_cassette):
            http = httpx.Client(transport=stream_chat_cassette.transport(), base_url="http://elsewhere:9999")
            query = {"endpoints": "QueryUsers", "server_side": "true", "api_key": "other"}
            assert http.get("/rate_limits", params=query).status_code == 200
            payload = '{"limit":5,"filter_conditions":{"id":"ann"}}'
            assert http.get("/users", params={"payload": payload}).status_code == 200
        """
    )
    project.makeconftest(NO_NETWORK_CONFTEST)
    project.runpytest_inprocess().assert_outcomes(passed=1)
