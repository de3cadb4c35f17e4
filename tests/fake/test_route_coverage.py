"""Every request the SDK can send reaches a route of the fake (issue: no "not implemented")."""

from __future__ import annotations

import pytest

from fake_server.http.routes import all_routes
from fake_server.http.routing import Router
from tests.sdk.cases import CASES, Case

# The SDK's raw verbs (get/post/put/patch/delete) take any path; the table exercises them on
# a made-up route, which rightly has no counterpart in the API.
RAW_VERBS = {"get", "post", "put", "patch", "delete"}
ENDPOINT_CASES = [c for c in CASES if not (c.target == "client" and c.method in RAW_VERBS)]


LOCAL_ONLY = {
    # Methods that make no request of their own.
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
# Multipart uploads are exercised by tests/sdk/test_uploads.py rather than the JSON table.
UPLOADS = {
    "send_file": ("POST", "/channels/messaging/general/file"),
    "send_image": ("POST", "/channels/messaging/general/image"),
}


@pytest.fixture(scope="module")
def router() -> Router:
    return Router(all_routes())


@pytest.mark.parametrize("case", ENDPOINT_CASES, ids=[c.id for c in ENDPOINT_CASES])
def test_sdk_request_reaches_a_route(case: Case, router: Router) -> None:
    assert router.match(case.verb, case.path) is not None, f"no route for {case.verb} {case.path}"


@pytest.mark.parametrize("method", sorted(UPLOADS))
def test_uploads_reach_a_route(method: str, router: Router) -> None:
    verb, path = UPLOADS[method]
    assert router.match(verb, path) is not None


def _public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def test_every_public_sdk_method_is_in_the_table() -> None:
    from stream_chat import StreamChat, StreamChatAsync
    from stream_chat.async_chat.campaign import Campaign as AsyncCampaign
    from stream_chat.async_chat.channel import Channel as AsyncChannel
    from stream_chat.async_chat.segment import Segment as AsyncSegment
    from stream_chat.campaign import Campaign
    from stream_chat.channel import Channel
    from stream_chat.segment import Segment

    targets = {
        "client": (StreamChat, StreamChatAsync),
        "channel": (Channel, AsyncChannel),
        "segment": (Segment, AsyncSegment),
        "campaign": (Campaign, AsyncCampaign),
    }
    for target, classes in targets.items():
        covered = {c.method for c in CASES if c.target == target}
        for cls in classes:
            assert _public_methods(cls) - LOCAL_ONLY - set(UPLOADS) - covered == set(), cls
