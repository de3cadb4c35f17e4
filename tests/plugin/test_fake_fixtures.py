"""The in-process fake and the live server fixtures, used directly (the plugin is loaded by its entry point)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from fake_server import AsyncFakeTransport, FakeTransport
from stream_chat_testing.fake import LiveStreamChatFake, RequestCalls, StreamChatFake


def test_fake_gives_a_ready_client_on_a_fresh_app(stream_chat_fake: StreamChatFake) -> None:
    response = stream_chat_fake.client.upsert_user({"id": "ann", "name": "Ann"})
    assert response["users"]["ann"]["name"] == "Ann"
    assert stream_chat_fake.app.api_key == stream_chat_fake.api_key
    assert stream_chat_fake.api_secret == stream_chat_fake.app.api_secret
    assert "ann" in stream_chat_fake.app.users.by_id
    # The fake's own in-process transports: never httpx's MockTransport/ASGITransport, which vcrpy patches.
    transport = stream_chat_fake.transport()
    assert isinstance(transport, FakeTransport)
    assert not isinstance(transport, httpx.MockTransport | httpx.ASGITransport)
    assert isinstance(stream_chat_fake.async_transport(), AsyncFakeTransport)


def test_each_test_gets_a_fresh_app(stream_chat_fake: StreamChatFake) -> None:
    assert stream_chat_fake.requests.call_count == 0
    assert stream_chat_fake.client.query_users({"id": "ann"})["users"] == []


def test_request_log_filters_and_assertions(stream_chat_fake: StreamChatFake) -> None:
    client = stream_chat_fake.client
    client.upsert_users([{"id": "ann"}, {"id": "bob"}])
    client.query_users({"id": {"$in": ["ann", "bob"]}})
    client.get_rate_limits(server_side=True, endpoints=["QueryUsers"])
    calls = stream_chat_fake.requests
    assert isinstance(calls, RequestCalls)
    assert calls.call_count == 3 and calls.called
    assert calls.operations == ["UpdateUsers", "QueryUsers", "GetRateLimits"]
    assert calls.last.operation == "GetRateLimits" and calls.first.operation == "UpdateUsers"
    upsert = calls.assert_called_once("UpdateUsers")
    assert set(upsert.body["users"]) == {"ann", "bob"}
    calls.assert_called("*Users", times=2)
    calls.assert_called(method="GET", times=2)
    calls.assert_not_called("SendMessage")
    assert calls.filter(path="/users", method="post").call_count == 1
    assert calls.filter(body={"users": {"ann": {"id": "ann"}}}).call_count == 1
    assert calls.filter(status=200).call_count == 3
    assert calls.filter(where=lambda r: r.method == "GET").operations == ["QueryUsers", "GetRateLimits"]
    with pytest.raises(AssertionError, match="expected 5 request"):
        calls.assert_called("UpdateUsers", times=5)
    with pytest.raises(AssertionError, match="SendMessage"):
        calls.assert_called("SendMessage")
    # The view is live: it sees requests made after it was taken.
    users = calls.filter("QueryUsers")
    client.query_users({"id": "ann"})
    assert users.call_count == 2


def test_seed_creates_real_state_without_traces(stream_chat_fake: StreamChatFake) -> None:
    result = stream_chat_fake.seed(users=["ann", {"id": "bob", "name": "Bob", "role": "admin"}])
    assert set(result.users) == {"ann", "bob"}
    assert stream_chat_fake.requests.call_count == 0  # seeding is not in the log
    found = stream_chat_fake.client.query_users({"id": "bob"})["users"]
    assert found[0]["name"] == "Bob" and found[0]["role"] == "admin"
    assert len(stream_chat_fake.events) == 0  # seeding events are not the test's
    limits = stream_chat_fake.client.get_rate_limits(server_side=True, endpoints=["UpdateUsers"])
    # the upsert made by seed() did not consume the UpdateUsers quota
    bucket = limits["server_side"]["UpdateUsers"]
    assert bucket["remaining"] == bucket["limit"]


def test_seed_channels_and_messages(stream_chat_fake: StreamChatFake) -> None:
    result = stream_chat_fake.seed(
        users=["ann", "bob"],
        channels=[{"type": "messaging", "id": "general", "members": ["ann", "bob"], "name": "General"}],
        messages=[{"cid": "messaging:general", "user_id": "ann", "text": "hello"}],
    )
    assert "messaging:general" in result.channels
    assert result.messages[0]["text"] == "hello"
    state = stream_chat_fake.client.channel("messaging", "general").query()
    assert [m["text"] for m in state["messages"]] == ["hello"]


def test_clock_rate_limits_and_faults(stream_chat_fake: StreamChatFake) -> None:
    from stream_chat.base.exceptions import StreamAPIException

    client = stream_chat_fake.client
    stream_chat_fake.freeze()
    start = stream_chat_fake.now
    stream_chat_fake.advance(90)
    assert (stream_chat_fake.now - start).total_seconds() == pytest.approx(90, abs=1)

    stream_chat_fake.set_rate_limit("QueryUsers", 1)
    client.query_users({"id": "ann"})
    with pytest.raises(StreamAPIException) as limited:
        client.query_users({"id": "ann"})
    assert limited.value.status_code == 429 and limited.value.error_code == 9
    stream_chat_fake.advance(60)  # a new window
    assert client.query_users({"id": "ann"}).rate_limit().limit == 1

    stream_chat_fake.fail_next("UpdateUsers", 503, 99, count=2)
    for _ in range(2):
        with pytest.raises(StreamAPIException) as failed:
            client.upsert_user({"id": "ann"})
        assert failed.value.status_code == 503 and failed.value.error_code == 99
    client.upsert_user({"id": "ann"})
    assert stream_chat_fake.requests.filter("UpdateUsers", status=503).call_count == 2

    stream_chat_fake.set_latency("QueryUsers", 0.25)
    assert stream_chat_fake.app.faults.latency_for("QueryUsers") == 0.25
    stream_chat_fake.clear_faults()
    assert stream_chat_fake.app.faults.latency_for("QueryUsers") == 0.0


def test_reset_forgets_data_and_logs(stream_chat_fake: StreamChatFake) -> None:
    stream_chat_fake.client.upsert_user({"id": "ann"})
    stream_chat_fake.reset()
    assert stream_chat_fake.requests.call_count == 0
    assert len(stream_chat_fake.events) == 0
    assert stream_chat_fake.client.query_users({"id": "ann"})["users"] == []


def test_event_log_view(stream_chat_fake: StreamChatFake) -> None:
    stream_chat_fake.app.emit("user.updated", user={"id": "ann"})
    stream_chat_fake.app.emit("custom.thing", value=1)
    events = stream_chat_fake.events
    assert events.types == ["user.updated", "custom.thing"]
    assert events.list("custom.*")[0]["value"] == 1
    events.assert_emitted("user.updated", times=1, user={"id": "ann"})
    with pytest.raises(AssertionError):
        events.assert_emitted("message.new")
    events.clear()
    assert len(events) == 0


def test_webhook_deliveries(stream_chat_fake: StreamChatFake) -> None:
    from fake_server.domain.outbound_model import SendResult

    posted: list[tuple[str, bytes, dict[str, str]]] = []

    class Receiver:
        def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult:
            posted.append((url, body, headers))
            return SendResult(status=200)

    stream_chat_fake.webhooks.set_sender(Receiver())
    stream_chat_fake.seed(users=["ann"])  # seeding is not delivered
    stream_chat_fake.app.settings["webhook_url"] = "https://hooks.example.test/stream"
    stream_chat_fake.client.upsert_user({"id": "bob", "name": "Bob"})
    deliveries = stream_chat_fake.webhook_deliveries()
    assert [d.event_type for d in deliveries] == ["user.updated"]
    assert deliveries[0].url == "https://hooks.example.test/stream"
    assert stream_chat_fake.webhook_deliveries(event_type="message.*") == []
    assert len(posted) == 1 and b'"bob"' in posted[0][1]


def test_webhook_deliveries_filters(stream_chat_fake: StreamChatFake) -> None:
    from fake_server.domain.outbound_model import SendResult

    class Receiver:
        def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult:
            return SendResult(status=200)

    stream_chat_fake.webhooks.set_sender(Receiver())
    stream_chat_fake.app.settings["webhook_url"] = "https://hooks.example.test/stream"
    stream_chat_fake.client.upsert_user({"id": "bob"})
    channel = stream_chat_fake.client.channel("messaging", "hooks", {"members": ["bob"]})
    channel.create("bob")
    channel.send_message({"text": "hi"}, "bob")
    types = ["user.updated", "channel.created", "member.added", "message.new"]
    assert [d.event_type for d in stream_chat_fake.webhook_deliveries()] == types
    assert [d.event_type for d in stream_chat_fake.webhook_deliveries(event_type="message.new")] == ["message.new"]
    assert [d.event_type for d in stream_chat_fake.webhook_deliveries(event_type="*.*ed")] == types[:3]
    assert len(stream_chat_fake.webhook_deliveries(event_type={"message.new", "user.updated"})) == 2
    assert stream_chat_fake.webhook_deliveries(event_type=lambda t: t.startswith("channel."))[0].event_type == "channel.created"


@pytest.mark.asyncio
async def test_async_client_factory(stream_chat_fake: StreamChatFake) -> None:
    client = stream_chat_fake.async_client()
    response = await client.upsert_user({"id": "ann"})
    assert response.status_code() == 200
    async with stream_chat_fake.async_client() as second:
        assert (await second.query_users({"id": "ann"}))["users"][0]["id"] == "ann"
    # the first client is left open on purpose: the fixture closes it at teardown


def test_unclosed_async_clients_are_closed_at_teardown() -> None:
    from fake_server import create_app

    service = create_app(api_key=None)
    handle = StreamChatFake(service, service.add_app("k-teardown", "s" * 40))
    client = handle.async_client()
    asyncio.run(client.upsert_user({"id": "ann"}))
    handle.close()
    assert client._http.is_closed


def test_session_fake_is_a_fresh_tenant_on_a_shared_service(
    stream_chat_session_fake: StreamChatFake, stream_chat_fake_service: Any
) -> None:
    assert stream_chat_session_fake.service is stream_chat_fake_service
    assert stream_chat_fake_service.get_app(stream_chat_session_fake.api_key) is stream_chat_session_fake.app
    assert stream_chat_session_fake.client.query_users({"id": "ann"})["users"] == []
    stream_chat_session_fake.client.upsert_user({"id": "ann"})


def test_session_fake_second_test_sees_nothing_of_the_first(stream_chat_session_fake: StreamChatFake) -> None:
    assert stream_chat_session_fake.client.query_users({"id": "ann"})["users"] == []


def test_live_fake_server(stream_chat_fake_server: LiveStreamChatFake) -> None:
    assert stream_chat_fake_server.base_url.startswith("http://127.0.0.1:")
    response = stream_chat_fake_server.client.upsert_user({"id": "ann"})
    assert response.rate_limit() is not None
    stream_chat_fake_server.requests.assert_called_once("UpdateUsers")
    # any HTTP client can use the URL
    raw = httpx.get(f"{stream_chat_fake_server.base_url}/_fake/apps/{stream_chat_fake_server.api_key}")
    assert raw.json()["app"]["users"] == 1
    stream_chat_fake_server.set_rate_limit("QueryUsers", 5)
    assert stream_chat_fake_server.client.query_users({"id": "ann"}).rate_limit().limit == 5


@pytest.mark.asyncio
async def test_live_fake_server_async(stream_chat_fake_server: LiveStreamChatFake) -> None:
    client = stream_chat_fake_server.async_client()
    try:
        assert (await client.upsert_user({"id": "ann"})).status_code() == 200
    finally:
        await client.close()


def test_live_server_is_shared_but_apps_are_not(
    stream_chat_fake_server: LiveStreamChatFake, stream_chat_live_server: Any
) -> None:
    assert stream_chat_fake_server.server is stream_chat_live_server
    assert stream_chat_fake_server.client.query_users({"id": "ann"})["users"] == []
