"""Every SDK call, with the arguments of the SDK's request table, gets a real answer from the
fake — success or Stream's error envelope with a 4xx code — never an internal error."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

from fake_server import ChatApp
from stream_chat import StreamChat
from stream_chat.base.exceptions import StreamAPIException
from stream_chat.types.segment import SegmentType
from tests.conftest import RawAPI
from tests.sdk.cases import CAMPAIGN_ID, CASES, CHANNEL_ID, CHANNEL_TYPE, SEGMENT_ID, Case

RAW_VERBS = {"get", "post", "put", "patch", "delete"}
ENDPOINT_CASES = [c for c in CASES if not (c.target == "client" and c.method in RAW_VERBS)]


@pytest.fixture
def world(client: StreamChat, chat_app: ChatApp) -> StreamChat:
    """A few objects the table's arguments name, so calls reach their logic, not only 404s."""
    chat_app.rate_limits.enforce = False
    client.upsert_users([{"id": u} for u in ("ann", "bob", "carl", "jane", "joe", "u1", "u2")])
    client.channel(CHANNEL_TYPE, CHANNEL_ID, {"members": ["ann", "bob"]}).create("ann")
    client.channel(CHANNEL_TYPE, CHANNEL_ID).send_message({"text": "hello", "id": "msg-1"}, "ann")
    client.create_segment(SegmentType.USER, SEGMENT_ID, {"name": "s"})
    client.create_campaign(CAMPAIGN_ID, {"sender_id": "ann", "message_template": {"text": "hi"}, "user_ids": ["bob"]})
    return client


def _target(client: StreamChat, case: Case) -> Any:
    if case.target == "channel":
        return client.channel(CHANNEL_TYPE, CHANNEL_ID)
    if case.target == "segment":
        return client.segment(SegmentType.USER, SEGMENT_ID)
    if case.target == "campaign":
        return client.campaign(CAMPAIGN_ID, {"sender_id": "ann", "message_template": {"text": "hi"}})
    return client


@pytest.mark.parametrize("transport_mode", ["in-process"], indirect=True)
@pytest.mark.parametrize("case", ENDPOINT_CASES, ids=[c.id for c in ENDPOINT_CASES])
def test_answer_is_never_an_internal_error(case: Case, world: StreamChat, chat_app: ChatApp) -> None:
    method = getattr(_target(world, case), case.method)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            reply = method(*case.args, **case.kwargs)
        except StreamAPIException as exc:
            assert 400 <= exc.status_code < 500, f"{case.id}: {exc.status_code} {exc.response_text}"
            assert exc.error_code not in (None, "unknown", -1), exc.response_text
            return
    status = reply.status_code() if hasattr(reply, "status_code") else 200
    assert status == 200
    assert not [r for r in chat_app.requests.list() if r.status >= 500]


GARBAGE_BODIES: list[Any] = [
    None,
    [],
    "text",
    {"x": 1},
    {"message": [], "user": 5, "users": "x", "data": 3, "filter_conditions": [], "set": [], "unset": {}},
    {"message": {"text": 7, "user": {"id": ["x"]}}, "reaction": {"type": 1}, "event": {"type": []}},
    {"user_ids": "a", "cids": 1, "channels": {}, "target_ids": None, "target_id": 3, "user_id": {}},
    {"limit": -1, "offset": "x", "sort": "x", "next": 5, "filter": [], "id": [], "type": {}},
]


def _routes() -> list[Any]:
    from fake_server.http.routes import all_routes

    return [r for r in all_routes() if not r.public]


# Path parameters name objects that exist, so garbage reaches the handlers' own parsing.
EXISTING = {"type": "messaging", "id": "general", "message_id": "msg-1", "parent_id": "msg-1",
            "user_id": "ann", "name": "messaging", "task_id": "x", "segment_id": SEGMENT_ID,
            "campaign_id": CAMPAIGN_ID, "target_id": "ann", "report_id": "x"}


def _concrete(path: str) -> str:
    return "/".join(EXISTING.get(part[1:-1], "x") if part.startswith("{") else part for part in path.split("/"))


@pytest.mark.parametrize("transport_mode", ["in-process"], indirect=True)
@pytest.mark.parametrize("route", _routes(), ids=lambda r: f"{r.method} {r.path}")
def test_garbage_input_gets_the_error_envelope(route: Any, raw: RawAPI, world: StreamChat, chat_app: ChatApp) -> None:
    path = _concrete(route.path)
    for body in GARBAGE_BODIES:
        if route.method in ("GET", "DELETE"):
            params = {"payload": "{not json" if body is None else str(body), "limit": "-5", "ids": ",,", "user_id": ""}
            response = raw.request(route.method, path, params=params)
        else:
            content = b"{not json" if body is None else json.dumps(body).encode()
            response = raw.request(route.method, path, content=content, headers={"Content-Type": "application/json"})
        assert response.status_code < 500, f"{route.method} {path} {body!r}: {response.text}"
        if response.status_code >= 400:
            envelope = response.json()
            assert {"code", "message", "StatusCode", "duration", "more_info", "details"} <= set(envelope)
