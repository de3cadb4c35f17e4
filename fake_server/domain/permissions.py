"""Roles, permissions and grants of an app."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


class AccessControl:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
