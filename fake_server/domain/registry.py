"""All apps of a fake server, keyed by api_key."""

from __future__ import annotations

import threading
from collections.abc import Iterator

from fake_server.domain.app import ChatApp
from fake_server.domain.clock import Clock


class AppRegistry:
    def __init__(self) -> None:
        self._apps: dict[str, ChatApp] = {}
        self._lock = threading.Lock()

    def create(self, api_key: str, api_secret: str, *, name: str | None = None, clock: Clock | None = None) -> ChatApp:
        if not api_key or not api_secret:
            raise ValueError("an app needs a non-empty api_key and api_secret")
        app = ChatApp(api_key, api_secret, name=name, clock=clock)
        with self._lock:
            self._apps[api_key] = app
        return app

    def get(self, api_key: str) -> ChatApp | None:
        return self._apps.get(api_key)

    def remove(self, api_key: str) -> bool:
        with self._lock:
            return self._apps.pop(api_key, None) is not None

    def reset(self, api_key: str) -> ChatApp:
        """Empty an app in place (same object, credentials and clock)."""
        current = self._apps.get(api_key)
        if current is None:
            raise KeyError(api_key)
        current.reset()
        return current

    def __iter__(self) -> Iterator[ChatApp]:
        return iter(list(self._apps.values()))

    def __len__(self) -> int:
        return len(self._apps)
