from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.request import Request


class RawEndpoints(Endpoints[R]):
    """Direct access to any route, relative to the base URL."""

    @endpoint
    def get(self, relative_url: str, params: dict[str, Any] | None = None) -> R:
        return self._run(Request("GET", relative_url, params))

    @endpoint
    def delete(self, relative_url: str, params: dict[str, Any] | None = None) -> R:
        return self._run(Request("DELETE", relative_url, params))

    @endpoint
    def post(self, relative_url: str, params: dict[str, Any] | None = None, data: Any = None) -> R:
        return self._run(Request("POST", relative_url, params, data))

    @endpoint
    def put(self, relative_url: str, params: dict[str, Any] | None = None, data: Any = None) -> R:
        return self._run(Request("PUT", relative_url, params, data))

    @endpoint
    def patch(self, relative_url: str, params: dict[str, Any] | None = None, data: Any = None) -> R:
        return self._run(Request("PATCH", relative_url, params, data))
