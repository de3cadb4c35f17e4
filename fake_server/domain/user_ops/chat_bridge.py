"""Calls into the chat core (``app.chat``) that user operations need.

The chat core owns channels, messages and reactions; user operations only ask it to act.
Every call is guarded so that user endpoints keep working while a chat-core method does not
exist yet (there is then no chat content to act on).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


def _method(app: ChatApp, name: str) -> Any:
    method = getattr(app.chat, name, None)
    return method if callable(method) else None


def delete_user_content(
    app: ChatApp,
    user_id: str,
    *,
    messages: str | None,
    conversations: str | None,
    deleted_by: str | None,
) -> None:
    """Delete the user's messages ("soft" | "pruning" | "hard") and/or their two-member
    conversation channels ("soft" | "hard"); ``None`` leaves that part alone."""
    if messages is None and conversations is None:
        return
    method = _method(app, "delete_user_content")
    if method is not None:
        method(user_id, messages=messages, conversations=conversations, deleted_by=deleted_by)


def restore_user_messages(app: ChatApp, user_id: str) -> None:
    method = _method(app, "restore_user_messages")
    if method is not None:
        method(user_id)


def transfer_channel_ownership(app: ChatApp, old_user_id: str, new_user_id: str) -> None:
    method = _method(app, "transfer_channel_ownership")
    if method is not None:
        method(old_user_id, new_user_id)


def _render_all(app: ChatApp, items: Iterable[Any], renderer: str) -> list[dict[str, Any]]:
    render = _method(app, renderer)
    out: list[dict[str, Any]] = []
    for item in items:
        rendered = render(item) if render is not None else item
        if isinstance(rendered, dict):
            out.append(dict(rendered))
    return out


def user_messages(app: ChatApp, user_id: str) -> list[dict[str, Any]]:
    """Every message the user sent, rendered (for exports)."""
    source = _method(app, "messages_by_user")
    return _render_all(app, source(user_id), "render_message") if source is not None else []


def user_reactions(app: ChatApp, user_id: str) -> list[dict[str, Any]]:
    """Every reaction the user made, rendered (for exports)."""
    source = _method(app, "reactions_by_user")
    return _render_all(app, source(user_id), "render_reaction") if source is not None else []
