"""Users: the stored record, its wire renderings, and lookups other areas rely on.

Operations on users (upsert, partial update, query, delete, ...) live in
``fake_server.domain.user_ops``; this module only holds the records and the renderings
(embedded user, full user / OwnUser) every area shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import input_error, not_found
from fake_server.domain.ids import check_user_id
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.moderation import BanRecord

# Keys of a user object that are built-in fields; everything else is custom data.
RESERVED_USER_FIELDS = frozenset(
    {
        "id", "role", "teams", "teams_role", "created_at", "updated_at", "last_active",
        "online", "banned", "ban_expires", "shadow_banned", "deactivated_at", "deleted_at",
        "invisible", "language", "privacy_settings", "push_notifications",
        "revoke_tokens_issued_before", "blocked_user_ids", "devices", "mutes",
        "channel_mutes", "unread_count", "total_unread_count", "unread_channels",
        "unread_threads", "latest_hidden_channels", "avg_response_time",
    }
)

# Built-in user-level roles (models §9.1). Channel-level built-ins (channel_member,
# channel_moderator) cannot be used as a user's role.
BUILTIN_USER_ROLES = frozenset(
    {"user", "admin", "moderator", "guest", "anonymous", "global_moderator", "global_admin"}
)


@dataclass(slots=True)
class User:
    id: str
    created_at: datetime
    updated_at: datetime
    role: str = "user"
    teams: list[str] = field(default_factory=list)
    teams_role: dict[str, str] | None = None
    language: str = ""
    invisible: bool = False
    last_active: datetime | None = None
    deactivated_at: datetime | None = None
    deleted_at: datetime | None = None
    # How the user was deleted while ``deleted_at`` is set: "soft" or "pruning".
    delete_type: str | None = None
    revoke_tokens_issued_before: datetime | None = None
    privacy_settings: dict[str, Any] | None = None
    push_notifications: dict[str, Any] | None = None
    blocked_user_ids: list[str] = field(default_factory=list)
    # Custom data, flattened on the wire; ``name`` and ``image`` live here too.
    custom: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str | None:
        value = self.custom.get("name")
        return value if isinstance(value, str) else None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What remains of a hard-deleted user: enough to render old messages' authors."""

    id: str
    role: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime


# The fields a write path may change without bumping ``updated_at`` (see ``UserDirectory.render``).
_RENDER_STAMP = attrgetter("updated_at", "deactivated_at", "deleted_at", "last_active", "revoke_tokens_issued_before")


class UserDirectory:
    """All users of one app plus the lookups every other area needs."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        # Every stored user, including soft-deleted ones (hard-deleted users are removed).
        self.by_id: dict[str, User] = {}
        self.tombstones: dict[str, Tombstone] = {}
        # Per-request memo of renderings (see ``render``); None outside a request.
        self.memo: dict[str, tuple[User, tuple[Any, ...], dict[str, Any]]] | None = None

    # -- lookups -------------------------------------------------------------------------

    def get(self, user_id: str) -> User | None:
        """A live (not soft-deleted) user, or None."""
        user = self.by_id.get(user_id)
        if user is None or user.deleted_at is not None:
            return None
        return user

    def require(self, user_id: object, *, field: str = "user_id") -> User:
        """A live user named by a route or a primary reference: 404/16 when unknown."""
        if not isinstance(user_id, str) or not user_id:
            raise input_error(f"{field} is a required field", **{field: "is required"})
        user = self.get(user_id)
        if user is None:
            raise not_found(f"user {user_id} does not exist")
        return user

    def require_reference(self, user_id: object, *, field: str = "user_id") -> User:
        """A live user referenced from a request body: 400/4 when unknown."""
        if not isinstance(user_id, str) or not user_id:
            raise input_error(f"{field} is a required field", **{field: "is required"})
        user = self.get(user_id)
        if user is None:
            raise input_error(f"the user {user_id} does not exist", **{field: "does not exist"})
        return user

    def live(self) -> Iterator[User]:
        """Every user that is not deleted (deactivated users included)."""
        return (user for user in self.by_id.values() if user.deleted_at is None)

    def any_with_role(self, role: str) -> bool:
        """Whether a non-deleted user has ``role`` as user-level role (role deletion guard)."""
        return any(user.role == role for user in self.live())

    def role_exists(self, role: str) -> bool:
        """Whether ``role`` names a user-level role: a built-in one or a custom role
        (custom roles are kept by the roles area, ``app.access``)."""
        return role in BUILTIN_USER_ROLES or self._app.access.exists(role)

    def ensure(self, user_object: dict[str, Any], *, field: str = "user") -> User:
        """The user named by an object-form acting user, created on the fly when unknown.

        The live service creates unknown authors/creators given as objects (role ``user``);
        extra keys of the object are applied as the new user's data only on creation.
        """
        raw_id = user_object.get("id")
        # A stored user's id was validated when it was created.
        existing = self.by_id.get(raw_id) if isinstance(raw_id, str) else None
        user_id = existing.id if existing is not None else check_user_id(raw_id, f"{field}.id")
        if existing is not None:
            if existing.deleted_at is not None:
                raise input_error(f"user {user_id} was deleted", **{field: "deleted"})
            return existing
        now = self._app.clock.now()
        user = User(id=user_id, created_at=now, updated_at=now)
        for key, value in user_object.items():
            if key not in RESERVED_USER_FIELDS and value is not None:
                user.custom[key] = value
        self.by_id[user_id] = user
        self.tombstones.pop(user_id, None)
        self._app.emit("user.updated", user=self.render(user))
        return user

    # -- storage -------------------------------------------------------------------------

    def store(self, user: User) -> None:
        """Insert or replace a record (a re-created hard-deleted id loses its tombstone)."""
        self.by_id[user.id] = user
        self.tombstones.pop(user.id, None)

    def remove(self, user: User, *, deleted_at: datetime) -> None:
        """Hard-delete: forget the record, keep a tombstone for old references."""
        self.by_id.pop(user.id, None)
        self.tombstones[user.id] = Tombstone(
            id=user.id,
            role=user.role,
            created_at=user.created_at,
            updated_at=user.updated_at,
            deleted_at=deleted_at,
        )

    # -- rendering -----------------------------------------------------------------------

    def render(self, user: User) -> dict[str, Any]:
        """The user as embedded everywhere (the full field set; a superset is harmless).

        While a request is being served the rendering is memoised: a large response embeds
        the same few users hundreds of times. The memo key holds every field a write path
        changes without bumping ``updated_at``, and callers get a copy they may extend.
        """
        return dict(self._memoized(user))

    def _memoized(self, user: User) -> dict[str, Any]:
        app = self._app
        ban = app.active_ban(user.id) if app.bans else None
        memo = self.memo
        if memo is None:
            return self._render(user, ban)
        key = (_RENDER_STAMP(user), None if ban is None else (ban.shadow, ban.expires))
        hit = memo.get(user.id)
        if hit is None or hit[0] is not user or hit[1] != key:
            hit = (user, key, self._render(user, ban))
            memo[user.id] = hit
        return hit[2]

    def embed_id(self, user_id: str) -> dict[str, Any]:
        """Like ``render_id``, for embedding in a response or event that is encoded as is:
        during a request every embedding of a user shares one rendering, which callers must
        not modify (replace it instead)."""
        user = self.by_id.get(user_id)
        if user is not None:
            return self._memoized(user)
        return self.render_id(user_id)

    def _render(self, user: User, ban: BanRecord | None) -> dict[str, Any]:
        out: dict[str, Any] = {
            **user.custom,
            "id": user.id,
            "role": user.role,
            "language": user.language,
            "teams": list(user.teams),
            "created_at": format_time(user.created_at),
            "updated_at": format_time(user.updated_at),
            "banned": ban is not None and not ban.shadow,
            "online": False,
            "shadow_banned": ban is not None and ban.shadow,
            "invisible": user.invisible,
            "blocked_user_ids": list(user.blocked_user_ids),
        }
        if ban is not None and ban.expires is not None and not ban.shadow:
            out["ban_expires"] = format_time(ban.expires)
        if user.teams_role:
            out["teams_role"] = dict(user.teams_role)
        if user.last_active is not None:
            out["last_active"] = format_time(user.last_active)
        if user.deactivated_at is not None:
            out["deactivated_at"] = format_time(user.deactivated_at)
        if user.deleted_at is not None:
            out["deleted_at"] = format_time(user.deleted_at)
        if user.revoke_tokens_issued_before is not None:
            out["revoke_tokens_issued_before"] = format_time(user.revoke_tokens_issued_before)
        if user.privacy_settings is not None:
            out["privacy_settings"] = user.privacy_settings
        if user.push_notifications is not None:
            out["push_notifications"] = user.push_notifications
        return out

    def render_full(self, user: User) -> dict[str, Any]:
        """The "full user" / OwnUser (models §1.2-§1.3): the user plus devices, mutes,
        channel mutes and unread counters (query users, upsert, partial update, guest)."""
        app = self._app
        out = self.render(user)
        out["devices"] = app.push.devices_of(user.id)
        out["mutes"] = self._mutes(user.id)
        out["channel_mutes"] = app.chat.user_channel_mutes(user.id)
        out.update(app.chat.unread_totals(user.id))
        out["latest_hidden_channels"] = []
        return out

    def render_id(self, user_id: str) -> dict[str, Any]:
        """Render a user by id; a user that no longer exists renders as a bare deleted stub."""
        user = self.by_id.get(user_id)
        if user is not None:
            return self.render(user)
        tomb = self.tombstones.get(user_id)
        if tomb is not None:
            # models §1.1: a hard-deleted user embedded in old data keeps only these keys.
            return {
                "id": tomb.id,
                "role": tomb.role,
                "created_at": format_time(tomb.created_at),
                "updated_at": format_time(tomb.updated_at),
                "banned": False,
                "online": False,
                "deleted_at": format_time(tomb.deleted_at),
            }
        return {"id": user_id, "role": "user", "banned": False, "online": False, "deleted_at": None}

    def _mutes(self, user_id: str) -> list[dict[str, Any]]:
        app = self._app
        now = app.clock.peek()
        mutes = [
            mute
            for (muter, _), mute in app.user_mutes.items()
            if muter == user_id and mute.active(now)
        ]
        mutes.sort(key=lambda mute: (mute.created_at, mute.target_id))
        owner = self.render_id(user_id)
        rendered: list[dict[str, Any]] = []
        for mute in mutes:
            item: dict[str, Any] = {
                "user": owner,
                "target": self.render_id(mute.target_id),
                "created_at": format_time(mute.created_at),
                "updated_at": format_time(mute.updated_at),
            }
            if mute.expires is not None:
                item["expires"] = format_time(mute.expires)
            rendered.append(item)
        return rendered
