"""Typed shapes used by the SDK: responses, rate limits, sorting, segments and campaigns."""

from stream_chat.types.rate_limit import RateLimitInfo
from stream_chat.types.stream_response import StreamResponse

__all__ = ["RateLimitInfo", "StreamResponse"]
