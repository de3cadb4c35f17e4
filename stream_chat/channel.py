from typing import Any

from stream_chat.base.channel import BaseChannel
from stream_chat.types.stream_response import StreamResponse


class Channel(BaseChannel[StreamResponse]):
    """A channel of the sync client; every method sends one request and returns its reply."""

    def query_members(
        self, filter_conditions: dict[str, Any], sort: Any = None, **options: Any
    ) -> list[dict[str, Any]]:
        """The matching members (the reply's ``members`` list, not the whole reply)."""
        members: list[dict[str, Any]] = self._run(
            self._query_members_request(filter_conditions, sort, **options)
        )["members"]
        return members
