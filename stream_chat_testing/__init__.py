"""pytest plugin for Stream Chat: an in-process fake, a live fake server, and record/replay on vcrpy.

Installed with the distribution, the plugin registers itself (entry point ``pytest11``); no
``conftest.py`` is needed. Fixtures: ``stream_chat_fake``, ``stream_chat_session_fake``,
``stream_chat_fake_server``, ``stream_chat_cassette``, ``stream_chat_ids``,
``stream_chat_client``, ``stream_chat_async_client``. See ``stream_chat_testing.plugin``.

Names are imported lazily so that importing this package (as pytest does at start-up) costs
nothing and imports neither vcrpy nor the fake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from stream_chat_testing.cassette import NoRecordingError, StreamCassette
    from stream_chat_testing.fake import (
        EventsView,
        LiveStreamChatFake,
        RequestCalls,
        StreamChatFake,
    )
    from stream_chat_testing.ids import StreamChatIds
    from stream_chat_testing.plugin import CassetteSession
    from stream_chat_testing.transport import AsyncCassetteTransport, CassetteTransport

__all__ = [
    "AsyncCassetteTransport",
    "CassetteSession",
    "CassetteTransport",
    "EventsView",
    "LiveStreamChatFake",
    "NoRecordingError",
    "RequestCalls",
    "StreamCassette",
    "StreamChatFake",
    "StreamChatIds",
]

_HOMES = {
    "AsyncCassetteTransport": "transport",
    "CassetteTransport": "transport",
    "CassetteSession": "plugin",
    "EventsView": "fake",
    "LiveStreamChatFake": "fake",
    "RequestCalls": "fake",
    "StreamChatFake": "fake",
    "NoRecordingError": "cassette",
    "StreamCassette": "cassette",
    "StreamChatIds": "ids",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'stream_chat_testing' has no attribute {name!r}")
    return getattr(importlib.import_module(f"stream_chat_testing.{home}"), name)
