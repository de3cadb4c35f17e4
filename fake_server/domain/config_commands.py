"""Slash commands: the built-ins and the app's custom commands (endpoints-users-app §5).

``CommandRegistry`` stores the custom commands of one app; the operations that need the rest
of the app (a command may not be deleted while a channel type lists it) are the functions at
the bottom.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.config_validation import as_required_str, as_str
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.ids import NAME
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

BUILTIN_COMMANDS: dict[str, dict[str, str]] = {
    "giphy": {"name": "giphy", "description": "Post a random gif to the channel", "args": "[text]", "set": "fun_set"},
    "ban": {"name": "ban", "description": "Ban a user", "args": "[@username] [text]", "set": "moderation_set"},
    "unban": {"name": "unban", "description": "Unban a user", "args": "[@username]", "set": "moderation_set"},
    "mute": {"name": "mute", "description": "Mute a user", "args": "[@username]", "set": "moderation_set"},
    "unmute": {"name": "unmute", "description": "Unmute a user", "args": "[@username]", "set": "moderation_set"},
}

# "all" in a channel type's command list means every command, built-in and custom.
ALL_COMMANDS = "all"
MAX_FIELD = 255


@dataclass(slots=True)
class Command:
    name: str
    description: str
    args: str
    set: str
    created_at: datetime
    updated_at: datetime

    def render(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "args": self.args,
            "set": self.set,
            "created_at": format_time(self.created_at),
            "updated_at": format_time(self.updated_at),
        }


class CommandRegistry:
    """Custom slash commands of one app (built-ins live in BUILTIN_COMMANDS)."""

    def __init__(self) -> None:
        self.custom: dict[str, Command] = {}

    def get(self, name: str) -> dict[str, Any] | None:
        """The Command object named ``name`` as rendered on the wire, or None."""
        builtin = BUILTIN_COMMANDS.get(name)
        if builtin is not None:
            return dict(builtin)
        command = self.custom.get(name)
        return command.render() if command is not None else None

    def exists(self, name: str) -> bool:
        return name in BUILTIN_COMMANDS or name in self.custom

    def names(self) -> list[str]:
        """Every command name: built-ins first, then custom commands by name."""
        return [*BUILTIN_COMMANDS, *sorted(self.custom)]

    def set_members(self, set_name: str) -> list[str]:
        """Names of the commands (built-in or custom) whose ``set`` is ``set_name``."""
        builtin = [name for name, command in BUILTIN_COMMANDS.items() if command["set"] == set_name]
        custom = [name for name in sorted(self.custom) if self.custom[name].set == set_name]
        return builtin + custom

    def expand(self, names: list[str], field: str = "commands", *, strict: bool = True) -> tuple[list[str], bool]:
        """Resolve a channel-type command list into ``(explicit names, uses "all")``.

        ``"all"`` stands for every command (kept symbolic, so commands created later are
        included too); a set name (``fun_set``, ``moderation_set``, or the ``set`` of custom
        commands) expands to its current members (choice, endpoints §13.14). Unknown names are
        400/4 when ``strict``, skipped otherwise.
        """
        explicit: list[str] = []
        uses_all = False
        for name in names:
            if name == ALL_COMMANDS:
                uses_all = True
            elif self.exists(name):
                explicit.append(name)
            elif members := self.set_members(name):
                explicit.extend(members)
            elif strict:
                raise input_error(f'{field}: command "{name}" does not exist', **{field: "unknown command"})
        return list(dict.fromkeys(explicit)), uses_all


# -- operations ----------------------------------------------------------------------------------


def create_command(app: ChatApp, body: dict[str, Any]) -> Command:
    name = as_required_str(body.get("name"), "name", max_length=MAX_FIELD)
    if not NAME.match(name):
        raise input_error(f'command name "{name}" is invalid: use letters, digits, "_" and "-"', name="invalid")
    if app.commands.exists(name):
        raise input_error(f'command "{name}" already exists', name="already exists")
    description = as_required_str(body.get("description"), "description", max_length=MAX_FIELD)
    now = app.clock.now()
    command = Command(
        name=name,
        description=description,
        args=_optional(body, "args"),
        set=_optional(body, "set"),
        created_at=now,
        updated_at=now,
    )
    app.commands.custom[name] = command
    return command


def require_command(app: ChatApp, name: str) -> dict[str, Any]:
    found = app.commands.get(name)
    if found is None:
        raise not_found(f'command "{name}" does not exist')
    return found


def update_command(app: ChatApp, name: str, body: dict[str, Any]) -> Command:
    """Only ``description``, ``args`` and ``set`` change, each when present (§5.4)."""
    if name in BUILTIN_COMMANDS:
        raise input_error(f'command "{name}" is built-in and cannot be modified')
    command = app.commands.custom.get(name)
    if command is None:
        raise not_found(f'command "{name}" does not exist')
    description = command.description
    if body.get("description") is not None:
        description = as_required_str(body["description"], "description", max_length=MAX_FIELD)
    args = _optional(body, "args", command.args)
    set_name = _optional(body, "set", command.set)
    command.description, command.args, command.set = description, args, set_name
    command.updated_at = app.clock.now()
    return command


def delete_command(app: ChatApp, name: str) -> None:
    if name in BUILTIN_COMMANDS:
        raise input_error(f'command "{name}" is built-in and cannot be deleted')
    if name not in app.commands.custom:
        raise not_found(f'command "{name}" does not exist')
    users = app.channel_types.types_listing_command(name)
    if users:
        raise input_error(
            f'command "{name}" is used by channel types {", ".join(users)}; remove it from them first'
        )
    del app.commands.custom[name]


def _optional(body: dict[str, Any], key: str, default: str = "") -> str:
    value = body.get(key)
    return default if value is None else as_str(value, key, max_length=MAX_FIELD)
