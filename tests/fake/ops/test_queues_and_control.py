"""SQS/SNS capture (§8.5) and the outbound control-plane routes (``/_fake/apps/{key}/webhooks``
and ``/queues``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Mount

from fake_server import ChatApp, FakeStream, FakeTransport
from fake_server.http import control_outbound
from tests.conftest import IN_PROCESS_URL, SDK

from .receiver import Receiver, Reply

QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/stream-events"
TOPIC = "arn:aws:sns:us-east-1:123456789012:stream-events"


@pytest.mark.asyncio
async def test_sqs_and_sns_capture_the_filtered_events(sdk: SDK, chat_app: ChatApp) -> None:
    chat_app.settings.update(
        sqs_url=QUEUE, sqs_key="key", sqs_secret="secret", sns_topic_arn=TOPIC,
        webhook_events=["user.updated", "user.deactivated"],
    )
    await sdk("upsert_user", {"id": "ann"})
    await sdk("deactivate_user", "ann")
    await sdk("send_user_custom_event", "ann", {"type": "nudge"})  # filtered out

    sqs = chat_app.outbound.sqs_messages(QUEUE)
    sns = chat_app.outbound.sns_messages(TOPIC)
    assert [m.event_type for m in sqs] == ["user.updated", "user.deactivated"]
    assert [m.event_type for m in sns] == ["user.updated", "user.deactivated"]
    first = sqs[0]
    assert json.loads(first.body) == chat_app.events.list("user.updated")[-1]
    assert first.md5_of_body == hashlib.md5(first.body.encode()).hexdigest()
    assert sns[1].event["user"]["id"] == "ann"
    assert chat_app.outbound.deliveries() == []  # no webhook_url, no webhooks


def test_queue_messages_over_256_kb_are_dropped(chat_app: ChatApp) -> None:
    chat_app.settings["sqs_url"] = QUEUE
    chat_app.emit("big.event", blob="x" * (256 * 1024))
    chat_app.emit("small.event", blob="x")
    assert [m.event_type for m in chat_app.outbound.sqs_messages()] == ["small.event"]
    [dropped] = chat_app.outbound.dropped_messages()
    assert dropped["kind"] == "sqs" and dropped["event_type"] == "big.event"
    assert dropped["size"] > 256 * 1024


@pytest.fixture
def control(fake_service: FakeStream) -> Iterator[httpx.Client]:
    """The outbound control routes mounted under /_fake, as the lead wires them."""
    app = Starlette(routes=[Mount("/_fake", routes=control_outbound.routes)])
    app.state.registry = fake_service.registry
    with httpx.Client(transport=FakeTransport(app), base_url=IN_PROCESS_URL) as http:
        yield http


def test_control_plane_webhooks(control: httpx.Client, chat_app: ChatApp, receiver: Receiver) -> None:
    base = f"/_fake/apps/{chat_app.api_key}/webhooks"
    chat_app.settings["webhook_url"] = receiver.url + "/hook"
    receiver.script("/hook", Reply(500))
    chat_app.emit("user.updated", user={"id": "ann"})

    state = control.get(base, params={"flush": "10"}).json()
    assert state["flushed"] is True
    assert state["enabled"] is True and state["pending"] == 0
    [delivery] = state["deliveries"]
    assert delivery["status"] == "delivered"
    assert delivery["event_type"] == "user.updated"
    assert delivery["url"] == receiver.url + "/hook"
    assert delivery["event"]["user"]["id"] == "ann"
    assert json.loads(delivery["body"]) == delivery["event"]
    assert delivery["headers"]["X-Webhook-Id"] == delivery["id"]
    assert [(a["attempt"], a["status_code"]) for a in delivery["attempts"]] == [(1, 500), (2, 200)]
    assert state["hook_calls"] == []

    assert control.post(base, json={"enabled": False}).json()["enabled"] is False
    chat_app.emit("user.updated", user={"id": "bob"})
    assert len(control.get(base).json()["deliveries"]) == 1
    assert control.post(base, json={"enabled": True, "flush": 5}).json()["flushed"] is True

    chat_app.emit("user.deleted", user={"id": "cy"})
    only_deleted = control.get(base, params={"event_type": "user.deleted", "flush": "10"}).json()
    assert [d["event"]["user"]["id"] for d in only_deleted["deliveries"]] == ["cy"]
    assert len(control.get(base, params={"limit": "1"}).json()["deliveries"]) == 1

    assert control.delete(base).status_code == 200
    assert control.get(base).json()["deliveries"] == []
    assert control.post(base, json={"enabled": "no"}).status_code == 400
    assert control.get("/_fake/apps/nope/webhooks").status_code == 404


def test_control_plane_queues(control: httpx.Client, chat_app: ChatApp) -> None:
    base = f"/_fake/apps/{chat_app.api_key}/queues"
    chat_app.settings.update(sqs_url=QUEUE, sns_topic_arn=TOPIC)
    chat_app.emit("user.updated", user={"id": "ann"})
    listing = control.get(base).json()
    [sqs] = listing["sqs"][QUEUE]
    [sns] = listing["sns"][TOPIC]
    assert sqs["queue_url"] == QUEUE and json.loads(sqs["body"])["user"]["id"] == "ann"
    assert sns["topic_arn"] == TOPIC and json.loads(sns["message"])["type"] == "user.updated"
    assert listing["dropped"] == []
    assert control.get(base, params={"kind": "sqs"}).json()["sns"] == {}
    assert control.get(base, params={"kind": "kafka"}).status_code == 400
    assert control.delete(base).status_code == 200
    assert control.get(base).json() == {"sqs": {}, "sns": {}, "dropped": []}
