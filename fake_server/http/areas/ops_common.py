"""Shared by the ``ops_*`` areas (tasks, exports, imports, segments, campaigns)."""

from __future__ import annotations

from fake_server.domain.errors import not_allowed
from fake_server.http.context import RequestContext


def require_server(ctx: RequestContext) -> None:
    """These areas are server-side only: user tokens → 403/17 (endpoints-moderation-tasks §0)."""
    if not ctx.actor.server:
        raise not_allowed("this endpoint is server-side only: call it with the server token")
