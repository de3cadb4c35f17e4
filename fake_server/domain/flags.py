"""Flags of messages and users, and flag reports."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


class FlagStore:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
