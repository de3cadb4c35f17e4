"""Channel types: the five built-ins, their configuration and the effective config of a channel."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import not_found
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

BUILTIN_TYPES = ("livestream", "messaging", "team", "gaming", "commerce")

# Defaults of a new channel type (models §7.1); livestream differs only in url_enrichment.
FEATURE_DEFAULTS: dict[str, Any] = {
    "typing_events": True,
    "read_events": True,
    "connect_events": True,
    "custom_events": True,
    "search": True,
    "reactions": True,
    "replies": True,
    "quotes": True,
    "mutes": True,
    "uploads": True,
    "url_enrichment": True,
    "push_notifications": True,
    "reminders": False,
    "mark_messages_pending": False,
    "polls": False,
    "skip_last_msg_update_for_system_msgs": False,
    "message_retention": "infinite",
    "max_message_length": 5000,
    "automod": "disabled",
    "automod_behavior": "flag",
}

# Keys a channel's config_overrides may change (models §7.2).
OVERRIDABLE_KEYS = frozenset(
    {
        "typing_events", "reactions", "replies", "quotes", "uploads", "url_enrichment",
        "max_message_length", "commands", "blocklist", "blocklist_behavior", "grants",
        "user_message_reminders", "shared_locations", "count_messages",
    }
)

BUILTIN_COMMANDS: dict[str, dict[str, str]] = {
    "giphy": {"name": "giphy", "description": "Post a random gif to the channel", "args": "[text]", "set": "fun_set"},
    "ban": {"name": "ban", "description": "Ban a user", "args": "[@username] [text]", "set": "moderation_set"},
    "unban": {"name": "unban", "description": "Unban a user", "args": "[@username]", "set": "moderation_set"},
    "mute": {"name": "mute", "description": "Mute a user", "args": "[@username]", "set": "moderation_set"},
    "unmute": {"name": "unmute", "description": "Unmute a user", "args": "[@username]", "set": "moderation_set"},
}


@dataclass(slots=True)
class ChannelType:
    name: str
    created_at: datetime
    updated_at: datetime
    # Feature flags and scalar settings (every key of FEATURE_DEFAULTS, plus optional ones
    # such as blocklist, blocklist_behavior, blocklists, allowed_flag_reasons, partition_*).
    config: dict[str, Any]
    commands: list[str] = field(default_factory=list)
    grants: dict[str, list[str]] = field(default_factory=dict)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    builtin: bool = False


class ChannelTypeRegistry:
    """The channel types of one app."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.by_name: dict[str, ChannelType] = {}
        created = app.created_at
        for name in BUILTIN_TYPES:
            config = copy.deepcopy(FEATURE_DEFAULTS)
            if name == "livestream":
                config["url_enrichment"] = False
            self.by_name[name] = ChannelType(
                name=name,
                created_at=created,
                updated_at=created,
                config=config,
                commands=list(BUILTIN_COMMANDS),
                builtin=True,
            )

    def get(self, name: str) -> ChannelType | None:
        return self.by_name.get(name)

    def require(self, name: str) -> ChannelType:
        channel_type = self.by_name.get(name)
        if channel_type is None:
            raise not_found(f"channel type {name} does not exist")
        return channel_type

    def effective(self, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Flat effective config of a channel: its type's config overlaid with its overrides.

        The result holds the feature flags, ``name`` and ``commands`` (a list of names).
        """
        channel_type = self.require(name)
        config = dict(channel_type.config)
        config["name"] = channel_type.name
        config["commands"] = list(channel_type.commands)
        if overrides:
            for key, value in overrides.items():
                if key in OVERRIDABLE_KEYS and key != "grants":
                    config[key] = value
        return config

    def command_objects(self, names: list[str]) -> list[dict[str, Any]]:
        """Command names rendered as Command objects (unknown names are skipped)."""
        rendered: list[dict[str, Any]] = []
        for command_name in names:
            builtin = BUILTIN_COMMANDS.get(command_name)
            if builtin is not None:
                rendered.append(dict(builtin))
                continue
            custom = self._app.commands.get(command_name)
            if custom is not None:
                rendered.append(custom)
        return rendered

    def render_config(self, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``config`` object embedded in a channel (commands as Command objects)."""
        channel_type = self.require(name)
        config = self.effective(name, overrides)
        config["commands"] = self.command_objects(config["commands"])
        config["created_at"] = format_time(channel_type.created_at)
        config["updated_at"] = format_time(channel_type.updated_at)
        grant_modifiers = (overrides or {}).get("grants")
        if grant_modifiers:
            config["grants"] = grant_modifiers
        return config


class CommandRegistry:
    """Custom slash commands of one app (built-ins live in BUILTIN_COMMANDS)."""

    def __init__(self) -> None:
        self.custom: dict[str, dict[str, Any]] = {}

    def get(self, name: str) -> dict[str, Any] | None:
        builtin = BUILTIN_COMMANDS.get(name)
        if builtin is not None:
            return dict(builtin)
        command = self.custom.get(name)
        return dict(command) if command is not None else None
