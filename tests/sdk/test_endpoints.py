"""Every endpoint method of both clients and their helper objects, against the expected request."""

import contextlib
import inspect
import json
from typing import Any

import httpx
import pytest

from stream_chat import StreamChat, StreamChatAsync
from stream_chat.async_chat.campaign import Campaign as AsyncCampaign
from stream_chat.async_chat.channel import Channel as AsyncChannel
from stream_chat.async_chat.segment import Segment as AsyncSegment
from stream_chat.campaign import Campaign
from stream_chat.channel import Channel
from stream_chat.segment import Segment
from stream_chat.types.segment import SegmentType
from stream_chat.types.stream_response import StreamResponse

from .cases import CAMPAIGN_ID, CASES, CHANNEL_ID, CHANNEL_TYPE, SEGMENT_ID, Case
from .support import API_KEY, BASE_URL, CANNED_BODY, RATE_LIMIT, SERVER_TOKEN, Recorder, query_pairs

SYNC_CASES = CASES
ASYNC_CASES = [c for c in CASES if not c.sync_only]

# Public methods that send no request (local helpers and factories) or are tested in test_uploads.
NO_REQUEST = {
    "create_token",
    "verify_webhook",
    "normalize_sort",
    "create_search_params",
    "get_default_params",
    "channel",
    "segment",
    "campaign",
    "set_http_session",
    "close",
    "verify_segment_id",
}
UPLOADS = {"send_file", "send_image"}


def target_of(client: StreamChat | StreamChatAsync, target: str) -> Any:
    if target == "channel":
        return client.channel(CHANNEL_TYPE, CHANNEL_ID, {"color": "blue"})
    if target == "segment":
        return client.segment(SegmentType.CHANNEL, SEGMENT_ID)
    if target == "campaign":
        return client.campaign(CAMPAIGN_ID, {"sender_id": "ann"})
    return client


def expected_query(case: Case, booleans: tuple[str, str]) -> list[tuple[str, str]]:
    def render(value: Any) -> str:
        if isinstance(value, bool):
            return booleans[0] if value else booleans[1]
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return str(value)

    return [("api_key", API_KEY)] + [(key, render(value)) for key, value in case.params]


def expect_deprecation(case: Case) -> contextlib.AbstractContextManager[object]:
    if case.deprecated:
        return pytest.warns(DeprecationWarning, match=f"{case.method} is deprecated")
    return contextlib.nullcontext()


def check_request(
    request: httpx.Request, case: Case, booleans: tuple[str, str], user_agent: str
) -> None:
    assert request.method == case.verb
    assert f"{request.url.scheme}://{request.url.host}" == BASE_URL
    assert request.url.path == case.path
    assert query_pairs(request) == expected_query(case, booleans)
    assert request.headers["authorization"] == SERVER_TOKEN
    assert request.headers["stream-auth-type"] == "jwt"
    assert request.headers["x-stream-client"] == user_agent
    assert request.headers["content-type"] == "application/json"
    if case.body is None:
        assert request.content == b""
    else:
        assert request.content == json.dumps(case.body).encode()


def check_result(result: Any, case: Case) -> None:
    if case.returns_members:
        assert result == CANNED_BODY["members"]
        assert type(result) is list
        return
    assert isinstance(result, StreamResponse)
    assert result == CANNED_BODY
    assert result.status_code() == 200
    assert result.rate_limit() == RATE_LIMIT


@pytest.mark.parametrize("case", SYNC_CASES, ids=lambda c: c.id)
def test_sync_request(case: Case, recorder: Recorder) -> None:
    with recorder.sync_client() as client, expect_deprecation(case):
        result = getattr(target_of(client, case.target), case.method)(*case.args, **case.kwargs)
    assert len(recorder.requests) == 1
    check_request(recorder.last, case, ("True", "False"), "stream-python-client-4.20.0")
    check_result(result, case)


@pytest.mark.asyncio
@pytest.mark.parametrize("case", ASYNC_CASES, ids=lambda c: c.id)
async def test_async_request(case: Case, recorder: Recorder) -> None:
    async with recorder.async_client() as client:
        method = getattr(target_of(client, case.target), case.method)
        assert inspect.iscoroutinefunction(method)
        with expect_deprecation(case):
            result = await method(*case.args, **case.kwargs)
    assert len(recorder.requests) == 1
    check_request(recorder.last, case, ("true", "false"), "stream-python-client-aio-4.20.0")
    check_result(result, case)


def public_methods(cls: type) -> set[str]:
    return {
        name
        for name in dir(cls)
        if not name.startswith("_") and callable(inspect.getattr_static(cls, name))
    }


def table_methods(target: str, include_sync_only: bool) -> set[str]:
    return {
        c.method for c in CASES if c.target == target and (include_sync_only or not c.sync_only)
    }


@pytest.mark.parametrize(
    ("target", "cls", "sync"),
    [
        ("client", StreamChat, True),
        ("client", StreamChatAsync, False),
        ("channel", Channel, True),
        ("channel", AsyncChannel, False),
        ("segment", Segment, True),
        ("segment", AsyncSegment, False),
        ("campaign", Campaign, True),
        ("campaign", AsyncCampaign, False),
    ],
)
def test_table_covers_every_public_method(target: str, cls: type, sync: bool) -> None:
    tested = {m for m in table_methods(target, sync) if not m.startswith("_")}
    assert public_methods(cls) - NO_REQUEST - UPLOADS == tested


def test_commit_message_is_sync_only() -> None:
    assert hasattr(StreamChat, "commit_message")
    assert not hasattr(StreamChatAsync, "commit_message")
