"""What user deletion/deactivation does to chat content (called by the users area)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fake_server.domain.chat import channels, editing
from fake_server.domain.errors import input_error

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MESSAGE_MODES = (None, "soft", "pruning", "hard")
CONVERSATION_MODES = (None, "soft", "hard")


def delete_user_content(
    core: ChatCore, user_id: str, *, messages: str | None, conversations: str | None, deleted_by: str | None
) -> dict[str, int]:
    if messages not in MESSAGE_MODES:
        raise input_error(f"invalid messages deletion mode {messages!r}: use soft, pruning or hard")
    if conversations not in CONVERSATION_MODES:
        raise input_error(f"invalid conversations deletion mode {conversations!r}: use soft or hard")
    deleted_messages = 0
    deleted_channels = 0
    if messages is not None:
        # Replies first, so a parent's hard delete does not pull them away mid-loop.
        mine = sorted(core.messages_by_user(user_id), key=lambda m: m.parent_id is None)
        for message in mine:
            if core.store.messages.get(message.id) is not message:
                continue
            home = core.store.channels.get(message.cid)
            if home is None or home.deleted:
                continue
            hard = messages == "hard"
            if message.deleted and not hard and messages != "pruning":
                continue
            if message.pending and not hard:
                editing.delete(core, message, hard=True, deleted_by=deleted_by)
            else:
                editing.delete(core, message, hard=hard, deleted_by=deleted_by)
            if messages == "soft":
                message.deleted_with_user = True
            elif messages == "pruning":
                message.text, message.html, message.mml = "", "", None
                message.attachments, message.custom, message.mentioned_user_ids = (), {}, ()
            deleted_messages += 1
    if conversations is not None:
        for channel in [ch for ch in core.store.channels_of(user_id) if len(ch.members) == 2]:
            channels.delete_channel(core, channel, hard=conversations == "hard")
            deleted_channels += 1
    return {"messages": deleted_messages, "channels": deleted_channels}


def restore_user_messages(core: ChatCore, user_id: str) -> int:
    restored = 0
    for message in core.messages_by_user(user_id):
        if not message.deleted_with_user or not message.deleted:
            continue
        channel = core.store.channels.get(message.cid)
        if channel is None or channel.deleted:
            continue
        parent = core.store.messages.get(message.parent_id) if message.parent_id else None
        if message.parent_id is not None and (parent is None or parent.deleted):
            continue
        editing.undelete(core, message, user_id)
        restored += 1
    return restored


def transfer_channel_ownership(core: ChatCore, old_user_id: str, new_user_id: str) -> int:
    changed = 0
    for channel in core.store.channels.values():
        if channel.created_by_id == old_user_id:
            channel.created_by_id = new_user_id
            changed += 1
    return changed
