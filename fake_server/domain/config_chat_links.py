"""What the configuration areas need from the chat core, behind guarded accessors.

The chat core is built separately; these functions ask it through methods it may offer and,
until it does, fall back to reading its store (``app.chat.store.channels``: cid → channel with
``type``, ``deleted`` and ``config_overrides``) when that exists. Nothing here fails when
the chat core has neither.

Wanted from the chat core (``app.chat``):

- ``channel_count_of_type(type_name) -> int``: live (not soft-deleted) channels of a type;
- ``forget_blocklist(name) -> None``: drop ``blocklist``/``blocklist_behavior`` overrides
  naming a deleted blocklist from every channel's ``config_overrides``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


def _channels(app: ChatApp) -> Iterable[Any]:
    store = getattr(getattr(app, "chat", None), "store", None)
    channels = getattr(store, "channels", None)
    return list(channels.values()) if isinstance(channels, dict) else []


def live_channel_count(app: ChatApp, type_name: str) -> int:
    count_of_type = getattr(app.chat, "channel_count_of_type", None)
    if callable(count_of_type):
        return int(count_of_type(type_name))
    return sum(
        1
        for channel in _channels(app)
        if getattr(channel, "type", None) == type_name and not getattr(channel, "deleted", False)
    )


def forget_blocklist_in_channels(app: ChatApp, name: str) -> None:
    forget = getattr(app.chat, "forget_blocklist", None)
    if callable(forget):
        forget(name)
        return
    for channel in _channels(app):
        overrides = getattr(channel, "config_overrides", None)
        if isinstance(overrides, dict) and overrides.get("blocklist") == name:
            overrides.pop("blocklist", None)
            overrides.pop("blocklist_behavior", None)
