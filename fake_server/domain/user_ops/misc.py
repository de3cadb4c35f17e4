"""Export a user (§1.10) and send a custom event to a user (§1.12)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.errors import input_error, not_allowed
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.auth import Actor

MAX_EXPORT_ITEMS: Final = 10_000
# Keys of a custom event that the server sets itself.
_EVENT_SERVER_KEYS: Final = frozenset({"type", "user", "user_id", "created_at"})


def export_user(app: ChatApp, user_id: str) -> dict[str, Any]:
    user = app.users.require(user_id)
    chat = app.chat
    messages = [chat.render_message(message) for message in chat.messages_by_user(user.id)]
    reactions = [chat.render_reaction(reaction) for reaction in chat.reactions_by_user(user.id)]
    for name, items in (("messages", messages), ("reactions", reactions)):
        if len(items) > MAX_EXPORT_ITEMS:
            raise input_error(
                f"user {user_id} has more than {MAX_EXPORT_ITEMS} {name} and cannot be exported"
            )
    # As in the documented example, nested authors are null (the user is given once).
    for item in messages:
        item["user"] = None
    for item in reactions:
        item["user"] = None
    return {"user": app.users.render(user), "messages": messages, "reactions": reactions}


def send_user_custom_event(
    app: ChatApp, user_id: str, body: dict[str, Any], actor: Actor
) -> dict[str, Any]:
    if not actor.server:
        raise not_allowed("user custom events can only be sent with server-side authentication")
    event = body.get("event")
    if not isinstance(event, dict):
        raise input_error("event is a required field and must be an object", event="is required")
    event_type = event.get("type")
    if not isinstance(event_type, str) or not event_type:
        raise input_error("event.type is a required field", type="is required")
    if "." in event_type:
        raise input_error(
            f'custom event type "{event_type}" may not contain "." (reserved for built-in events)',
            type="invalid event type",
        )
    user = app.users.require(user_id)
    custom: dict[str, Any] = {}
    nested = event.get("custom")
    for key, value in event.items():
        if key not in _EVENT_SERVER_KEYS and not (key == "custom" and isinstance(nested, dict)):
            custom[key] = value
    if isinstance(nested, dict):
        for key, value in nested.items():
            if key not in _EVENT_SERVER_KEYS:
                custom.setdefault(key, value)
    delivered: dict[str, Any] = {"type": event_type, **custom, "user": app.users.render(user)}
    if "event_type" in delivered:
        # ``emit`` takes the type positionally as ``event_type``; a custom key of that name
        # goes straight to the log (with the same defaults emit applies).
        delivered["created_at"] = format_time(app.clock.now())
        app.events.append(delivered)
    else:
        del delivered["type"]
        app.emit(event_type, **delivered)
    return {}
