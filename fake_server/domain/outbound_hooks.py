"""Reading the answers of the before-message-send hook (§8.6) and of the custom command
handler (§8.7): keep, rewrite or reject."""

from __future__ import annotations

import json
from typing import Any, Final

from fake_server.domain.outbound_model import HookVerdict

# Built-in fields of a message that a hook may overwrite (§8.6); every other built-in field
# of the answer is ignored, and any key that is not a built-in field is custom data.
REWRITABLE_FIELDS: Final = frozenset(
    {"text", "i18n", "show_in_channel", "silent", "type", "attachments"}
)
MESSAGE_BUILTIN_FIELDS: Final = frozenset(
    {
        "id", "cid", "html", "mml", "user", "user_id", "mentioned_users", "parent_id",
        "quoted_message_id", "quoted_message", "latest_reactions", "own_reactions",
        "reaction_counts", "reaction_scores", "reaction_groups", "reply_count",
        "deleted_reply_count", "thread_participants", "pinned", "pinned_at", "pinned_by",
        "pin_expires", "created_at", "updated_at", "deleted_at", "message_text_updated_at",
        "command", "args", "shadowed", "image_labels", "before_message_send_failed",
        "poll_id", "poll", "restricted_visibility", "moderation", "channel", "member",
        "pending", "pending_message_metadata", "deleted_for_me", "message_text_updated_by",
    }
)


class InvalidAnswer(ValueError):
    """The hook answered 2xx with a body that is not a JSON object."""


def parse_answer(body: bytes) -> HookVerdict:
    """Interpret a 2xx answer.

    Empty body, ``{}`` or no ``message`` object → keep; ``message.type == "error"`` →
    reject with ``message.text``; otherwise rewrite with the rewritable fields present.
    Raises :class:`InvalidAnswer` for a body that is not a JSON object.
    """
    if not body.strip():
        return HookVerdict("keep")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidAnswer(f"the answer is not JSON: {exc}") from None
    if not isinstance(document, dict):
        raise InvalidAnswer("the answer is not a JSON object")
    message = document.get("message")
    if not isinstance(message, dict):
        return HookVerdict("keep")
    if message.get("type") == "error":
        text = message.get("text")
        return HookVerdict("reject", error_text=text if isinstance(text, str) else "")
    changes = rewrite_fields(message)
    if not changes:
        return HookVerdict("keep")
    return HookVerdict("rewrite", changes=changes)


def rewrite_fields(message: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value
        for key, value in message.items()
        if key in REWRITABLE_FIELDS or key not in MESSAGE_BUILTIN_FIELDS
    }


def split_command(text: object) -> tuple[str, str] | None:
    """``"/name rest"`` → ``("name", "rest")``; None when the text is not a command."""
    if not isinstance(text, str) or not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    if not head:
        return None
    return head, rest.strip()
