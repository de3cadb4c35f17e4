"""The pieces of record/replay in isolation: file format, matching, scrubbing, ids, the index."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from stream_chat_testing import serializer
from stream_chat_testing.cassette import NoRecordingError, StreamCassette
from stream_chat_testing.ids import MissingIdError, RecordedIds, StreamChatIds
from stream_chat_testing.matching import Matcher
from stream_chat_testing.sanitize import API_KEY_PLACEHOLDER, REDACTED, Scrubber, is_secret_key
from stream_chat_testing.transport import CassetteTransport

# -- the file format ----------------------------------------------------------------------------

AWKWARD = {
    "version": 1,
    "interactions": [
        {
            "plain": "text",
            "quotes": 'say "hi"\\n',
            "multi": "line one\nline two\ttab",
            "unicode": "héllo 👋 \u2028 \x85 end",
            "keys": {"true": 1, "null": None, "with space": [], "a:b": {}, "-dash": False, "": "empty"},
            "numbers": [0, -5, 3.5, 1e20, -2.5e-07, 10**20],
            "nested": [[1, [2, {"x": [{}]}]], {"y": None}],
            "looks_like_yaml": ["- item", "key: value", "# comment", "null", "true", "012", "1e5", "~"],
        }
    ],
}


def test_written_cassettes_are_plain_yaml_and_load_fast() -> None:
    text = serializer.dumps(AWKWARD, header="a comment")
    assert yaml.safe_load(text) == AWKWARD  # any YAML reader gets the same data
    assert serializer.fast_loads(text) == AWKWARD  # and the fast path agrees


def test_files_outside_the_subset_fall_back_to_yaml() -> None:
    hand_edited = "version: 1\ninteractions:\n- request: {method: GET, uri: 'http://x/y'}\n  response: {status: {code: 200}}\n"
    with pytest.raises(serializer.Unsupported):
        serializer.fast_loads(hand_edited)
    assert serializer.loads(hand_edited)["interactions"][0]["request"]["method"] == "GET"
    with pytest.raises(serializer.Unsupported):
        serializer.fast_loads('key: "a" # "b"\n')


def test_vcrpy_reads_our_cassettes_and_we_replay_vcrpy_ones(tmp_path: Path) -> None:
    from vcr.serialize import deserialize, serialize
    from vcr.serializers import yamlserializer

    ours = tmp_path / "ours.yaml"
    cassette = StreamCassette.load(ours, "once")
    target = httpx.MockTransport(lambda request: httpx.Response(200, json={"users": {"ann": {"id": "ann"}}}))
    with httpx.Client(transport=CassetteTransport(cassette, target), base_url="https://api.test") as client:
        client.post("/users?api_key=k", json={"users": {"ann": {"id": "ann"}}})
    cassette.save()
    requests, responses = deserialize(ours.read_text(), serializer.VCRSerializer())[:2]
    assert requests[0].method == "POST" and json.loads(requests[0].body) == {"users": {"ann": {"id": "ann"}}}
    assert json.loads(responses[0]["body"]["string"]) == {"users": {"ann": {"id": "ann"}}}

    # a cassette written by vcrpy itself (plain yamlserializer, body.string) replays here
    theirs = tmp_path / "theirs.yaml"
    theirs.write_text(serialize({"requests": requests, "responses": responses}, yamlserializer))
    replay = StreamCassette.load(theirs, "none")
    with httpx.Client(transport=CassetteTransport(replay), base_url="https://elsewhere.test") as client:
        answer = client.post("/users?api_key=other", content=b'{"users":{"ann":{"id":"ann"}}}')
    assert answer.json() == {"users": {"ann": {"id": "ann"}}}


# -- matching ---------------------------------------------------------------------------------------


def matcher(*ignore: str) -> Matcher:
    return Matcher(Scrubber(), ignore)


def test_keys_ignore_what_varies_and_keep_what_matters() -> None:
    m = matcher()
    a = m.key_for_uri("post", "http://127.0.0.1:5000//users/?api_key=a&x=True", b'{"b": 1, "a": [1, 2]}', "application/json")
    b = m.key_for_uri("POST", "https://chat.stream-io-api.com/users?x=true&api_key=b", b'{"a":[1,2],"b":1}', None)
    assert a == b
    assert a != m.key_for_uri("POST", "https://x/users", b'{"a":[2,1],"b":1}', None)
    assert a != m.key_for_uri("PUT", "https://x/users?x=true", b'{"a":[1,2],"b":1}', None)
    payload_1 = 'payload=%7B%22filter_conditions%22%3A+%7B%22id%22%3A+%22ann%22%7D%2C+%22limit%22%3A+5%7D'
    payload_2 = 'payload={"limit":5,"filter_conditions":{"id":"ann"}}'
    assert m.key_for_uri("GET", f"http://x/users?{payload_1}", b"", None) == m.key_for_uri("GET", f"http://x/users?{payload_2}", b"", None)
    ignoring = matcher("message.pin_expires", "*.created_at")
    one = ignoring.key("POST", "/m", "", b'{"message": {"text": "hi", "pin_expires": "2024"}, "x": {"created_at": 1}}', None)
    two = ignoring.key("POST", "/m", "", b'{"message": {"text": "hi", "pin_expires": "2025"}, "x": {"created_at": 2}}', None)
    assert one == two


def test_multipart_bodies_match_whatever_the_boundary() -> None:
    def upload(boundary: str, data: bytes) -> bytes:
        return (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
            f"Content-Type: text/plain\r\n\r\n".encode()
            + data
            + f'\r\n--{boundary}\r\nContent-Disposition: form-data; name="user"\r\n\r\n{{"id": "ann"}}\r\n--{boundary}--\r\n'.encode()
        )

    m = matcher()
    first = m.key("POST", "/f", "", upload("aaa", b"hello"), "multipart/form-data; boundary=aaa")
    second = m.key("POST", "/f", "", upload("bbb", b"hello"), "multipart/form-data; boundary=bbb")
    third = m.key("POST", "/f", "", upload("ccc", b"HELLO"), "multipart/form-data; boundary=ccc")
    assert first == second != third


# -- scrubbing --------------------------------------------------------------------------------------

JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiYW5uIn0.c2lnbmF0dXJl"


def test_scrubbing_rules() -> None:
    scrub = Scrubber(secrets=["s3cr3t-value"], api_keys=["my-api-key"])
    settings = {
        "app": {
            "webhook_url": "https://user:hunter2@hooks.example.com/x?Signature=abc&Expires=1",
            "sqs_key": "AKIA123", "sqs_secret": "xyz", "sns_secret": "", "revoke_tokens_issued_before": None,
            "push_notifications": {"apn": {"auth_key": "-----BEGIN", "key_id": "K1"},
                                   "firebase": {"server_key": "AAA", "credentials_json": {"k": 1}}},
            "huawei_app_secret": "h", "voip_token": True, "note": f"token={JWT} and s3cr3t-value",
            "access_token": JWT, "base": "http://127.0.0.1:54321/uploads/a.png", "api_key": "my-api-key",
        }
    }  # fmt: skip
    clean = scrub.data(settings)["app"]
    for key in ("sqs_key", "sqs_secret", "access_token", "huawei_app_secret"):
        assert clean[key] == REDACTED
    assert clean["push_notifications"]["apn"] == {"auth_key": REDACTED, "key_id": "K1"}
    assert clean["push_notifications"]["firebase"] == {"server_key": REDACTED, "credentials_json": REDACTED}
    assert clean["sns_secret"] == "" and clean["voip_token"] is True and clean["revoke_tokens_issued_before"] is None
    assert clean["note"] == "token=<redacted-jwt> and <redacted-secret>"
    assert clean["webhook_url"] == "https://user:<redacted>@hooks.example.com/x?Signature=%3Credacted%3E&Expires=1"
    assert clean["base"] == "http://stream-chat-fake.invalid/uploads/a.png"
    assert clean["api_key"] == API_KEY_PLACEHOLDER
    assert scrub.uri("http://127.0.0.1:8000/users?api_key=my-api-key&token=abc") == (
        f"http://stream-chat-fake.invalid/users?api_key={API_KEY_PLACEHOLDER}&token=%3Credacted%3E"
    )
    request_headers = scrub.request_headers([("Authorization", JWT), ("Cookie", "a=b"), ("User-Agent", "x"), ("X-Stream-Client", "c")])
    assert request_headers == {"Authorization": [REDACTED], "Cookie": [REDACTED], "X-Stream-Client": ["c"]}
    assert scrub.response_headers([("Set-Cookie", "sid=1"), ("x-ratelimit-limit", "60")]) == {"x-ratelimit-limit": ["60"]}
    assert is_secret_key("firebase_server_key") and not is_secret_key("revoke_tokens_issued_before")


def test_recorded_interactions_are_scrubbed_before_they_are_kept(tmp_path: Path) -> None:
    reply = {"user": {"id": "guest"}, "access_token": JWT, "api_secret": "s3cr3t-value"}
    target = httpx.MockTransport(
        lambda request: httpx.Response(200, json=reply, headers={"Set-Cookie": "sid=1", "x-ratelimit-limit": "60"})
    )
    path = tmp_path / "c.yaml"
    cassette = StreamCassette.load(path, "once", scrubber=Scrubber(["s3cr3t-value"], ["the-key"]))
    with httpx.Client(transport=CassetteTransport(cassette, target), base_url="https://api.test") as client:
        live = client.post("/guest?api_key=the-key", json={"user": {"id": "guest"}}, headers={"Authorization": JWT})
    assert live.json()["access_token"] == JWT  # the test itself sees the real answer
    kept = cassette.interactions[0]
    assert kept.response["body"]["json"]["access_token"] == REDACTED  # the kept copy is scrubbed
    cassette.save()
    text = path.read_text()
    assert JWT not in text and "s3cr3t-value" not in text and "the-key" not in text and "sid=1" not in text


def test_compressed_responses_are_stored_decompressed(tmp_path: Path) -> None:
    body = json.dumps({"users": {}, "duration": "1ms"}).encode()
    target = httpx.MockTransport(
        lambda request: httpx.Response(200, content=gzip.compress(body), headers={"Content-Encoding": "gzip", "x-ratelimit-limit": "60"})
    )
    cassette = StreamCassette.load(tmp_path / "gz.yaml", "once")
    with httpx.Client(transport=CassetteTransport(cassette, target), base_url="https://api.test") as client:
        assert client.get("/users").json() == {"users": {}, "duration": "1ms"}
    stored = cassette.interactions[0].response
    assert stored["body"] == {"json": {"users": {}, "duration": "1ms"}}
    assert "Content-Encoding" not in stored["headers"] and "content-encoding" not in stored["headers"]
    cassette.save()
    replay = StreamCassette.load(tmp_path / "gz.yaml", "none")
    with httpx.Client(transport=CassetteTransport(replay), base_url="https://api.test") as client:
        again = client.get("/users")
    assert again.json() == {"users": {}, "duration": "1ms"} and again.headers["x-ratelimit-limit"] == "60"


# -- ids ------------------------------------------------------------------------------------------


def test_ids_replay_in_order_and_refuse_to_invent_on_replay() -> None:
    store: dict[str, list[str]] = {}
    recording = StreamChatIds(RecordedIds(store, can_extend=True, on_change=lambda: None))
    values = [recording.uuid(), recording.id("user"), recording.hex(8), recording.now().isoformat()]
    replaying = StreamChatIds(RecordedIds(store, can_extend=False, on_change=lambda: None))
    assert [replaying.uuid(), replaying.id("user"), replaying.hex(8), replaying.now().isoformat()] == values
    with pytest.raises(MissingIdError, match="re-record"):
        replaying.uuid()
    assert StreamChatIds().uuid() != StreamChatIds().uuid()


# -- the index ----------------------------------------------------------------------------------------


def write_cassette(path: Path, size: int) -> None:
    interactions = [
        {
            "request": {"method": "POST", "uri": "https://x/m", "body": {"json": {"n": i}}, "headers": {}},
            "response": {"status": {"code": 200, "message": "OK"}, "headers": {"x-n": [str(i)]}, "body": {"json": {"n": i}}},
        }
        for i in range(size)
    ]
    path.write_text(serializer.dumps({"version": 1, "interactions": interactions}))


def replay_cost(path: Path, requests: int) -> float:
    cassette = StreamCassette.load(path, "none")
    with httpx.Client(transport=CassetteTransport(cassette), base_url="https://x") as client:
        bodies = [json.dumps({"n": i}).encode() for i in range(requests)]
        start = time.perf_counter()
        for body in bodies:
            client.post("/m", content=body)
        return time.perf_counter() - start


def test_replay_cost_does_not_grow_with_the_cassette(tmp_path: Path) -> None:
    """A loose guard against O(n) matching: vcrpy's scan is ~50x slower at 5,000 than at 100."""
    write_cassette(tmp_path / "small.yaml", 100)
    write_cassette(tmp_path / "large.yaml", 5000)
    small = min(replay_cost(tmp_path / "small.yaml", 100) for _ in range(3))
    large = min(replay_cost(tmp_path / "large.yaml", 100) for _ in range(3))
    assert large < small * 3


def test_record_mode_semantics(tmp_path: Path) -> None:
    path = tmp_path / "modes.yaml"
    calls: list[Any] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"call": len(calls)})

    def session(mode: str, *, target: bool = True, **options: Any) -> tuple[StreamCassette, httpx.Client]:
        cassette = StreamCassette.load(path, mode, **options)
        transport = CassetteTransport(cassette, httpx.MockTransport(answer) if target else None)
        return cassette, httpx.Client(transport=transport, base_url="https://x")

    cassette, client = session("none")
    with pytest.raises(NoRecordingError) as missing:
        client.get("/a")
    assert missing.value.reason == "cassette_not_found"
    cassette, client = session("once")
    assert client.get("/a").json() == {"call": 1}
    assert cassette.save() and len(calls) == 1
    cassette, client = session("once")
    assert client.get("/a").json() == {"call": 1}  # replayed
    with pytest.raises(NoRecordingError) as played:
        client.get("/a")
    assert played.value.reason == "already_played"
    with pytest.raises(NoRecordingError) as unmatched:
        client.get("/b")
    assert unmatched.value.reason == "no_match" and "Closest recorded request" in str(unmatched.value)
    cassette, client = session("new_episodes")
    assert client.get("/a").json() == {"call": 1} and client.get("/b").json() == {"call": 2}
    cassette.save()
    cassette, client = session("all")
    assert client.get("/a").json() == {"call": 3}  # never replays
    cassette.save()
    saved = serializer.loads(path.read_text())["interactions"]
    assert [i["response"]["body"]["json"]["call"] for i in saved] == [2, 3]  # /b kept, /a replaced
    cassette, client = session("new_episodes", target=False)
    client.get("/a")
    with pytest.raises(NoRecordingError) as nowhere:
        client.get("/c")
    assert nowhere.value.reason == "no_target" and "STREAM_KEY" in str(nowhere.value)
    with pytest.raises(ValueError):
        StreamCassette(path, "sometimes")
    with pytest.raises(ValueError):
        StreamCassette(path, "any")
