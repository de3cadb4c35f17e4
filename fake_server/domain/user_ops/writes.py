"""Writing users: upsert (§1.1), partial update (§1.2) and guest creation (§1.11).

Every batch is validated completely into *plans* before anything is written, so a failing
request leaves no trace (the batch is atomic). Existing records are updated in place so that
references held by other areas stay valid.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

import jwt

from fake_server.domain.errors import APIError, input_error, not_found
from fake_server.domain.ids import check_user_id, new_id
from fake_server.domain.timefmt import format_time, unix_seconds
from fake_server.domain.user_ops.fields import (
    COMPUTED_FIELDS,
    UserFields,
    normalize_username,
    parse_user_fields,
)
from fake_server.domain.users import User

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

MAX_USERS_PER_CALL: Final = 100

# Built-ins that an upsert without the key leaves untouched. The spec recommends keeping
# ``role`` and ``teams`` (§13.1); conventions §3.3 says built-in flags not present keep their
# value, which we apply to the remaining built-ins that are not display data, so that
# re-upserting a profile never silently drops a token revocation or privacy settings.
# ``name``, ``image``, ``language`` and custom data are replaced (removed when absent).
_KEPT_WHEN_ABSENT: Final = (
    "role", "teams", "teams_role", "invisible", "privacy_settings", "push_notifications",
    "revoke_tokens_issued_before",
)


@dataclass(slots=True)
class Plan:
    """The validated outcome for one user of a batch, applied only when all are valid."""

    user_id: str
    existing: User | None
    values: dict[str, Any] = field(default_factory=dict)

    def final(self, attribute: str) -> Any:
        if attribute in self.values:
            return self.values[attribute]
        if self.existing is not None:
            return getattr(self.existing, attribute)
        return getattr(_DEFAULTS, attribute)


_EPOCH: Final = datetime.fromtimestamp(0, UTC)
_DEFAULTS: Final = User(id="-", created_at=_EPOCH, updated_at=_EPOCH)


# -- upsert -------------------------------------------------------------------------------------


def upsert_users(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    users = body.get("users")
    if users is None:
        raise input_error("users is a required field", users="is required")
    if not isinstance(users, dict):
        raise input_error(
            'users must be an object mapping user ids to users, e.g. {"users": {"ann": {"id": "ann"}}}',
            users="must be an object",
        )
    if len(users) > MAX_USERS_PER_CALL:
        raise input_error(
            f"too many users: at most {MAX_USERS_PER_CALL} users can be upserted per call, got {len(users)}",
            users="too many users",
        )
    plans = [_plan_upsert(app, key, value) for key, value in users.items()]
    check_unique_usernames(app, plans)
    committed = commit(app, plans)
    return {"users": {user.id: app.users.render_full(user) for user in committed}}


def _plan_upsert(app: ChatApp, key: object, value: object, *, force_role: str | None = None) -> Plan:
    where = f"users.{key}"
    if not isinstance(value, dict):
        raise input_error(f"{where} must be a user object", users="invalid user")
    raw_id = value.get("id")
    user_id = check_user_id(key if raw_id is None else raw_id, "id")
    if user_id != key:
        raise input_error(
            f'user id "{user_id}" does not match its key "{key}" in the users map',
            id="does not match the map key",
        )
    existing = app.users.by_id.get(user_id)
    if existing is not None and existing.deleted_at is not None:
        raise input_error(
            f"user {user_id} was deleted; restore it with restore_users before upserting it",
            id="user was deleted",
        )
    data = value if force_role is None else {k: v for k, v in value.items() if k != "role"}
    fields = parse_user_fields(app.users, data, where=where)
    if force_role is not None:
        fields.role = force_role
        fields.given.add("role")
    plan = Plan(user_id, existing)
    plan.values["custom"] = fields.custom
    plan.values["language"] = fields.language if fields.language is not None else ""
    for attribute in _KEPT_WHEN_ABSENT:
        if attribute in fields.given:
            plan.values[attribute] = getattr(fields, attribute)
    return plan


# -- partial update -------------------------------------------------------------------------------


def update_users_partial(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    updates = body.get("users")
    if updates is None:
        raise input_error("users is a required field", users="is required")
    if not isinstance(updates, list):
        raise input_error("users must be an array of {id, set, unset} objects", users="must be an array")
    if len(updates) > MAX_USERS_PER_CALL:
        raise input_error(
            f"too many users: at most {MAX_USERS_PER_CALL} users can be updated per call, got {len(updates)}",
            users="too many users",
        )
    plans: list[Plan] = []
    untouched: list[User] = []
    staged: dict[str, Plan] = {}  # the same id twice: the second entry sees the first's changes
    for index, update in enumerate(updates):
        where = f"users[{index}]"
        if not isinstance(update, dict):
            raise input_error(f"{where} must be an object with id, set and unset")
        user_id = update.get("id")
        if not isinstance(user_id, str) or not user_id:
            raise input_error(f"{where}.id is a required field", id="is required")
        user = app.users.get(user_id)
        if user is None:
            raise not_found(f"user {user_id} does not exist")
        set_values, unset_paths = _patch_parts(update, where)
        if not set_values and not unset_paths:
            if user_id not in staged:
                untouched.append(user)
            continue  # an empty patch is a no-op (§1.2)
        previous = staged.get(user_id)
        document = _document_of_plan(previous) if previous is not None else writable_document(user)
        _apply_patch(document, set_values, unset_paths, where)
        plan = _plan_from_document(app, user, document, where)
        if previous is not None:
            plans.remove(previous)
        staged[user_id] = plan
        plans.append(plan)
    check_unique_usernames(app, plans)
    committed = commit(app, plans)
    result = {user.id: app.users.render_full(user) for user in untouched}
    result.update((user.id, app.users.render_full(user)) for user in committed)
    return {"users": result}


def _patch_parts(update: dict[str, Any], where: str) -> tuple[list[tuple[list[str], Any]], list[list[str]]]:
    raw_set = update.get("set")
    raw_unset = update.get("unset")
    if raw_set is None:
        raw_set = {}
    if raw_unset is None:
        raw_unset = []
    if not isinstance(raw_set, dict):
        raise input_error(f"{where}.set must be an object of field paths to values", set="must be an object")
    if not isinstance(raw_unset, list) or not all(isinstance(path, str) for path in raw_unset):
        raise input_error(f"{where}.unset must be an array of field paths", unset="must be an array of strings")
    entries: list[tuple[str, Any]] = []
    for path, value in raw_set.items():
        if path == "custom" and isinstance(value, dict):
            entries.extend(value.items())  # nested custom object, as in upsert (§0.5)
        else:
            entries.append((path, value))
    both = {path for path, _ in entries} & set(raw_unset)
    if both:
        path = sorted(both)[0]
        raise input_error(
            f'{where}: field "{path}" cannot be in both set and unset', **{path: "in set and unset"}
        )
    set_values = [(_split_path(path, where), value) for path, value in entries]
    unset_paths = [_split_path(path, where) for path in raw_unset]
    for segments, value in set_values:
        _check_writable(segments, where, unset=value is None)
    for segments in unset_paths:
        _check_writable(segments, where, unset=True)
    return set_values, unset_paths


def _split_path(path: str, where: str) -> list[str]:
    segments = path.split(".")
    for segment in segments:
        if not segment or " " in segment:
            raise input_error(
                f'{where}: invalid field path "{path}": path segments must be non-empty and '
                "may not contain spaces",
                **{path or "field": "invalid field path"},
            )
    return segments


def _check_writable(segments: list[str], where: str, *, unset: bool) -> None:
    top = segments[0]
    if top == "id" or top in COMPUTED_FIELDS:
        raise input_error(
            f'{where}: field "{top}" is reserved and cannot be {"unset" if unset else "set"}',
            **{top: "reserved field"},
        )
    if top == "role" and unset and len(segments) == 1:
        raise input_error(f'{where}: field "role" cannot be unset', role="cannot be unset")


def writable_document(user: User) -> dict[str, Any]:
    """The writable state of a user as a JSON document that partial updates patch."""
    document: dict[str, Any] = copy.deepcopy(user.custom)
    document["role"] = user.role
    document["teams"] = list(user.teams)
    document["language"] = user.language
    document["invisible"] = user.invisible
    if user.teams_role is not None:
        document["teams_role"] = dict(user.teams_role)
    if user.privacy_settings is not None:
        document["privacy_settings"] = copy.deepcopy(user.privacy_settings)
    if user.push_notifications is not None:
        document["push_notifications"] = copy.deepcopy(user.push_notifications)
    if user.revoke_tokens_issued_before is not None:
        document["revoke_tokens_issued_before"] = format_time(user.revoke_tokens_issued_before)
    return document


def _document_of_plan(plan: Plan) -> dict[str, Any]:
    document: dict[str, Any] = copy.deepcopy(plan.values["custom"])
    for attribute in ("role", "teams", "language", "invisible", "teams_role", "privacy_settings", "push_notifications"):
        value = plan.values.get(attribute)
        if value is not None:
            document[attribute] = copy.deepcopy(value)
    revoke = plan.values.get("revoke_tokens_issued_before")
    if revoke is not None:
        document["revoke_tokens_issued_before"] = format_time(revoke)
    return document


def _apply_patch(
    document: dict[str, Any], set_values: list[tuple[list[str], Any]], unset_paths: list[list[str]], where: str
) -> None:
    # set applies before unset (conventions §3.2); null in set removes, like unset (§0.4).
    for segments, value in set_values:
        if value is None:
            _remove_path(document, segments)
            continue
        target = document
        for segment in segments[:-1]:
            child = target.get(segment)
            if not isinstance(child, dict):
                child = {}  # intermediate objects are created (replacing non-objects)
                target[segment] = child
            target = child
        target[segments[-1]] = copy.deepcopy(value)
    for segments in unset_paths:
        _remove_path(document, segments)


def _remove_path(document: dict[str, Any], segments: list[str]) -> None:
    target: Any = document
    for segment in segments[:-1]:
        target = target.get(segment) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            return  # unsetting an absent key is a no-op
    target.pop(segments[-1], None)


def _plan_from_document(app: ChatApp, user: User, document: dict[str, Any], where: str) -> Plan:
    fields: UserFields = parse_user_fields(app.users, document, where=where, merge_custom=False)
    if fields.role is None:
        raise input_error(f'{where}: field "role" cannot be unset', role="cannot be unset")
    plan = Plan(user.id, user)
    plan.values.update(
        custom=fields.custom,
        role=fields.role,
        teams=fields.teams if fields.teams is not None else [],
        teams_role=fields.teams_role,
        language=fields.language if fields.language is not None else "",
        invisible=bool(fields.invisible),
        privacy_settings=fields.privacy_settings,
        push_notifications=fields.push_notifications,
        revoke_tokens_issued_before=fields.revoke_tokens_issued_before,
    )
    return plan


# -- guest ---------------------------------------------------------------------------------------


def create_guest(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    if app.settings.get("multi_tenant_enabled"):
        # §13.9: guests are not available in multi-tenant apps (recommended 400/4).
        raise input_error("guest users are not available for multi-tenant apps")
    data = body.get("user")
    if not isinstance(data, dict):
        raise input_error("user is a required field and must be an object", user="is required")
    raw_id = data.get("id")
    # §13.9: keep the requested id; generate one when absent.
    user_id = check_user_id(new_id() if raw_id is None else raw_id, "user.id")
    existing = app.users.by_id.get(user_id)
    if existing is not None and existing.deleted_at is None and existing.role != "guest":
        # Choice: an existing guest is reused, but a regular user is never demoted to guest.
        raise input_error(f"user {user_id} already exists and is not a guest", id="already exists")
    plan = _plan_upsert(app, user_id, {**data, "id": user_id}, force_role="guest")
    check_unique_usernames(app, [plan])
    (user,) = commit(app, [plan])
    now = app.clock.peek()
    # Choice beyond the spec's {"user_id"}: the token also carries ``iat`` so that it is not
    # rejected by a revocation made before the guest existed (tokens without iat always are).
    token = jwt.encode(
        {"user_id": user_id, "iat": unix_seconds(now)}, app.api_secret, algorithm="HS256"
    )
    return {"user": app.users.render_full(user), "access_token": token}


# -- shared: unique usernames and commit ---------------------------------------------------------


def check_unique_usernames(app: ChatApp, plans: list[Plan]) -> None:
    """enforce_unique_usernames: "app" → unique app-wide, "team" → unique among users sharing a
    team (users without teams are not constrained). Only names being written are checked;
    a user keeping its name and teams is not re-validated against old duplicates. Deleted
    users do not hold their name."""
    mode = app.settings.get("enforce_unique_usernames")
    if mode not in ("app", "team"):
        return
    in_batch = {plan.user_id for plan in plans}
    taken: list[tuple[str, frozenset[str], str]] = []
    for user in app.users.live():
        if user.id not in in_batch and user.name:
            taken.append((normalize_username(user.name), frozenset(user.teams), user.id))
    for plan in plans:
        name = plan.final("custom").get("name")
        if not isinstance(name, str) or not normalize_username(name):
            continue
        normalized = normalize_username(name)
        teams = frozenset(plan.final("teams"))
        unchanged = (
            plan.existing is not None
            and plan.existing.name is not None
            and normalize_username(plan.existing.name) == normalized
            and (mode == "app" or frozenset(plan.existing.teams) == teams)
        )
        if not unchanged:
            for other_name, other_teams, other_id in taken:
                if other_name == normalized and (mode == "app" or teams & other_teams):
                    raise APIError(
                        400,
                        6,
                        f'username "{name}" is already taken by user {other_id}'
                        + (" in one of its teams" if mode == "team" else ""),
                        exception_fields={"name": "duplicate username"},
                    )
        taken.append((normalized, teams, plan.user_id))


def commit(app: ChatApp, plans: list[Plan]) -> list[User]:
    """Apply validated plans: create or update records, bump ``updated_at``, emit events."""
    directory = app.users
    written: list[User] = []
    presence_changed: list[User] = []
    for plan in plans:
        now = app.clock.now()
        user = plan.existing
        if user is None:
            user = User(id=plan.user_id, created_at=now, updated_at=now)
            directory.store(user)
        was_invisible = user.invisible
        for attribute, value in plan.values.items():
            setattr(user, attribute, copy.deepcopy(value))
        user.updated_at = now
        if plan.existing is not None and user.invisible != was_invisible:
            presence_changed.append(user)
        written.append(user)
    for user in written:
        app.emit("user.updated", user=directory.render(user))
    for user in presence_changed:
        app.emit("user.presence.changed", user=directory.render(user))
    return written
