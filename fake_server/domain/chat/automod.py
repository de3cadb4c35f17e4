"""Blocklist moderation of message text (§7 "Blocklists", users-app §7.6).

The blocklists and their matching rules belong to the blocklist area
(``app.blocklists.check(text, config)``); this module is the one place the chat core asks it,
and reports ``flag`` matches to the flag area (``app.flags.flag_message_automatically``).
Both are looked up defensively so the chat core works without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

BLOCK = "block"
SHADOW_BLOCK = "shadow_block"
FLAG = "flag"


@dataclass(frozen=True, slots=True)
class Verdict:
    behavior: str
    blocklist: str | None = None
    matched: str | None = None


def verdict(app: ChatApp, config: dict[str, Any], text: str) -> Verdict | None:
    """The strictest blocklist behaviour (``block`` > ``shadow_block`` > ``flag``) the
    channel's effective ``config`` applies to ``text``, or None."""
    store = getattr(app, "blocklists", None)
    check = getattr(store, "check", None)
    if not text or not callable(check):
        return None
    found = check(text, config)
    if found is None:
        return None
    behavior = getattr(found, "behavior", None)
    if behavior not in (BLOCK, SHADOW_BLOCK, FLAG):
        return None
    return Verdict(str(behavior), getattr(found, "blocklist", None), getattr(found, "matched", None))


def report_flag(app: ChatApp, message_id: str, found: Verdict, text: str) -> None:
    """Record the automatic flag of a stored message that matched a ``flag`` blocklist."""
    flags = getattr(app, "flags", None)
    flag = getattr(flags, "flag_message_automatically", None)
    if callable(flag):
        flag(
            message_id,
            reason=f"blocklist {found.blocklist}" if found.blocklist else "blocklist",
            details={"original_text": text},
            blocklist_name=found.blocklist,
        )
