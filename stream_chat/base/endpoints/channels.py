from collections.abc import Iterable
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.query import normalize_sort
from stream_chat.base.request import Request


class ChannelsEndpoints(Endpoints[R]):
    """Operations over many channels at once."""

    @endpoint
    def query_channels(
        self, filter_conditions: dict[str, Any], sort: Any = None, **options: Any
    ) -> R:
        body = {
            "state": True,
            "watch": False,
            "presence": False,
            **options,
            "filter_conditions": filter_conditions,
            "sort": normalize_sort(sort),
        }
        return self._run(Request("POST", "channels", body=body))

    @endpoint
    def delete_channels(self, cids: Iterable[str], **options: Any) -> R:
        return self._run(Request("POST", "channels/delete", body={**options, "cids": list(cids)}))

    @endpoint
    def mark_all_read(self, user_id: str) -> R:
        return self._run(Request("POST", "channels/read", body={"user": {"id": user_id}}))
