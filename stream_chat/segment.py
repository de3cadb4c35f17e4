from stream_chat.base.segment import BaseSegment
from stream_chat.types.stream_response import StreamResponse


class Segment(BaseSegment[StreamResponse]):
    """A segment of the sync client."""
