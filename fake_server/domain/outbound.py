"""Outbound integrations of an app: webhooks, SQS/SNS queues, before-send and command hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


class Outbound:
    def __init__(self, app: ChatApp) -> None:
        self._app = app

    def reset(self) -> None:
        """Forget deliveries and queued messages (the app was reset)."""
