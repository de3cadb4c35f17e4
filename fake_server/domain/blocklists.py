"""Blocklists of an app (the built-in profanity list plus custom ones)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


class BlocklistRegistry:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
