"""Roles, permissions and grants of an app, and the permission check other areas call.

Public API for other areas (all under ``app.access``; call with ``app.lock`` held):

``allowed(role, channel_role, scope, permission, *, owner=False, same_team=True, modifiers=None) -> bool``
    Whether a *user-authenticated* request may perform ``permission`` in ``scope``.
    ``role`` is the user's app-level role (``user.role``); ``channel_role`` the caller's
    membership role in the channel (``"channel_member"``, ``"channel_moderator"``, a custom
    role) or ``None`` when not a member / for app-level checks; ``scope`` is the channel type
    name, or ``".app"`` (``APP_SCOPE``) for app-level actions such as ``search-user``,
    ``mute-user``, ``flag-user``, ``update-user-owner``. ``permission`` is a base permission id
    (``"create-message"``, ``"read-channel"``) or an action name (``"CreateMessage"``).
    ``owner`` says whether the subject owns the resource (its own message/reaction/attachment,
    a channel it created, its own user object); ``same_team`` whether subject and resource
    share a team (only consulted when the app has ``multi_tenant_enabled``). ``modifiers`` are
    a channel's ``config_overrides.grants`` (``{role: ["id", "!id"]}``: add / revoke).
    The request is allowed when a permission granted to ``role`` or ``channel_role`` in the
    scope (after modifiers) has the wanted action and its ``owner`` requirement (``*-owner``
    ids need ``owner=True``) and, in multi-tenant apps, its ``same_team`` requirement
    (``*-any-team`` ids waive it) are met. ``disable_permissions_checks`` makes it always
    true. Server-side requests must not call it (they bypass permission checks). Custom
    permissions take part by their ``action``/``owner``/``same_team``; their ``condition`` is
    validated on write but not evaluated (choice).

``grants_for(scope) -> dict[str, list[str]]``
    A copy of the grants of ``scope`` (``".app"`` or a channel type; ``{}`` if unknown).

``granted_ids(scope, roles, modifiers=None) -> set[str]``
    The permission ids the given roles hold in ``scope`` after channel modifiers.

``is_user_role(name)`` / ``is_channel_role(name)`` / ``role_exists(name)``
    Whether ``name`` may be used as a user's ``role`` (built-in user-level or custom), as a
    member's ``channel_role`` (built-in channel-level or custom), or at all.

``validate_grant_modifiers(value, field) -> dict[str, list[str]]``
    Validates a channel's ``config_overrides.grants`` (400/4 on unknown roles/permissions).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.config_permission_catalogue import (
    ACTIONS,
    APP_LEVEL_ACTIONS,
    BUILTIN_PERMISSIONS,
    Permission,
    split_id,
)
from fake_server.domain.config_validation import (
    as_bool,
    as_enum,
    as_object,
    as_required_str,
    as_str,
    as_str_list,
    dedupe,
)
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.grants_defaults import APP_SCOPE, default_grants
from fake_server.domain.ids import NAME
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

__all__ = ["APP_SCOPE", "AccessControl", "Permission", "Role"]

USER_LEVEL_ROLES = ("admin", "moderator", "user", "guest", "anonymous", "global_moderator", "global_admin")
CHANNEL_LEVEL_ROLES = ("channel_member", "channel_moderator")
BUILTIN_ROLES = (*USER_LEVEL_ROLES, *CHANNEL_LEVEL_ROLES)

MAX_CUSTOM_ROLES = 25
MAX_ROLE_NAME = 64
MAX_PERMISSION_ID = 255
MAX_PERMISSION_NAME = 100
MAX_PERMISSION_DESCRIPTION = 2048


@dataclass(slots=True)
class Role:
    name: str
    custom: bool
    created_at: datetime
    updated_at: datetime


class AccessControl:
    """Roles (built-in and custom), permissions (built-in catalogue and custom), app grants."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.custom_roles: dict[str, Role] = {}
        self.custom_permissions: dict[str, Permission] = {}
        # Grants of the ".app" scope; channel-type scopes live on the channel types.
        self.app_grants: dict[str, list[str]] = default_grants(APP_SCOPE)

    # -- roles ---------------------------------------------------------------------------------

    def role_exists(self, name: str) -> bool:
        return name in BUILTIN_ROLES or name in self.custom_roles

    def exists(self, name: str) -> bool:
        """Alias used by the users area (``UserDirectory.role_exists``): a custom role exists."""
        return name in self.custom_roles

    def is_user_role(self, name: str) -> bool:
        return name in USER_LEVEL_ROLES or name in self.custom_roles

    def is_channel_role(self, name: str) -> bool:
        return name in CHANNEL_LEVEL_ROLES or name in self.custom_roles

    def roles(self) -> list[Role]:
        """Built-ins, then custom roles by creation time (endpoints §0.8)."""
        created = self._app.created_at
        builtin = [Role(name, False, created, created) for name in BUILTIN_ROLES]
        return builtin + sorted(self.custom_roles.values(), key=lambda r: r.created_at)

    def render_role(self, role: Role) -> dict[str, Any]:
        return {
            "name": role.name,
            "custom": role.custom,
            "scopes": self.scopes_of(role.name),
            "created_at": format_time(role.created_at),
            "updated_at": format_time(role.updated_at),
        }

    def scopes_of(self, role: str) -> list[str]:
        """The scopes where ``role`` currently holds at least one grant (``.app`` first)."""
        scopes = [APP_SCOPE] if self.app_grants.get(role) else []
        types = self._app.channel_types.by_name
        scopes.extend(sorted(name for name, ct in types.items() if ct.grants.get(role)))
        return scopes

    def create_role(self, name: object) -> Role:
        text = as_required_str(name, "name")
        if len(text) > MAX_ROLE_NAME or not NAME.match(text):
            raise input_error(
                f'role name "{text}" is invalid: use letters, digits, "_" and "-" (at most {MAX_ROLE_NAME} characters)',
                name="invalid",
            )
        if self.role_exists(text):
            raise input_error(f'role "{text}" already exists', name="already exists")
        if len(self.custom_roles) >= MAX_CUSTOM_ROLES:
            raise input_error(f"an app can have at most {MAX_CUSTOM_ROLES} custom roles")
        now = self._app.clock.now()
        role = Role(text, True, now, now)
        self.custom_roles[text] = role
        return role

    def delete_role(self, name: str) -> None:
        if name in BUILTIN_ROLES:
            raise input_error(f'role "{name}" is a built-in role and cannot be deleted')
        if name not in self.custom_roles:
            raise not_found(f'role "{name}" does not exist')
        scopes = self.scopes_of(name)
        if scopes:
            raise input_error(
                f'role "{name}" still has grants in scopes {", ".join(scopes)}; remove them first'
            )
        for user in self._app.users.by_id.values():
            if user.deleted_at is not None:
                continue
            if user.role == name or name in (user.teams_role or {}).values():
                raise input_error(f'role "{name}" is still assigned to user "{user.id}"')
        del self.custom_roles[name]
        # Forget the role's empty grant lists (channel-member roles may be deleted while in use;
        # members silently lose the role's grants, which are empty by now anyway).
        self.app_grants.pop(name, None)
        for channel_type in self._app.channel_types.by_name.values():
            channel_type.grants.pop(name, None)

    # -- permissions -----------------------------------------------------------------------------

    def permission(self, permission_id: str) -> Permission | None:
        return BUILTIN_PERMISSIONS.get(permission_id) or self.custom_permissions.get(permission_id)

    def require_permission(self, permission_id: str) -> Permission:
        found = self.permission(permission_id)
        if found is None:
            raise not_found(f'permission "{permission_id}" does not exist')
        return found

    def permissions(self) -> list[Permission]:
        """Every permission, ordered by id (endpoints §0.8)."""
        merged = {**BUILTIN_PERMISSIONS, **self.custom_permissions}
        return [merged[key] for key in sorted(merged)]

    def create_permission(self, body: dict[str, Any]) -> Permission:
        permission_id = as_required_str(body.get("id"), "id", max_length=MAX_PERMISSION_ID)
        if not NAME.match(permission_id):
            raise input_error(
                f'permission id "{permission_id}" is invalid: use letters, digits, "_" and "-"', id="invalid"
            )
        if self.permission(permission_id) is not None:
            raise input_error(f'permission "{permission_id}" already exists', id="already exists")
        permission = Permission(
            id=permission_id, name="", action="", owner=False, same_team=False, level="channel",
            custom=True,
        )
        self._apply_permission_body(permission, body)
        self.custom_permissions[permission_id] = permission
        return permission

    def update_permission(self, permission_id: str, body: dict[str, Any]) -> Permission:
        if permission_id in BUILTIN_PERMISSIONS:
            raise input_error(f'permission "{permission_id}" is built-in and cannot be updated')
        permission = self.custom_permissions.get(permission_id)
        if permission is None:
            raise not_found(f'permission "{permission_id}" does not exist')
        # Validate on a copy so a rejected update changes nothing.
        candidate = dataclasses.replace(permission)
        self._apply_permission_body(candidate, body)
        self.custom_permissions[permission_id] = candidate
        return candidate

    def delete_permission(self, permission_id: str) -> None:
        if permission_id in BUILTIN_PERMISSIONS:
            raise input_error(f'permission "{permission_id}" is built-in and cannot be deleted')
        if permission_id not in self.custom_permissions:
            raise not_found(f'permission "{permission_id}" does not exist')
        # Choice (unspecified): like roles, a permission still granted somewhere cannot go.
        for scope, grants in self._all_scopes():
            for role, ids in grants.items():
                if permission_id in ids:
                    raise input_error(
                        f'permission "{permission_id}" is still granted to role "{role}" in scope {scope}'
                    )
        del self.custom_permissions[permission_id]

    def _apply_permission_body(self, permission: Permission, body: dict[str, Any]) -> None:
        """Set the writable fields: ``name``, ``action``, ``condition`` required (§6.4)."""
        permission.name = as_required_str(body.get("name"), "name", max_length=MAX_PERMISSION_NAME)
        permission.action = as_enum(body.get("action"), "action", sorted(ACTIONS))
        permission.level = "app" if permission.action in APP_LEVEL_ACTIONS else "channel"
        condition = body.get("condition")
        if condition is None:
            raise input_error('field "condition" is required', condition="is required")
        permission.condition = _validate_condition(condition)
        if body.get("description") is not None:
            permission.description = as_str(body["description"], "description", max_length=MAX_PERMISSION_DESCRIPTION)
        if body.get("owner") is not None:
            permission.owner = as_bool(body["owner"], "owner")
        if body.get("same_team") is not None:
            permission.same_team = as_bool(body["same_team"], "same_team")
        if body.get("tags") is not None:
            permission.tags = as_str_list(body["tags"], "tags")

    # -- grants ----------------------------------------------------------------------------------

    def _all_scopes(self) -> list[tuple[str, dict[str, list[str]]]]:
        scopes: list[tuple[str, dict[str, list[str]]]] = [(APP_SCOPE, self.app_grants)]
        scopes.extend((name, ct.grants) for name, ct in self._app.channel_types.by_name.items())
        return scopes

    def grants_for(self, scope: str) -> dict[str, list[str]]:
        if scope == APP_SCOPE:
            source = self.app_grants
        else:
            channel_type = self._app.channel_types.get(scope)
            source = channel_type.grants if channel_type is not None else {}
        return {role: list(ids) for role, ids in source.items()}

    def validate_grants(self, value: object, field: str = "grants") -> dict[str, list[str]]:
        """A grants map ``role -> [permission id]``: roles and permissions must exist (400/4)."""
        grants = as_object(value, field)
        out: dict[str, list[str]] = {}
        for role, ids in grants.items():
            if not self.role_exists(role):
                raise input_error(f'{field}: role "{role}" does not exist', **{field: "unknown role"})
            listed = [] if ids is None else as_str_list(ids, f"{field}.{role}")
            for permission_id in listed:
                if self.permission(permission_id) is None:
                    raise input_error(
                        f'{field}.{role}: permission "{permission_id}" does not exist',
                        **{field: "unknown permission"},
                    )
            out[role] = dedupe(listed)
        return out

    @staticmethod
    def merge_grants(current: dict[str, list[str]], changes: dict[str, list[str]]) -> dict[str, list[str]]:
        """Per-role merge (endpoints §4): roles in ``changes`` replace theirs, ``[]`` empties one."""
        merged = {role: list(ids) for role, ids in current.items()}
        for role, ids in changes.items():
            merged[role] = list(ids)
        return merged

    def update_app_grants(self, value: object) -> None:
        """``PATCH /app`` ``grants``: merge per role; ``null`` resets the scope to its defaults."""
        if value is None:
            self.app_grants = default_grants(APP_SCOPE)
        else:
            self.app_grants = self.merge_grants(self.app_grants, self.validate_grants(value))

    def validate_grant_modifiers(self, value: object, field: str = "config_overrides.grants") -> dict[str, list[str]]:
        """Channel-level grant modifiers ``{role: ["id", "!id"]}`` (models §7.2)."""
        modifiers = as_object(value, field)
        out: dict[str, list[str]] = {}
        for role, ids in modifiers.items():
            if not self.role_exists(role):
                raise input_error(f'{field}: role "{role}" does not exist', **{field: "unknown role"})
            listed = as_str_list(ids, f"{field}.{role}")
            for entry in listed:
                if self.permission(entry.removeprefix("!")) is None:
                    raise input_error(
                        f'{field}.{role}: permission "{entry.removeprefix("!")}" does not exist',
                        **{field: "unknown permission"},
                    )
            out[role] = dedupe(listed)
        return out

    # -- checks ----------------------------------------------------------------------------------

    def granted_ids(
        self,
        scope: str,
        roles: Iterable[str],
        modifiers: dict[str, list[str]] | None = None,
    ) -> set[str]:
        source = self.app_grants if scope == APP_SCOPE else self._scope_grants(scope)
        granted: set[str] = set()
        for role in roles:
            ids = set(source.get(role, ()))
            for entry in (modifiers or {}).get(role, ()):
                if entry.startswith("!"):
                    ids.discard(entry[1:])
                else:
                    ids.add(entry)
            granted |= ids
        return granted

    def _scope_grants(self, scope: str) -> dict[str, list[str]]:
        channel_type = self._app.channel_types.get(scope)
        return channel_type.grants if channel_type is not None else {}

    def allowed(
        self,
        role: str,
        channel_role: str | None,
        scope: str,
        permission: str,
        *,
        owner: bool = False,
        same_team: bool = True,
        modifiers: dict[str, list[str]] | None = None,
    ) -> bool:
        if self._app.settings.get("disable_permissions_checks"):
            return True
        action = self._action_of(permission)
        roles = [role] if channel_role is None else [role, channel_role]
        check_team = bool(self._app.settings.get("multi_tenant_enabled"))
        for permission_id in self.granted_ids(scope, roles, modifiers):
            granted = self.permission(permission_id)
            if granted is None or granted.action != action:
                continue
            if granted.owner and not owner:
                continue
            if check_team and granted.same_team and not same_team:
                continue
            return True
        return False

    def _action_of(self, permission: str) -> str:
        if permission in ACTIONS:
            return permission
        known = self.permission(permission)
        if known is not None:
            return known.action
        base, _, _ = split_id(permission)
        known = self.permission(base)
        if known is None:
            raise ValueError(f"unknown permission or action {permission!r}")
        return known.action


def _validate_condition(condition: object) -> dict[str, Any]:
    """A permission condition uses the filter syntax; ``$subject.x``/``$resource.x`` keys name
    attributes of the acting user / the resource (validated as ordinary fields)."""
    from fake_server.domain.query import MISSING, Schema, compile_filter

    document = as_object(condition, "condition")
    schema: Schema[object] = Schema(fields={}, custom_get=lambda _item, _key: MISSING, name="condition")
    compile_filter(schema, _strip_subject_prefixes(document))
    return document


def _strip_subject_prefixes(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            (key[1:] if key.startswith(("$subject.", "$resource.")) else key): _strip_subject_prefixes(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_strip_subject_prefixes(item) for item in value]
    return value
