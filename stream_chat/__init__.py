"""A drop-in replacement for the public interface of Stream's ``stream-chat`` 4.20.0 SDK, on httpx."""

from stream_chat.async_chat import StreamChatAsync
from stream_chat.base.retry import RateLimitRetry
from stream_chat.client import StreamChat
from stream_chat.version import __version__

__all__ = ["RateLimitRetry", "StreamChat", "StreamChatAsync", "__version__"]
