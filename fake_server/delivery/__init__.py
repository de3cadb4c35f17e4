"""Outbound HTTP of the fake (webhooks, hooks): the httpx implementation of the domain's
``Sender`` interface."""

from __future__ import annotations

import atexit
import threading

from fake_server.delivery.http_sender import HttpSender

__all__ = ["HttpSender", "default_sender"]

_default: HttpSender | None = None
_lock = threading.Lock()


def default_sender() -> HttpSender:
    """One process-wide sender (a keep-alive connection pool shared by every app)."""
    global _default
    with _lock:
        if _default is None:
            _default = HttpSender()
            # Pooled keep-alive connections would otherwise be left for the interpreter to reap.
            atexit.register(_default.close)
        return _default
