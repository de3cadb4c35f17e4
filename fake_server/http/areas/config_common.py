"""Shared helpers of the configuration areas (no routes of its own)."""

from __future__ import annotations

from fake_server.domain.errors import not_allowed
from fake_server.http.context import RequestContext
from fake_server.http.routing import Route


def require_server(ctx: RequestContext) -> None:
    """Configuration endpoints are server-side only: user and anonymous tokens get 403/17."""
    if not ctx.actor.server:
        raise not_allowed("this endpoint is server-side only; use a server token")


ROUTES: list[Route] = []
