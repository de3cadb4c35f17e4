from stream_chat.async_chat.client import StreamChatAsync

__all__ = ["StreamChatAsync"]
