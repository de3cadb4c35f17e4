"""Base URL, timeout, headers, query strings and bodies as the spec's conventions require."""

import json
from typing import Any

import httpx
import pytest

from stream_chat import StreamChat, StreamChatAsync

from .support import API_KEY, API_SECRET, BASE_URL, Recorder, query_pairs


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("STREAM_CHAT_URL", raising=False)
    monkeypatch.delenv("STREAM_CHAT_TIMEOUT", raising=False)


def sync_client(recorder: Recorder, **options: Any) -> StreamChat:
    return StreamChat(API_KEY, API_SECRET, transport=httpx.MockTransport(recorder), **options)


def test_default_base_url(recorder: Recorder) -> None:
    client = sync_client(recorder)
    client.get_app_settings()
    assert str(recorder.last.url) == "https://chat.stream-io-api.com/app?api_key=test-key"


def test_base_url_from_environment(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STREAM_CHAT_URL", "http://127.0.0.1:8765")
    client = sync_client(recorder)
    client.get_app_settings()
    assert str(recorder.last.url) == "http://127.0.0.1:8765/app?api_key=test-key"


def test_base_url_option_wins_over_environment(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_CHAT_URL", "http://ignored.test")
    client = sync_client(recorder, base_url="http://chosen.test/")
    client.get_app_settings()
    assert str(recorder.last.url) == "http://chosen.test/app?api_key=test-key"
    assert client.base_url == "http://chosen.test"


def test_base_url_with_path_prefix(recorder: Recorder) -> None:
    client = sync_client(recorder, base_url="http://proxy.test/stream")
    client.get("/users/ann/export")
    assert str(recorder.last.url) == "http://proxy.test/stream/users/ann/export?api_key=test-key"


def test_timeout_default_argument_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert StreamChat(API_KEY, API_SECRET).timeout == 6.0
    assert StreamChat(API_KEY, API_SECRET, timeout=2.5).timeout == 2.5
    monkeypatch.setenv("STREAM_CHAT_TIMEOUT", "9.5")
    assert StreamChat(API_KEY, API_SECRET, timeout=2.5).timeout == 9.5
    assert StreamChatAsync(API_KEY, API_SECRET).timeout == 9.5


def test_timeout_is_applied_to_requests(
    recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STREAM_CHAT_TIMEOUT", "1.5")
    sync_client(recorder).get_app_settings()
    assert recorder.last.extensions["timeout"] == {
        "connect": 1.5,
        "read": 1.5,
        "write": 1.5,
        "pool": 1.5,
    }


def test_headers_of_json_requests(recorder: Recorder) -> None:
    client = sync_client(recorder)
    client.delete_channel_type("support")  # a DELETE still carries the JSON content type
    headers = recorder.last.headers
    assert headers["Authorization"] == client.auth_token
    assert not headers["Authorization"].startswith("Bearer")
    assert headers["stream-auth-type"] == "jwt"
    assert headers["X-Stream-Client"] == "stream-python-client-4.20.0"
    assert headers["Content-type"] == "application/json"
    raw_names = [name for name, _ in recorder.last.headers.raw]
    assert b"stream-auth-type" in raw_names and b"X-Stream-Client" in raw_names


def test_api_key_comes_first_and_per_call_params_after(recorder: Recorder) -> None:
    sync_client(recorder).get("things", {"api_key": "override", "limit": 3})
    assert query_pairs(recorder.last) == [
        ("api_key", API_KEY),
        ("api_key", "override"),
        ("limit", "3"),
    ]


def test_none_params_are_dropped(recorder: Recorder) -> None:
    sync_client(recorder).delete_message("m1", hard=None, deleted_by="ann")
    assert query_pairs(recorder.last) == [("api_key", API_KEY), ("deleted_by", "ann")]


def test_sync_client_renders_booleans_like_python(recorder: Recorder) -> None:
    sync_client(recorder).delete_user("ann", hard_delete=True, mark_messages_deleted=False)
    assert (
        recorder.last.url.query == b"api_key=test-key&hard_delete=True&mark_messages_deleted=False"
    )


@pytest.mark.asyncio
async def test_async_client_renders_booleans_like_json(recorder: Recorder) -> None:
    async with recorder.async_client() as client:
        await client.delete_user("ann", hard_delete=True, mark_messages_deleted=False)
    assert (
        recorder.last.url.query == b"api_key=test-key&hard_delete=true&mark_messages_deleted=false"
    )


def test_payload_is_default_json_dumps_in_the_query_string(recorder: Recorder) -> None:
    sync_client(recorder).query_users({"name": "Ann Lee"})
    payload = recorder.last.url.params["payload"]
    assert payload == '{"filter_conditions": {"name": "Ann Lee"}, "sort": []}'
    assert (
        b"payload=%7B%22filter_conditions%22%3A+%7B%22name%22%3A+%22Ann+Lee%22%7D"
        in recorder.last.url.query
    )


def test_bodies_use_default_json_dumps(recorder: Recorder) -> None:
    sync_client(recorder).upsert_user({"id": "zoë", "tags": ("a", "b")})
    assert (
        recorder.last.content
        == b'{"users": {"zo\\u00eb": {"id": "zo\\u00eb", "tags": ["a", "b"]}}}'
    )


def test_body_without_data_is_an_empty_object(recorder: Recorder) -> None:
    sync_client(recorder).post("messages/m1/commit")
    assert recorder.last.content == b"{}"
    assert recorder.last.headers["content-length"] == "2"


def test_get_and_delete_send_no_body(recorder: Recorder) -> None:
    client = sync_client(recorder)
    client.get_message("m1")
    client.delete_message("m1")
    assert [r.content for r in recorder.requests] == [b"", b""]
    assert ["content-length" in r.headers for r in recorder.requests] == [False, False]


def test_path_segments_are_not_escaped_by_the_sdk(recorder: Recorder) -> None:
    sync_client(recorder).get_message("a@b c")
    assert recorder.last.url.raw_path == b"/messages/a@b%20c?api_key=test-key"


def test_server_token_is_signed_once(recorder: Recorder, monkeypatch: pytest.MonkeyPatch) -> None:
    import jwt

    calls: list[dict[str, Any]] = []
    original = jwt.encode

    def counting_encode(payload: dict[str, Any], *args: Any, **kwargs: Any) -> str:
        calls.append(payload)
        return original(payload, *args, **kwargs)

    monkeypatch.setattr(jwt, "encode", counting_encode)
    client = sync_client(recorder)
    for _ in range(3):
        client.get_app_settings()
    assert calls == [{"server": True}]
    assert {r.headers["authorization"] for r in recorder.requests} == {client.auth_token}


def test_get_default_params() -> None:
    assert StreamChat(API_KEY, API_SECRET).get_default_params() == {"api_key": API_KEY}
    assert StreamChatAsync(API_KEY, API_SECRET).get_default_params() == {"api_key": API_KEY}


def test_request_json_round_trip_of_bodies(recorder: Recorder) -> None:
    channel = sync_client(recorder, base_url=BASE_URL).channel("messaging", "general")
    channel.send_message({"text": "hi"}, "ann", skip_push=True)
    assert json.loads(recorder.last.content) == {
        "message": {"text": "hi", "user": {"id": "ann"}},
        "skip_push": True,
    }
