"""Default grants of every built-in scope (models §9.3, endpoints-users-app §6.6).

A scope is ``.app`` (app-level permissions) or the name of a channel type. Each scope maps a
role to the permission ids it is granted there. ``default_grants(scope)`` returns a fresh copy;
scopes without their own defaults (custom channel types) start from the ``messaging`` scope.

The tables follow models §9.3, which also lists the video-call permissions (``create-call``,
``join-call``); the ``.app`` rows of the multi-tenant roles come from endpoints-users-app §6.6.
"""

from __future__ import annotations

from collections.abc import Iterable

APP_SCOPE = ".app"

# -- helpers -----------------------------------------------------------------------------------


def _owner(ids: Iterable[str]) -> list[str]:
    return [f"{permission_id}-owner" for permission_id in ids]


def _minus(ids: Iterable[str], *removed: str) -> list[str]:
    drop = set(removed)
    return [permission_id for permission_id in ids if permission_id not in drop]


def _any_team(ids: Iterable[str]) -> list[str]:
    """The cross-team variant of a grant list for ``global_moderator``/``global_admin``.

    Choice (models §9.3 only says "the -any-team variants"): unrestricted ids get the
    ``-any-team`` suffix; ``*-owner`` ids stay as they are (ownership already scopes them).
    """
    return [i if i.endswith("-owner") else f"{i}-any-team" for i in ids]


# -- .app ----------------------------------------------------------------------------------------

_APP_USER = ["flag-user", "mute-user", "search-user", "update-user-owner"]
_APP_MODERATOR = [*_APP_USER, "read-flag-reports", "update-flag-report"]
_APP_GLOBAL = [
    "flag-user-any-team",
    "mute-user-any-team",
    "read-flag-reports-any-team",
    "search-user-any-team",
    "update-flag-report-any-team",
    "update-user-owner",
]

# -- messaging (also team; the template of custom channel types) ---------------------------------

_ADMIN = [
    "add-links", "ban-channel-member", "ban-user", "create-call", "create-channel",
    "create-message", "create-attachment", "create-mention", "create-reaction",
    "create-system-message", "delete-attachment", "delete-channel", "delete-message",
    "delete-reaction", "flag-message", "join-call", "mute-channel", "pin-message",
    "read-channel", "read-channel-members", "read-message-flags", "recreate-channel",
    "remove-own-channel-membership", "run-message-action", "send-custom-event",
    "skip-channel-cooldown", "skip-message-moderation", "truncate-channel", "unblock-message",
    "update-channel", "update-channel-cooldown", "update-channel-frozen",
    "update-channel-members", "update-message", "upload-attachment",
]
assert len(_ADMIN) == 35  # "the same 35" of models §9.3

_MESSAGING_MODERATOR = [
    {"delete-channel": "delete-channel-owner",
     "recreate-channel": "recreate-channel-owner",
     "truncate-channel": "truncate-channel-owner"}.get(i, i)
    for i in _ADMIN
]
_MESSAGING_MEMBER = [
    "add-links", "create-call", "create-message", "create-attachment", "create-mention",
    "create-reaction", "flag-message", "join-call", "mute-channel", "pin-message",
    "read-channel", "read-channel-members", "remove-own-channel-membership",
    "run-message-action", "send-custom-event", "upload-attachment",
]
_MESSAGING_CHANNEL_MODERATOR = [
    *_MESSAGING_MEMBER,
    "ban-channel-member", "create-system-message", "delete-attachment", "delete-message",
    "delete-reaction", "read-message-flags", "skip-channel-cooldown",
    "skip-message-moderation", "unblock-message", "update-channel", "update-channel-cooldown",
    "update-channel-frozen", "update-channel-members", "update-message",
]
_MESSAGING_USER = [
    "create-channel",
    *_owner([
        "add-links", "create-message", "create-attachment", "create-mention", "create-reaction",
        "delete-attachment", "delete-channel", "delete-message", "delete-reaction",
        "flag-message", "mute-channel", "pin-message", "read-channel-members", "read-channel",
        "recreate-channel", "remove-own-channel-membership", "run-message-action",
        "send-custom-event", "truncate-channel", "update-channel-members", "update-channel",
        "update-message", "upload-attachment",
    ]),
]

# -- livestream (no membership needed) -----------------------------------------------------------

_LIVESTREAM_MODERATOR = _minus(
    _ADMIN, "delete-channel", "recreate-channel", "remove-own-channel-membership",
    "truncate-channel", "update-channel", "update-channel-members",
)
_LIVESTREAM_USER = [
    "add-links", "create-channel", "create-message", "create-attachment", "create-mention",
    "create-reaction", "delete-attachment-owner", "delete-message-owner",
    "delete-reaction-owner", "flag-message", "join-call", "mute-channel", "pin-message-owner",
    "read-channel", "read-channel-members", "run-message-action", "send-custom-event",
    "update-message-owner", "upload-attachment",
]
_LIVESTREAM_CHANNEL_MODERATOR = [
    "ban-channel-member", "create-call", "create-system-message", "delete-attachment",
    "delete-message", "delete-reaction", "pin-message", "read-message-flags",
    "skip-channel-cooldown", "skip-message-moderation", "unblock-message",
    "update-channel-cooldown", "update-channel-frozen", "update-message",
]
_LIVESTREAM_GUEST = ["flag-message", "join-call", "mute-channel", "read-channel", "read-channel-members"]
_LIVESTREAM_ANONYMOUS = ["join-call", "read-channel", "read-channel-members"]

# -- gaming ----------------------------------------------------------------------------------------

_GAMING_MODERATOR = [*_minus(_LIVESTREAM_MODERATOR, "create-channel"), "remove-own-channel-membership"]
_GAMING_USER = _owner([
    "add-links", "create-message", "create-attachment", "create-mention", "create-reaction",
    "delete-attachment", "delete-message", "delete-reaction", "flag-message", "mute-channel",
    "read-channel-members", "read-channel", "remove-own-channel-membership",
    "run-message-action", "send-custom-event", "update-message", "upload-attachment",
])
_GAMING_MEMBER = _minus(_MESSAGING_MEMBER, "pin-message")
_GAMING_CHANNEL_MODERATOR = _minus(_MESSAGING_CHANNEL_MODERATOR, "update-channel", "update-channel-members")

# -- commerce ----------------------------------------------------------------------------------------

_COMMERCE_MODERATOR = _minus(
    _MESSAGING_MODERATOR, "delete-channel-owner", "recreate-channel-owner", "truncate-channel-owner"
)
_COMMERCE_USER = _owner([
    "add-links", "create-message", "create-attachment", "create-mention", "create-reaction",
    "delete-attachment", "delete-message", "delete-reaction", "flag-message", "mute-channel",
    "pin-message", "read-channel-members", "read-channel", "remove-own-channel-membership",
    "run-message-action", "send-custom-event", "update-channel-members", "update-message",
    "upload-attachment",
])
_COMMERCE_MEMBER = _minus(_MESSAGING_MEMBER, "pin-message")
_COMMERCE_GUEST = [
    "add-links", "create-channel", "delete-attachment-owner", "delete-message-owner",
    "delete-reaction-owner", "flag-message-owner", "mute-channel-owner", "pin-message-owner",
    "read-channel-members-owner", "read-channel-owner", "update-channel-members-owner",
    "update-message-owner", "upload-attachment",
]


def _channel_scope(
    *,
    admin: list[str],
    moderator: list[str],
    user: list[str],
    channel_member: list[str],
    channel_moderator: list[str],
    guest: list[str] | None = None,
    anonymous: list[str] | None = None,
) -> dict[str, list[str]]:
    scope = {
        "admin": admin,
        "moderator": moderator,
        "user": user,
        "channel_member": channel_member,
        "channel_moderator": channel_moderator,
        # Multi-tenant extras (models §9.3): cross-team variants of the admin/moderator lists.
        "global_admin": _any_team(admin),
        "global_moderator": _any_team(moderator),
    }
    if guest:
        scope["guest"] = guest
    if anonymous:
        scope["anonymous"] = anonymous
    return scope


_MESSAGING = _channel_scope(
    admin=_ADMIN,
    moderator=_MESSAGING_MODERATOR,
    user=_MESSAGING_USER,
    channel_member=_MESSAGING_MEMBER,
    channel_moderator=_MESSAGING_CHANNEL_MODERATOR,
)

DEFAULT_GRANTS: dict[str, dict[str, list[str]]] = {
    APP_SCOPE: {
        "admin": _APP_MODERATOR,
        "moderator": _APP_MODERATOR,
        "user": _APP_USER,
        "guest": _APP_USER,
        "global_admin": _APP_GLOBAL,
        "global_moderator": _APP_GLOBAL,
    },
    "messaging": _MESSAGING,
    "team": _MESSAGING,
    "livestream": _channel_scope(
        admin=_ADMIN,
        moderator=_LIVESTREAM_MODERATOR,
        user=_LIVESTREAM_USER,
        # No channel_member grants: access comes from the user-level role.
        channel_member=[],
        channel_moderator=_LIVESTREAM_CHANNEL_MODERATOR,
        guest=_LIVESTREAM_GUEST,
        anonymous=_LIVESTREAM_ANONYMOUS,
    ),
    "gaming": _channel_scope(
        admin=_ADMIN,
        moderator=_GAMING_MODERATOR,
        user=_GAMING_USER,
        channel_member=_GAMING_MEMBER,
        channel_moderator=_GAMING_CHANNEL_MODERATOR,
    ),
    "commerce": _channel_scope(
        admin=_ADMIN,
        moderator=_COMMERCE_MODERATOR,
        user=_COMMERCE_USER,
        channel_member=_COMMERCE_MEMBER,
        channel_moderator=_MESSAGING_CHANNEL_MODERATOR,
        guest=_COMMERCE_GUEST,
    ),
}
# Remove empty role lists so that a role only shows a scope where it really has grants.
for _scope in DEFAULT_GRANTS.values():
    for _role in [role for role, ids in _scope.items() if not ids]:
        del _scope[_role]

TEMPLATE_SCOPE = "messaging"


def default_grants(scope: str) -> dict[str, list[str]]:
    """A fresh copy of the default grants of ``scope`` (``messaging``'s for unknown scopes)."""
    table = DEFAULT_GRANTS.get(scope, DEFAULT_GRANTS[TEMPLATE_SCOPE])
    return {role: list(ids) for role, ids in table.items()}


def all_default_permission_ids() -> set[str]:
    """Every permission id some default grant uses (the catalogue must define all of them)."""
    return {pid for scope in DEFAULT_GRANTS.values() for ids in scope.values() for pid in ids}
