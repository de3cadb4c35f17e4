from collections.abc import Awaitable
from typing import Any

from stream_chat.base.channel import BaseChannel
from stream_chat.base.coroutines import coroutine_endpoints
from stream_chat.types.stream_response import StreamResponse


@coroutine_endpoints
class Channel(BaseChannel[Awaitable[StreamResponse]]):
    """A channel of the async client; every request method is a coroutine."""

    async def query_members(
        self, filter_conditions: dict[str, Any], sort: Any = None, **options: Any
    ) -> list[dict[str, Any]]:
        """The matching members (the reply's ``members`` list, not the whole reply)."""
        response = await self._run(self._query_members_request(filter_conditions, sort, **options))
        members: list[dict[str, Any]] = response["members"]
        return members
