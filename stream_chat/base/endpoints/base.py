from abc import ABC, abstractmethod
from typing import Generic, TypeVar

from stream_chat.base.request import Request

# StreamResponse for the sync client, Awaitable[StreamResponse] for the async one.
R = TypeVar("R")


class Endpoints(ABC, Generic[R]):
    @abstractmethod
    def _run(self, request: Request) -> R:
        """Send ``request`` and turn the reply into the client's result type."""
