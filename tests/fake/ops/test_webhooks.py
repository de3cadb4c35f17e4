"""Webhook delivery (endpoints-moderation-tasks §8.1-§8.4) to a real loopback receiver."""

from __future__ import annotations

import hashlib
import hmac
import re
import socket
from typing import Any

import pytest

from fake_server import ChatApp
from tests.conftest import SDK, RawAPI

from .receiver import Receiver, Reply

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def hook_to(app: ChatApp, receiver: Receiver, path: str = "/hook", **settings: Any) -> str:
    url = receiver.url + path
    app.settings.update(webhook_url=url, **settings)
    return url


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/gone"


@pytest.mark.asyncio
async def test_events_are_posted_signed_and_verify_with_the_sdk(sdk: SDK, chat_app: ChatApp, receiver: Receiver) -> None:
    hook_to(chat_app, receiver, "/hook?source=stream")
    await sdk("upsert_user", {"id": "ann", "name": "Ann"})
    assert chat_app.outbound.flush(10)
    [request] = receiver.wait_for(1)

    assert request.path == "/hook?source=stream"  # query string preserved
    headers = {k.lower(): v for k, v in request.headers.items()}
    assert headers["content-type"] == "application/json"
    assert headers["x-api-key"] == chat_app.api_key
    assert headers["x-webhook-attempt"] == "1"
    assert UUID.match(headers["x-webhook-id"])
    expected = hmac.new(chat_app.api_secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert headers["x-signature"] == expected
    assert sdk.client.verify_webhook(request.body, headers["x-signature"]) is True
    assert sdk.client.verify_webhook(request.body, headers["x-signature"].encode()) is True
    assert sdk.client.verify_webhook(request.body + b" ", headers["x-signature"]) is False

    event = request.json
    assert event["type"] == "user.updated"
    assert event["user"]["id"] == "ann" and event["user"]["name"] == "Ann"
    assert event == chat_app.events.list("user.updated")[-1]

    [delivery] = chat_app.outbound.deliveries()
    assert delivery.status == "delivered"
    assert delivery.id == headers["x-webhook-id"]
    assert delivery.body == request.body
    assert [(a.number, a.status_code, a.error) for a in delivery.attempts] == [(1, 200, None)]


def test_retries_on_500_then_succeed_with_the_same_webhook_id(chat_app: ChatApp, receiver: Receiver) -> None:
    hook_to(chat_app, receiver)
    receiver.script("/hook", Reply(500), Reply(503))
    chat_app.emit("user.updated", user={"id": "ann"})
    assert chat_app.outbound.flush(10)
    requests = receiver.wait_for(3)
    assert [r.headers["X-Webhook-Attempt"] for r in requests] == ["1", "2", "3"]
    assert len({r.headers["X-Webhook-Id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    [delivery] = chat_app.outbound.deliveries()
    assert delivery.status == "delivered"
    assert [a.status_code for a in delivery.attempts] == [500, 503, 200]


@pytest.mark.parametrize(
    ("replies", "statuses", "outcome"),
    [
        ([Reply(500), Reply(500), Reply(500)], [500, 500, 500], "failed"),
        ([Reply(429), Reply(408)], [429, 408, 200], "delivered"),
        ([Reply(400)], [400], "failed"),
        ([Reply(404)], [404], "failed"),
    ],
)
def test_retry_policy_by_status(
    chat_app: ChatApp, receiver: Receiver, replies: list[Reply], statuses: list[int], outcome: str
) -> None:
    hook_to(chat_app, receiver)
    receiver.script("/hook", *replies)
    chat_app.emit("user.updated", user={"id": "ann"})
    assert chat_app.outbound.flush(10)
    [delivery] = chat_app.outbound.deliveries()
    assert [a.status_code for a in delivery.attempts] == statuses
    assert delivery.status == outcome
    assert len(receiver.received()) == len(statuses)
    if outcome == "failed":
        assert delivery.error == f"HTTP {statuses[-1]}"


def test_network_errors_are_tried_twice(chat_app: ChatApp) -> None:
    chat_app.settings["webhook_url"] = closed_port_url()
    chat_app.emit("user.updated", user={"id": "ann"})
    assert chat_app.outbound.flush(10)
    [delivery] = chat_app.outbound.deliveries()
    assert delivery.status == "failed"
    assert [(a.status_code, a.timed_out) for a in delivery.attempts] == [(None, False), (None, False)]
    assert delivery.error is not None and delivery.error.startswith("network error:")


def test_timeouts_are_tried_three_times(chat_app: ChatApp, receiver: Receiver) -> None:
    hook_to(chat_app, receiver)
    chat_app.outbound.policy.timeout = 0.2  # the 6 s of §8.2, shortened for the test
    receiver.script("/hook", Reply(delay=5), Reply(delay=5), Reply(delay=5))
    chat_app.emit("user.updated", user={"id": "ann"})
    assert chat_app.outbound.flush(10)
    [delivery] = chat_app.outbound.deliveries()
    assert delivery.status == "failed"
    assert [a.timed_out for a in delivery.attempts] == [True, True, True]
    assert delivery.error is not None and delivery.error.startswith("timeout:")


@pytest.mark.asyncio
async def test_delivery_never_blocks_the_request(sdk: SDK, chat_app: ChatApp, receiver: Receiver) -> None:
    hook_to(chat_app, receiver)
    receiver.script("/hook", Reply(delay=30))  # held until the test releases it
    response = await sdk("upsert_user", {"id": "ann"})
    assert response["users"]["ann"]["id"] == "ann"
    # The request has returned while the receiver still holds the webhook.
    receiver.wait_for(1)
    [delivery] = chat_app.outbound.deliveries()
    assert delivery.status == "pending"
    assert chat_app.outbound.pending == 1
    receiver.release.set()
    assert chat_app.outbound.flush(10)
    assert chat_app.outbound.deliveries()[0].status == "delivered"
    assert chat_app.outbound.pending == 0


@pytest.mark.asyncio
async def test_webhook_events_filter(sdk: SDK, chat_app: ChatApp, receiver: Receiver) -> None:
    hook_to(chat_app, receiver, webhook_events=["user.deactivated", "friendship_request"])
    await sdk("upsert_users", [{"id": "ann"}, {"id": "bob"}])
    await sdk("deactivate_user", "bob")
    await sdk("send_user_custom_event", "ann", {"type": "friendship_request", "text": "hi"})
    assert chat_app.outbound.flush(10)
    received = receiver.wait_for(2)
    assert [r.json["type"] for r in received] == ["user.deactivated", "friendship_request"]
    custom = received[1].json
    assert custom["text"] == "hi"
    assert custom["user"]["id"] == "ann"


def test_websocket_only_events_are_never_delivered(chat_app: ChatApp, receiver: Receiver) -> None:
    hook_to(chat_app, receiver)
    for event_type in (
        "typing.start", "typing.stop", "user.watching.start", "user.presence.changed", "health.check",
        "connection.changed", "notification.message_new", "notification.added_to_channel",
        "notification.mark_read", "notification.mark_unread", "message.new", "campaign.completed",
    ):
        chat_app.emit(event_type)
    assert chat_app.outbound.flush(10)
    assert [r.json["type"] for r in receiver.wait_for(3)] == [
        "notification.mark_unread", "message.new", "campaign.completed"
    ]


def test_switches_reset_and_no_url(chat_app: ChatApp, receiver: Receiver) -> None:
    chat_app.emit("user.updated", user={"id": "nobody-listens"})
    assert chat_app.outbound.deliveries() == []
    hook_to(chat_app, receiver)
    chat_app.outbound.enabled = False
    chat_app.emit("user.updated", user={"id": "muted"})
    assert chat_app.outbound.deliveries() == []
    chat_app.outbound.enabled = True
    with chat_app.outbound.suppressed():
        chat_app.emit("user.updated", user={"id": "suppressed"})
    chat_app.emit("user.updated", user={"id": "heard"})
    assert chat_app.outbound.flush(10)
    assert [r.json["user"]["id"] for r in receiver.wait_for(1)] == ["heard"]

    chat_app.reset()  # forgets the records and the settings, keeps listening
    assert chat_app.outbound.deliveries() == []
    hook_to(chat_app, receiver)
    chat_app.emit("user.updated", user={"id": "after-reset"})
    assert chat_app.outbound.flush(10)
    assert [r.json["user"]["id"] for r in receiver.wait_for(2)] == ["heard", "after-reset"]


def test_event_hooks_array_is_honoured(chat_app: ChatApp, receiver: Receiver) -> None:
    chat_app.settings["event_hooks"] = [
        {"hook_type": "webhook", "enabled": True, "webhook_url": receiver.url + "/a", "event_types": ["user.deleted"]},
        {"hook_type": "webhook", "enabled": False, "webhook_url": receiver.url + "/b"},
        {"hook_type": "sqs", "enabled": True, "sqs_queue_url": "https://sqs.test/q", "event_types": []},
    ]
    chat_app.emit("user.updated", user={"id": "ann"})
    chat_app.emit("user.deleted", user={"id": "ann"})
    assert chat_app.outbound.flush(10)
    assert [(r.path, r.json["type"]) for r in receiver.wait_for(1)] == [("/a", "user.deleted")]
    assert [m.event_type for m in chat_app.outbound.sqs_messages("https://sqs.test/q")] == [
        "user.updated", "user.deleted"
    ]


def test_channel_events_carry_members_and_unread_counters(raw: RawAPI, chat_app: ChatApp, receiver: Receiver) -> None:
    """§8.4: webhook deliveries of channel/message events add members with read state and the
    users' unread counters (the event log keeps the plain event)."""
    assert raw.request("POST", "/users", json={"users": {u: {"id": u} for u in ("ann", "bob")}}).status_code == 200
    created = raw.request(
        "POST", "/channels/messaging/general/query", json={"data": {"created_by_id": "ann", "members": ["ann", "bob"]}}
    )
    assert created.status_code == 200, created.text
    hook_to(chat_app, receiver, webhook_events=["message.new"])
    sent = raw.request("POST", "/channels/messaging/general/message", json={"message": {"text": "hi", "user": {"id": "ann"}}})
    assert sent.status_code == 200, sent.text
    assert chat_app.outbound.flush(10)
    [request] = receiver.wait_for(1)
    event = request.json
    assert event["type"] == "message.new"
    assert event["user"]["id"] == "ann"
    assert (event["user"]["channel_unread_count"], event["user"]["total_unread_count"]) == (0, 0)
    members = {m["user_id"]: m for m in event["members"]}
    assert set(members) == {"ann", "bob"}
    bob = members["bob"]["user"]
    assert (bob["channel_unread_count"], bob["unread_count"], bob["total_unread_count"], bob["unread_channels"]) == (1, 1, 1, 1)
    assert "channel_last_read_at" in bob
    assert "members" not in chat_app.events.list("message.new")[-1]
