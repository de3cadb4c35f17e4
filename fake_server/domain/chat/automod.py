"""Blocklist moderation of message text (§7 "Blocklists", users-app §7.6).

The blocklists and their matching rules belong to the blocklist area: the chat core asks
``app.blocklists.check(text, config)`` with a channel's effective config and acts on the
verdict's behaviour; ``flag`` matches are reported to the flag area here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.blocklists import BlocklistVerdict

BLOCK = "block"
SHADOW_BLOCK = "shadow_block"
FLAG = "flag"


def report_flag(app: ChatApp, message_id: str, found: BlocklistVerdict, text: str) -> None:
    """Record the automatic flag of a stored message that matched a ``flag`` blocklist."""
    app.flags.flag_message_automatically(
        message_id,
        reason=f"blocklist {found.blocklist}",
        details={"original_text": text},
        blocklist_name=found.blocklist,
    )
