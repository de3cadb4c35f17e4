"""The before-message-send hook (§8.6) and the custom command handler (§8.7): the
``app.outbound`` API, and message sends and actions that go through it."""

from __future__ import annotations

import hashlib
import hmac
import threading
from typing import Any

import httpx
import pytest

from fake_server import ChatApp, FakeStream
from fake_server.domain.errors import APIError
from fake_server.live import LiveServer
from tests.conftest import RawAPI

from .receiver import Receiver, Reply

MESSAGE = {"id": "", "text": "hello", "type": "regular"}
USER = {"id": "ann", "role": "user"}
CHANNEL = {"cid": "messaging:general", "type": "messaging", "id": "general", "config": {"name": "messaging"}}


def before(app: ChatApp, receiver: Receiver) -> None:
    app.settings["before_message_send_hook_url"] = receiver.url + "/before"


def handler(app: ChatApp, receiver: Receiver) -> None:
    app.settings["custom_action_handler_url"] = receiver.url + "/commands/{type}"


# -- the outbound API -----------------------------------------------------------------------------


def test_no_hook_configured_keeps_the_message(chat_app: ChatApp) -> None:
    verdict = chat_app.outbound.before_send(MESSAGE, USER, CHANNEL)
    assert (verdict.action, verdict.called, verdict.failed) == ("keep", False, False)
    assert verdict.apply(MESSAGE) == MESSAGE


def test_hook_request_is_signed_and_empty_answer_keeps(chat_app: ChatApp, receiver: Receiver) -> None:
    before(chat_app, receiver)
    verdict = chat_app.outbound.before_send(MESSAGE, USER, CHANNEL)
    assert (verdict.action, verdict.called, verdict.failed) == ("keep", True, False)
    [call] = receiver.received("/before")
    assert call.json == {"message": MESSAGE, "user": USER, "channel": CHANNEL}
    expected = hmac.new(chat_app.api_secret.encode(), call.body, hashlib.sha256).hexdigest()
    assert call.headers["X-Signature"] == expected
    assert call.headers["X-Api-Key"] == chat_app.api_key
    assert call.headers["Content-Type"] == "application/json"
    [recorded] = chat_app.outbound.hook_calls()
    assert (recorded.kind, recorded.status_code, recorded.action) == ("before_message_send", 200, "keep")


@pytest.mark.parametrize(
    ("answer", "action", "applied"),
    [
        ({}, "keep", MESSAGE),
        ({"message": {"text": "shouted", "custom_flag": 1}}, "rewrite", {**MESSAGE, "text": "shouted", "custom_flag": 1}),
        # Built-in fields other than the rewritable ones are ignored.
        ({"message": {"text": "x", "user": {"id": "mallory"}, "created_at": "2020-01-01T00:00:00Z"}}, "rewrite", {**MESSAGE, "text": "x"}),
        ({"message": {"type": "error", "text": "nope"}}, "reject", MESSAGE),
    ],
)
def test_hook_answers(
    chat_app: ChatApp, receiver: Receiver, answer: dict[str, Any], action: str, applied: dict[str, Any]
) -> None:
    before(chat_app, receiver)
    receiver.script("/before", Reply.json(answer))
    verdict = chat_app.outbound.before_send(MESSAGE, USER, CHANNEL)
    assert (verdict.action, verdict.failed) == (action, False)
    assert verdict.apply(MESSAGE) == applied
    if action == "reject":
        assert verdict.error_text == "nope"


@pytest.mark.parametrize(
    ("reply", "detail"),
    [
        (Reply(status=500), "500"),
        (Reply(body=b"not json"), "not JSON"),
        (Reply(body=b"[1, 2]"), "not a JSON object"),
        (Reply(delay=2), "timed out"),
    ],
)
def test_hook_fails_open(chat_app: ChatApp, receiver: Receiver, reply: Reply, detail: str) -> None:
    before(chat_app, receiver)
    chat_app.outbound.hook_timeout = 0.3
    receiver.script("/before", reply)
    verdict = chat_app.outbound.before_send(MESSAGE, USER, CHANNEL)
    assert (verdict.action, verdict.failed) == ("keep", True)
    assert detail in (verdict.detail or "")


def test_hook_network_error_fails_open(chat_app: ChatApp) -> None:
    chat_app.settings["before_message_send_hook_url"] = "http://127.0.0.1:9/unreachable"
    verdict = chat_app.outbound.before_send(MESSAGE, USER, CHANNEL)
    assert (verdict.action, verdict.failed) == ("keep", True)


def test_custom_command_handler(chat_app: ChatApp, receiver: Receiver) -> None:
    message = {"text": "/ticket printer is down"}
    with pytest.raises(APIError) as missing:
        chat_app.outbound.run_custom_command(message, USER)
    assert (missing.value.status, missing.value.code) == (400, 44)

    handler(chat_app, receiver)
    receiver.script(
        "/commands/ticket",
        Reply.json({"message": {"text": "Ticket opened"}}),
        Reply(status=502),
        Reply(body=b"[]"),
    )
    verdict = chat_app.outbound.run_custom_command(message, USER, {"button": "ok"}, channel=CHANNEL)
    assert (verdict.action, verdict.changes) == ("rewrite", {"text": "Ticket opened"})
    [call] = receiver.received("/commands/ticket")
    assert call.json["message"] == {**message, "command": "ticket", "args": "printer is down"}
    assert call.json["form_data"] == {"button": "ok"}
    assert call.json["channel"] == CHANNEL
    for _ in range(2):  # a 502 and a body that is not an object
        with pytest.raises(APIError) as failed:
            chat_app.outbound.run_custom_command(message, USER)
        assert (failed.value.status, failed.value.code) == (400, 45)


def test_custom_command_timeout_fails_open(chat_app: ChatApp, receiver: Receiver) -> None:
    handler(chat_app, receiver)
    chat_app.outbound.hook_timeout = 0.3
    receiver.script("/commands/ticket", Reply(delay=2))
    verdict = chat_app.outbound.run_custom_command({"text": "/ticket x"}, USER)
    assert (verdict.action, verdict.failed) == ("keep", True)


# -- message sends and actions go through them -----------------------------------------------------


@pytest.fixture
def general(raw: RawAPI, chat_app: ChatApp) -> None:
    assert raw.request("POST", "/users", json={"users": {"ann": {"id": "ann"}}}).status_code == 200
    created = raw.request("POST", "/channels/messaging/general/query", json={"data": {"created_by_id": "ann"}})
    assert created.status_code == 200, created.text


def _post(raw: RawAPI, text: str) -> httpx.Response:
    return raw.request(
        "POST", "/channels/messaging/general/message", json={"message": {"text": text, "user": {"id": "ann"}}}
    )


def _send(raw: RawAPI, text: str) -> dict[str, Any]:
    response = _post(raw, text)
    assert response.status_code == 200, response.text
    message: dict[str, Any] = response.json()["message"]
    return message


def test_send_message_consults_the_hook(raw: RawAPI, chat_app: ChatApp, receiver: Receiver, general: None) -> None:
    before(chat_app, receiver)
    receiver.script(
        "/before",
        Reply(200),
        Reply.json({"message": {"text": "rewritten", "priority": "high"}}),
        Reply.json({"message": {"type": "error", "text": "blocked by hook"}}),
        Reply(delay=5),
    )
    kept = _send(raw, "keep me")
    assert receiver.received("/before")[0].json["message"]["text"] == "keep me"
    assert kept["text"] == "keep me"
    assert "before_message_send_failed" not in kept
    rewritten = _send(raw, "rewrite me")
    assert (rewritten["text"], rewritten["priority"]) == ("rewritten", "high")
    rejected = _send(raw, "reject me")
    assert (rejected["type"], rejected["text"]) == ("error", "blocked by hook")
    chat_app.outbound.hook_timeout = 0.2
    timed_out = _send(raw, "slow hook")
    assert timed_out["text"] == "slow hook"  # fail-open
    assert timed_out["before_message_send_failed"] is True
    state = raw.request("POST", "/channels/messaging/general/query", json={"state": True}).json()
    assert [m["text"] for m in state["messages"]] == ["keep me", "rewritten", "slow hook"]
    assert len(chat_app.events.list("message.new")) == 3  # the rejected message was never stored


@pytest.fixture
def ticket_command(raw: RawAPI, general: None) -> None:
    created = raw.request("POST", "/commands", json={"name": "ticket", "description": "Open a ticket"})
    assert created.status_code == 200, created.text
    updated = raw.request("PUT", "/channeltypes/messaging", json={"commands": ["all"]})
    assert updated.status_code == 200, updated.text


def test_custom_command_without_a_handler_is_400_44(raw: RawAPI, ticket_command: None) -> None:
    response = _post(raw, "/ticket printer")
    assert (response.status_code, response.json()["code"]) == (400, 44)


def test_custom_command_is_sent_to_the_handler(
    raw: RawAPI, chat_app: ChatApp, receiver: Receiver, ticket_command: None
) -> None:
    handler(chat_app, receiver)
    opened = {"text": "Ticket #42 opened", "attachments": [{"type": "ticket", "actions": [{"name": "close", "type": "button"}]}]}
    receiver.script(
        "/commands/ticket",
        Reply.json({"message": opened}),
        Reply.json({"message": {"type": "error", "text": "no tickets today"}}),
        Reply(500),
    )
    sent = _send(raw, "/ticket printer on fire")
    call = receiver.received("/commands/ticket")[0].json
    assert (call["message"]["command"], call["message"]["args"]) == ("ticket", "printer on fire")
    assert call["user"]["id"] == "ann"
    assert (sent["text"], sent["command"], sent["args"]) == ("Ticket #42 opened", "ticket", "printer on fire")
    assert sent["attachments"][0]["type"] == "ticket"
    rejected = _send(raw, "/ticket again")
    assert (rejected["type"], rejected["text"]) == ("error", "no tickets today")
    failed = _post(raw, "/ticket boom")
    assert (failed.status_code, failed.json()["code"]) == (400, 45)


def test_text_that_is_not_an_enabled_command_skips_the_handler(
    raw: RawAPI, chat_app: ChatApp, receiver: Receiver, general: None
) -> None:
    handler(chat_app, receiver)
    sent = _send(raw, "/nonsense here")
    assert sent["text"] == "/nonsense here"
    assert receiver.received() == []


def test_message_action_on_a_custom_command_goes_to_the_handler(
    raw: RawAPI, chat_app: ChatApp, receiver: Receiver, ticket_command: None
) -> None:
    handler(chat_app, receiver)
    receiver.script(
        "/commands/ticket",
        Reply.json({"message": {"text": "Ticket #7 opened"}}),
        Reply.json({"message": {"text": "Ticket #7 closed", "ticket_state": "closed"}}),
    )
    sent = _send(raw, "/ticket wifi")
    acted = raw.request(
        "POST", f"/messages/{sent['id']}/action", json={"user_id": "ann", "form_data": {"ticket_action": "close"}}
    )
    assert acted.status_code == 200, acted.text
    assert receiver.received("/commands/ticket")[1].json["form_data"] == {"ticket_action": "close"}
    message = acted.json()["message"]
    assert (message["text"], message["ticket_state"]) == ("Ticket #7 closed", "closed")
    stored = raw.request("GET", f"/messages/{sent['id']}").json()["message"]
    assert stored["text"] == "Ticket #7 closed"
    assert [e["message"]["text"] for e in chat_app.events.list("message.updated")] == ["Ticket #7 closed"]


def test_a_slow_hook_does_not_block_the_server(
    raw: RawAPI, chat_app: ChatApp, receiver: Receiver, general: None, fake_service: FakeStream
) -> None:
    """While one send waits on its hook, the server's event loop keeps answering."""
    before(chat_app, receiver)
    receiver.script("/before", Reply(delay=5))
    chat_app.outbound.hook_timeout = 5
    server = LiveServer(fake_service).start()
    finished = threading.Event()

    def slow_send() -> None:
        httpx.post(
            f"{server.base_url}/channels/messaging/general/message",
            params={"api_key": chat_app.api_key},
            headers={"Authorization": raw.server_token, "stream-auth-type": "jwt"},
            json={"message": {"text": "waits on the hook", "user": {"id": "ann"}}},
            timeout=10,
        )
        finished.set()

    thread = threading.Thread(target=slow_send)
    try:
        thread.start()
        receiver.wait_for(1)  # the send is now inside the hook call
        assert httpx.get(f"{server.base_url}/_fake/apps", timeout=10).status_code == 200
        assert not finished.is_set()
    finally:
        receiver.release.set()  # let the hook answer
        thread.join(timeout=10)
        server.stop()
    assert finished.is_set()
