"""Shared test helpers: a recording MockTransport handler and client factories."""

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import httpx

from stream_chat import StreamChat, StreamChatAsync
from stream_chat.types.rate_limit import RateLimitInfo

API_KEY = "test-key"
API_SECRET = "test-secret-0123456789-0123456789-0123456789"
BASE_URL = "http://stream.test"
# HS256 over header {"alg":"HS256","typ":"JWT"} and payload {"server":true}, computed by hand.
SERVER_TOKEN = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzZXJ2ZXIiOnRydWV9."
    "sqPlsdAxHvnJ46osjYszc0HpNGm-j3O1h-iugqITdRY"
)

RATE_LIMIT_HEADERS = {
    "x-ratelimit-limit": "1000",
    "x-ratelimit-remaining": "998",
    "x-ratelimit-reset": "1733580000",
}
RATE_LIMIT = RateLimitInfo(1000, 998, datetime(2024, 12, 7, 14, 0, tzinfo=UTC))

# One reply that satisfies every helper object: channel id adoption, members, segment/campaign ids.
CANNED_BODY: dict[str, Any] = {
    "channel": {"id": "server-channel", "type": "messaging", "name": "From server"},
    "members": [{"user_id": "ann"}, {"user_id": "bob"}],
    "segment": {"id": "server-segment"},
    "campaign": {"id": "server-campaign"},
    "duration": "1.23ms",
}


class Recorder:
    """A MockTransport handler that records requests and answers with queued or canned replies."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.replies: list[httpx.Response] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if self.replies:
            return self.replies.pop(0)
        return json_reply(CANNED_BODY)

    def queue(self, *replies: httpx.Response) -> None:
        self.replies.extend(replies)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def sync_client(self, **options: Any) -> StreamChat:
        options.setdefault("base_url", BASE_URL)
        return StreamChat(API_KEY, API_SECRET, transport=httpx.MockTransport(self), **options)

    def async_client(self, **options: Any) -> StreamChatAsync:
        options.setdefault("base_url", BASE_URL)
        return StreamChatAsync(API_KEY, API_SECRET, transport=httpx.MockTransport(self), **options)


def json_reply(
    body: Any, status: int = 200, headers: Mapping[str, str] = RATE_LIMIT_HEADERS
) -> httpx.Response:
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/json", **headers},
    )


def query_pairs(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())
