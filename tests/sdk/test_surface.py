"""The async classes mirror the sync ones: same signatures, coroutine where upstream has one."""

import inspect

import pytest

from stream_chat import StreamChat, StreamChatAsync
from stream_chat.async_chat.campaign import Campaign as AsyncCampaign
from stream_chat.async_chat.channel import Channel as AsyncChannel
from stream_chat.async_chat.segment import Segment as AsyncSegment
from stream_chat.campaign import Campaign
from stream_chat.channel import Channel
from stream_chat.segment import Segment

PLAIN_ON_BOTH = {
    "create_token",
    "verify_webhook",
    "normalize_sort",
    "create_search_params",
    "get_default_params",
    "channel",
    "segment",
    "campaign",
    "set_http_session",
    "verify_segment_id",
}
PAIRS = [
    (StreamChat, StreamChatAsync),
    (Channel, AsyncChannel),
    (Segment, AsyncSegment),
    (Campaign, AsyncCampaign),
]


def public(cls: type) -> dict[str, object]:
    return {
        name: inspect.getattr_static(cls, name)
        for name in dir(cls)
        if not name.startswith("_") and callable(inspect.getattr_static(cls, name))
    }


def parameters(method: object) -> list[tuple[str, object, object]]:
    """Names, kinds and defaults (annotations differ where the sync/async httpx types do)."""
    assert callable(method)
    return [(p.name, p.kind, p.default) for p in inspect.signature(method).parameters.values()]


@pytest.mark.parametrize(("sync_cls", "async_cls"), PAIRS, ids=lambda c: c.__module__)
def test_async_methods_mirror_sync_ones(sync_cls: type, async_cls: type) -> None:
    sync_methods, async_methods = public(sync_cls), public(async_cls)
    extra_sync = {"commit_message", "close"} if sync_cls is StreamChat else set()
    assert set(sync_methods) - extra_sync == set(async_methods) - {"close"}
    for name, method in async_methods.items():
        if name == "close":
            continue
        assert parameters(method) == parameters(sync_methods[name]), name
        assert inspect.iscoroutinefunction(method) == (name not in PLAIN_ON_BOTH), name
        assert not inspect.iscoroutinefunction(sync_methods[name]), name


def test_async_context_methods_are_coroutines() -> None:
    for name in ("close", "__aenter__", "__aexit__"):
        assert inspect.iscoroutinefunction(getattr(StreamChatAsync, name))
    for name in ("close", "__enter__", "__exit__"):
        assert not inspect.iscoroutinefunction(getattr(StreamChat, name))


def test_package_exports() -> None:
    import stream_chat
    import stream_chat.async_chat

    assert stream_chat.StreamChatAsync is stream_chat.async_chat.StreamChatAsync
    assert stream_chat.__version__ == "4.20.0"
