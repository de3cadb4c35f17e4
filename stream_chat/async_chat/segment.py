from collections.abc import Awaitable

from stream_chat.base.coroutines import coroutine_endpoints
from stream_chat.base.segment import BaseSegment
from stream_chat.types.stream_response import StreamResponse


@coroutine_endpoints
class Segment(BaseSegment[Awaitable[StreamResponse]]):
    """A segment of the async client; every request method is a coroutine."""
