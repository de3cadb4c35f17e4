"""Channel types: the five built-ins, create/update/delete, and the effective config of a channel.

Other areas use:

- ``effective(name, overrides) -> dict``: the flat effective config of a channel (the type's
  feature flags overlaid with the channel's ``config_overrides``; ``commands`` as names;
  ``blocklist``/``blocklist_behavior``/``blocklists`` when configured). Feed it to
  ``app.blocklists.check(text, config)`` on message send/update.
- ``render_config(name, overrides) -> dict``: the ``config`` object embedded in a channel.
- ``validate_overrides(value) -> dict``: validation of a channel's ``config_overrides``.

Changes to a type apply at once to both, so every channel sees them on its next request.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.config_channel_type_fields import (
    UNSET,
    SettingsChange,
    parse_overrides,
    parse_settings,
)
from fake_server.domain.config_commands import BUILTIN_COMMANDS, CommandRegistry
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.grants_defaults import TEMPLATE_SCOPE, default_grants
from fake_server.domain.ids import check_name
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

__all__ = [
    "BUILTIN_COMMANDS",
    "BUILTIN_TYPES",
    "FEATURE_DEFAULTS",
    "MAX_CHANNEL_TYPES",
    "OVERRIDABLE_KEYS",
    "ChannelType",
    "ChannelTypeRegistry",
    "CommandRegistry",
]

BUILTIN_TYPES = ("livestream", "messaging", "team", "gaming", "commerce")
MAX_CHANNEL_TYPES = 50  # custom + built-in (conventions §3.4)

# Defaults of a new channel type (models §7.1); livestream differs only in url_enrichment.
# automod defaults to "disabled" as live configs show (the docs table says "simple"; §13.13).
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


@dataclass(slots=True)
class ChannelType:
    name: str
    created_at: datetime
    updated_at: datetime
    # Feature flags and scalar settings (every key of FEATURE_DEFAULTS, plus optional ones
    # such as blocklist, blocklist_behavior, blocklists, allowed_flag_reasons, partition_*).
    config: dict[str, Any]
    # Commands listed explicitly (names); ``all_commands`` = "all" was given, i.e. every
    # command, including ones created later.
    commands: list[str] = field(default_factory=list)
    grants: dict[str, list[str]] = field(default_factory=dict)
    permissions: list[dict[str, Any]] = field(default_factory=list)
    builtin: bool = False
    all_commands: bool = False


class ChannelTypeRegistry:
    """The channel types of one app."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.by_name: dict[str, ChannelType] = {}
        # Per-request memo of the configs of channels without overrides (the common case:
        # a query renders the same type's config once per channel). None outside a request.
        self.memo: dict[tuple[str, str], dict[str, Any]] | None = None
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
                # Choice (models §7.4): every built-in command for every built-in type.
                commands=list(BUILTIN_COMMANDS),
                grants=default_grants(name),
                builtin=True,
            )

    # -- lookups ---------------------------------------------------------------------------------

    def get(self, name: str) -> ChannelType | None:
        return self.by_name.get(name)

    def require(self, name: str) -> ChannelType:
        channel_type = self.by_name.get(name)
        if channel_type is None:
            raise not_found(f"channel type {name} does not exist")
        return channel_type

    def command_names(self, channel_type: ChannelType) -> list[str]:
        """The commands enabled on a type now (``"all"`` follows the app's current commands)."""
        if channel_type.all_commands:
            return list(dict.fromkeys([*channel_type.commands, *self._app.commands.names()]))
        return [name for name in channel_type.commands if self._app.commands.exists(name)]

    def types_listing_command(self, command: str) -> list[str]:
        """Types that list ``command`` explicitly (not merely through ``"all"``)."""
        return sorted(name for name, ct in self.by_name.items() if command in ct.commands)

    # -- effective config of a channel ---------------------------------------------------------

    def effective(self, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """Flat effective config of a channel: its type's config overlaid with its overrides.

        The result holds the feature flags, ``name`` and ``commands`` (a list of names), plus
        ``blocklist``/``blocklist_behavior``/``blocklists`` when configured.
        """
        return dict(self.effective_shared(name, overrides))

    def effective_shared(self, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """``effective`` for readers: during a request the channels of one type share one
        dict, which callers must not modify."""
        if not overrides and self.memo is not None:
            cached = self.memo.get(("effective", name))
            if cached is None:
                cached = self.memo[("effective", name)] = self._effective(name, None)
            return cached
        return self._effective(name, overrides)

    def _effective(self, name: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
        channel_type = self.require(name)
        # A shallow copy: callers replace keys but never edit nested values (nor does a type
        # update, which assigns new ones), and this runs on every send — copying dominated.
        config = dict(channel_type.config)
        config["name"] = channel_type.name
        config["commands"] = self.command_names(channel_type)
        if overrides:
            for key, value in overrides.items():
                if key in OVERRIDABLE_KEYS and key != "grants":
                    config[key] = value
            if "commands" in overrides:
                names, uses_all = self._app.commands.expand(list(overrides["commands"]), strict=False)
                config["commands"] = self._app.commands.names() if uses_all else names
            if overrides.get("blocklist") and "blocklist_behavior" not in config:
                config["blocklist_behavior"] = "flag"
        return config

    def command_objects(self, names: list[str]) -> list[dict[str, Any]]:
        """Command names rendered as Command objects (unknown names are skipped)."""
        rendered: list[dict[str, Any]] = []
        for command_name in names:
            command = self._app.commands.get(command_name)
            if command is not None:
                rendered.append(command)
        return rendered

    def render_config(self, name: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The ``config`` object embedded in a channel (commands as Command objects).

        During a request the channels of one type share one rendering: never modify it.
        """
        if not overrides and self.memo is not None:
            cached = self.memo.get(("rendered", name))
            if cached is None:
                cached = self.memo[("rendered", name)] = self._render_config(name, None)
            return cached
        return self._render_config(name, overrides)

    def _render_config(self, name: str, overrides: dict[str, Any] | None) -> dict[str, Any]:
        channel_type = self.require(name)
        config = self.effective(name, overrides)
        config["commands"] = self.command_objects(config["commands"])
        config["created_at"] = format_time(channel_type.created_at)
        config["updated_at"] = format_time(channel_type.updated_at)
        grant_modifiers = (overrides or {}).get("grants")
        if grant_modifiers:
            config["grants"] = grant_modifiers
        return config

    def validate_overrides(self, value: object, field: str = "config_overrides") -> dict[str, Any]:
        """A channel's ``config_overrides`` validated and normalised (400/4 on bad input)."""
        return parse_overrides(self._app, value, field)

    # -- rendering of a type -----------------------------------------------------------------------

    def render(self, channel_type: ChannelType, *, command_objects: bool) -> dict[str, Any]:
        """A channel type as ``GET /channeltypes/{name}`` (Command objects) or as create/update
        responses (command names) show it."""
        names = self.command_names(channel_type)
        out: dict[str, Any] = {"name": channel_type.name, **copy.deepcopy(channel_type.config)}
        out["commands"] = self.command_objects(names) if command_objects else names
        out["permissions"] = copy.deepcopy(channel_type.permissions)
        out["grants"] = {role: list(ids) for role, ids in channel_type.grants.items()}
        out["created_at"] = format_time(channel_type.created_at)
        out["updated_at"] = format_time(channel_type.updated_at)
        return out

    # -- create / update / delete --------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> ChannelType:
        name = check_name(body.get("name"), "name", max_length=64)
        if name in self.by_name:
            raise input_error(f"channel type {name} already exists", name="already exists")
        if len(self.by_name) >= MAX_CHANNEL_TYPES:
            raise input_error(f"an app can have at most {MAX_CHANNEL_TYPES} channel types")
        change = parse_settings(self._app, body, creating=True)
        now = self._app.clock.now()
        # A new type starts from the defaults of its scope: built-in names (re-created after a
        # delete) get their own, other names a copy of the current messaging scope (§6.6).
        template = self.by_name.get(TEMPLATE_SCOPE)
        if name in BUILTIN_TYPES or template is None:
            grants = default_grants(name)
        else:
            grants = {role: list(ids) for role, ids in template.grants.items()}
        config = copy.deepcopy(FEATURE_DEFAULTS)
        if name == "livestream":
            config["url_enrichment"] = False
        channel_type = ChannelType(
            name=name,
            created_at=now,
            updated_at=now,
            config=config,
            grants=grants,
            permissions=copy.deepcopy(template.permissions) if template is not None else [],
        )
        self._apply(channel_type, change)
        self.by_name[name] = channel_type
        return channel_type

    def update(self, name: str, body: dict[str, Any]) -> ChannelType:
        """Partial update: only given keys change (a ``name`` in the body is ignored)."""
        channel_type = self.require(name)
        change = parse_settings(self._app, body, creating=False)
        self._apply(channel_type, change)
        channel_type.updated_at = self._app.clock.now()
        return channel_type

    def _apply(self, channel_type: ChannelType, change: SettingsChange) -> None:
        config = channel_type.config
        for key in change.cleared:
            config.pop(key, None)
        config.update(change.config)
        if config.get("blocklist") and "blocklist_behavior" not in config:
            config["blocklist_behavior"] = "flag"
        if change.commands is not None:
            channel_type.commands, channel_type.all_commands = change.commands
        if change.grants is None:
            channel_type.grants = default_grants(channel_type.name)
        elif change.grants is not UNSET:
            channel_type.grants = self._app.access.merge_grants(channel_type.grants, change.grants)
        if change.permissions is not None:
            channel_type.permissions = change.permissions

    def delete(self, name: str) -> None:
        """Delete a type; refused (400/4) while non-deleted channels of the type exist.

        Built-in types may be deleted like custom ones (endpoints §4.5 recommends this; the
        models file chooses the opposite, but the endpoint contract is the more specific
        source). Soft-deleted channels do not block (§13.15): the chat core's
        ``channel_count_of_type(name)`` counts live channels only.
        """
        self.require(name)
        count = self._app.chat.channel_count_of_type(name)
        if count:
            raise input_error(
                f"channel type {name} cannot be deleted while {count} channel(s) of this type exist; delete them first"
            )
        del self.by_name[name]

    def forget_blocklist(self, blocklist: str) -> None:
        """Remove every reference to a deleted blocklist from the channel types."""
        for channel_type in self.by_name.values():
            config = channel_type.config
            if config.get("blocklist") == blocklist:
                config.pop("blocklist", None)
                config.pop("blocklist_behavior", None)
            entries = config.get("blocklists")
            if entries:
                kept = [entry for entry in entries if entry.get("blocklist") != blocklist]
                if kept:
                    config["blocklists"] = kept
                else:
                    config.pop("blocklists", None)
