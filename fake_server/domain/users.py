"""Users: the stored record, its wire rendering, and lookups other areas rely on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import input_error, not_found
from fake_server.domain.ids import check_user_id
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

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


class UserDirectory:
    """All users of one app plus the lookups every other area needs."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.by_id: dict[str, User] = {}

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

    def ensure(self, user_object: dict[str, Any], *, field: str = "user") -> User:
        """The user named by an object-form acting user, created on the fly when unknown.

        The live service creates unknown authors/creators given as objects (role ``user``);
        extra keys of the object are applied as the new user's data only on creation.
        """
        user_id = check_user_id(user_object.get("id"), f"{field}.id")
        existing = self.by_id.get(user_id)
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
        self._app.emit("user.updated", user=self.render(user))
        return user

    # -- rendering -----------------------------------------------------------------------

    def render(self, user: User) -> dict[str, Any]:
        """The user as embedded everywhere (the full field set; a superset is harmless)."""
        app = self._app
        ban = app.active_ban(user.id)
        out: dict[str, Any] = dict(user.custom)
        out.update(
            id=user.id,
            role=user.role,
            language=user.language,
            teams=list(user.teams),
            created_at=format_time(user.created_at),
            updated_at=format_time(user.updated_at),
            banned=ban is not None and not ban.shadow,
            online=False,
            shadow_banned=ban is not None and ban.shadow,
            invisible=user.invisible,
            blocked_user_ids=list(user.blocked_user_ids),
        )
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

    def render_id(self, user_id: str) -> dict[str, Any]:
        """Render a user by id; a user that no longer exists renders as a bare deleted stub."""
        user = self.by_id.get(user_id)
        if user is not None:
            return self.render(user)
        return {"id": user_id, "role": "user", "banned": False, "online": False, "deleted_at": None}
