from collections.abc import Awaitable

from stream_chat.base.campaign import BaseCampaign
from stream_chat.base.coroutines import coroutine_endpoints
from stream_chat.types.stream_response import StreamResponse


@coroutine_endpoints
class Campaign(BaseCampaign[Awaitable[StreamResponse]]):
    """A campaign of the async client; every request method is a coroutine."""

    _merge_data_on_create = False
