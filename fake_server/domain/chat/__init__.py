"""The chat core: channels, members, messages, reactions, read state and search."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


class ChatCore:
    """Channels and everything inside them for one app."""

    def __init__(self, app: ChatApp) -> None:
        self.app = app
