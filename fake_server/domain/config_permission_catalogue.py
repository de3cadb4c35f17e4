"""The built-in permission catalogue (models §9.2, endpoints-users-app §6.1).

A permission id is a kebab-case action name with optional suffixes: ``-owner`` (the subject
must own the resource) and ``-any-team`` (multi-tenant: no same-team requirement). The
catalogue holds every base action below plus every variant some default grant uses, so each
id of ``grants_defaults`` resolves to a Permission.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fake_server.domain.grants_defaults import all_default_permission_ids

OWNER_SUFFIX = "-owner"
ANY_TEAM_SUFFIX = "-any-team"


@dataclass(slots=True)
class Permission:
    id: str
    name: str
    action: str
    owner: bool
    same_team: bool
    level: str
    description: str = ""
    custom: bool = False
    tags: list[str] = field(default_factory=list)
    condition: dict[str, Any] | None = None

    def render(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "description": self.description,
            "action": self.action,
            "owner": self.owner,
            "same_team": self.same_team,
            "custom": self.custom,
            "level": self.level,
            "tags": list(self.tags),
        }
        if self.condition is not None:
            out["condition"] = self.condition
        return out


# base id -> (resource tag, level). Actions are the PascalCase of the base id.
# Level "app" for user/app-scope actions (endpoints §6.1); ``ban-user`` is granted in channel
# scopes by the defaults, so it is kept at channel level (choice: the spec's "app variant" of
# ban-user has no separate id).
_BASE: dict[str, tuple[str, str]] = {
    # channel
    "add-links": ("channel", "channel"),
    "add-own-channel-membership": ("channel", "channel"),
    "ban-channel-member": ("channel", "channel"),
    "create-channel": ("channel", "channel"),
    "create-distinct-channel-for-others": ("channel", "channel"),
    "create-message": ("channel", "channel"),
    "create-attachment": ("channel", "channel"),
    "create-mention": ("channel", "channel"),
    "create-reaction": ("channel", "channel"),
    "create-system-message": ("channel", "channel"),
    "delete-channel": ("channel", "channel"),
    "delete-reaction": ("channel", "channel"),
    "flag-message": ("channel", "channel"),
    "mute-channel": ("channel", "channel"),
    "pin-message": ("channel", "channel"),
    "read-channel": ("channel", "channel"),
    "read-channel-members": ("channel", "channel"),
    "read-message-flags": ("channel", "channel"),
    "recreate-channel": ("channel", "channel"),
    "remove-own-channel-membership": ("channel", "channel"),
    "send-custom-event": ("channel", "channel"),
    "skip-channel-cooldown": ("channel", "channel"),
    "skip-message-moderation": ("channel", "channel"),
    "truncate-channel": ("channel", "channel"),
    "update-channel": ("channel", "channel"),
    "update-channel-cooldown": ("channel", "channel"),
    "update-channel-frozen": ("channel", "channel"),
    "update-channel-members": ("channel", "channel"),
    "upload-attachment": ("channel", "channel"),
    "use-frozen-channel": ("channel", "channel"),
    # message
    "delete-message": ("message", "channel"),
    "run-message-action": ("message", "channel"),
    "unblock-message": ("message", "channel"),
    "update-message": ("message", "channel"),
    # attachment
    "delete-attachment": ("attachment", "channel"),
    # user
    "ban-user": ("user", "channel"),
    "flag-user": ("user", "app"),
    "mute-user": ("user", "app"),
    "search-user": ("user", "app"),
    "update-user": ("user", "app"),
    "update-user-role": ("user", "app"),
    "update-user-teams": ("user", "app"),
    "read-disabled-channel": ("user", "channel"),
    "create-restricted-visibility-message": ("user", "channel"),
    "read-restricted-visibility-message": ("user", "channel"),
    # flag reports
    "read-flag-reports": ("flag_report", "app"),
    "update-flag-report": ("flag_report", "app"),
    # video calls (present in the default grants of models §9.3)
    "create-call": ("call", "channel"),
    "join-call": ("call", "channel"),
}


def action_of(base_id: str) -> str:
    return "".join(part.capitalize() for part in base_id.split("-"))


ACTIONS: frozenset[str] = frozenset(action_of(base) for base in _BASE)
# Actions whose permissions live at app level (used for the level of custom permissions too).
APP_LEVEL_ACTIONS: frozenset[str] = frozenset(
    action_of(base) for base, (_, level) in _BASE.items() if level == "app"
)


def split_id(permission_id: str) -> tuple[str, bool, bool]:
    """``(base id, owner, same_team)`` of a built-in style permission id."""
    base = permission_id
    same_team = True
    owner = False
    if base.endswith(ANY_TEAM_SUFFIX):
        base = base[: -len(ANY_TEAM_SUFFIX)]
        same_team = False
    if base.endswith(OWNER_SUFFIX):
        base = base[: -len(OWNER_SUFFIX)]
        owner = True
    return base, owner, same_team


def _label(base: str) -> str:
    return " ".join(part.capitalize() for part in base.split("-"))


def _builtin(permission_id: str) -> Permission:
    base, owner, same_team = split_id(permission_id)
    resource, level = _BASE[base]
    name = _label(base)
    description = f"Allows the {action_of(base)} action on a {resource.replace('_', ' ')}"
    if owner:
        name += " (Owner)"
        description += " the subject owns"
    if not same_team:
        name += " (Any Team)"
        description += ", across teams"
    return Permission(
        id=permission_id,
        name=name,
        action=action_of(base),
        owner=owner,
        same_team=same_team,
        level=level,
        description=description,
        custom=False,
        tags=[resource],
    )


def _catalogue() -> dict[str, Permission]:
    ids = set(_BASE) | all_default_permission_ids()
    return {pid: _builtin(pid) for pid in sorted(ids)}


BUILTIN_PERMISSIONS: dict[str, Permission] = _catalogue()
