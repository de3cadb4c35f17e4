"""Query users — ``GET /users`` (endpoints-users-app §1.3, conventions §8.1-§8.2, §10, §11)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.errors import input_error
from fake_server.domain.query import (
    MISSING,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    constraint_values,
    page_limit,
    page_offset,
)
from fake_server.domain.users import RESERVED_USER_FIELDS, User

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.auth import Actor

DEFAULT_LIMIT: Final = 30
MAX_LIMIT: Final = 100
MAX_OFFSET: Final = 1000
MAX_SORT_FIELDS: Final = 5

_ORDERED: Final = frozenset({"$gt", "$gte", "$lt", "$lte"})
_DATE_OPS: Final = frozenset({"$eq", "$in", "$exists"}) | _ORDERED
_CUSTOM_OPS: Final = frozenset({"$eq", "$in", "$exists", "$contains"}) | _ORDERED
_ID_CURSORS: Final = {"id_gt": "$gt", "id_gte": "$gte", "id_lt": "$lt", "id_lte": "$lte"}


def _custom(user: User, key: str) -> object:
    return user.custom.get(key, MISSING)


def _optional(value: object) -> object:
    return MISSING if value is None else value


def _username(user: User) -> object:
    # Choice: the user model has no built-in username; the filter reads a custom "username"
    # key when the app stores one, and the display name otherwise.
    value = user.custom.get("username")
    return value if isinstance(value, str) else user.custom.get("name", MISSING)


def _schema(app: ChatApp) -> Schema[User]:
    def banned(user: User) -> object:
        ban = app.active_ban(user.id)
        return ban is not None and not ban.shadow

    def shadow_banned(user: User) -> object:
        ban = app.active_ban(user.id)
        return ban is not None and ban.shadow

    string = FieldType.STRING
    fields: dict[str, Field[User]] = {
        "id": Field(
            "id", string,
            frozenset({"$eq", "$ne", "$in", "$nin", "$exists", "$autocomplete"}) | _ORDERED,
            lambda u: u.id,
        ),
        "name": Field(
            "name", string, frozenset({"$eq", "$in", "$exists", "$autocomplete"}) | _ORDERED,
            lambda u: u.custom.get("name", MISSING),
        ),
        "username": Field("username", string, frozenset({"$eq", "$autocomplete"}), _username),
        "role": Field("role", string, frozenset({"$eq", "$in", "$exists"}) | _ORDERED, lambda u: u.role),
        "teams": Field(
            "teams", FieldType.STRING_LIST, frozenset({"$eq", "$in", "$contains"}), lambda u: u.teams
        ),
        "banned": Field("banned", FieldType.BOOL, frozenset({"$eq", "$ne"}), banned),
        "shadow_banned": Field("shadow_banned", FieldType.BOOL, frozenset({"$eq", "$ne"}), shadow_banned),
        "created_at": Field("created_at", FieldType.DATE, _DATE_OPS, lambda u: u.created_at),
        "updated_at": Field("updated_at", FieldType.DATE, _DATE_OPS, lambda u: u.updated_at),
        "last_active": Field("last_active", FieldType.DATE, _DATE_OPS, lambda u: _optional(u.last_active)),
        "email": Field("email", string, frozenset({"$eq", "$in"}), lambda u: u.custom.get("email", MISSING)),
        "language": Field(
            "language", string, frozenset({"$eq"}), lambda u: u.language if u.language else MISSING
        ),
        # Beyond the documented matrix (harmless): invisible users can be found.
        "invisible": Field("invisible", FieldType.BOOL, frozenset({"$eq"}), lambda u: u.invisible),
    }
    # Other built-in keys are never custom data: filtering on them is an input error (any
    # operator → 400/4) rather than a filter that silently matches nothing.
    for reserved in sorted(RESERVED_USER_FIELDS - fields.keys()):
        fields[reserved] = Field(reserved, FieldType.ANY, frozenset(), _never)
    return Schema(fields=fields, custom_get=_custom, custom_ops=_CUSTOM_OPS, name="filter_conditions")


def _never(user: User) -> object:
    return MISSING


def user_filter(app: ChatApp, conditions: object) -> Callable[[User], bool]:
    """Compile a query-users filter (400/4 when invalid); segments filter users with it too."""
    return compile_filter(_schema(app), conditions)


_SORT_FIELDS: Final[dict[str, SortField[User]]] = {
    "id": SortField("id", lambda u: u.id),
    "created_at": SortField("created_at", lambda u: u.created_at),
    "updated_at": SortField("updated_at", lambda u: u.updated_at),
    "last_active": SortField("last_active", lambda u: _optional(u.last_active)),
    "name": SortField("name", lambda u: u.custom.get("name", MISSING)),
    "role": SortField("role", lambda u: u.role),
}


def _payload_bool(payload: dict[str, Any], name: str) -> bool:
    value = payload.get(name)
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "1", "t", "false", "0", "f"):
        return value.strip().lower() in ("true", "1", "t")
    raise input_error(f"{name} must be a boolean", **{name: "must be a boolean"})


def query_users(app: ChatApp, payload: dict[str, Any], actor: Actor) -> dict[str, Any]:
    conditions = payload.get("filter_conditions")
    if conditions is None:
        raise input_error("filter_conditions is a required field", filter_conditions="is required")
    if (
        not actor.server
        and isinstance(conditions, dict)
        and app.settings.get("multi_tenant_enabled")
        and "teams" not in conditions
    ):
        # conventions §10.5: user requests of multi-tenant apps only see their teams' users.
        me = app.users.get(actor.user_id or "")
        conditions = {"$and": [conditions, {"teams": {"$in": list(me.teams) if me else []}}]}
    matches = user_filter(app, conditions)

    bounds: list[Callable[[User], bool]] = []
    for name, op in _ID_CURSORS.items():
        value = payload.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            raise input_error(f"{name} must be a string user id", **{name: "must be a string"})
        bounds.append(_id_bound(op, value))

    sort_spec = payload.get("sort")
    # conventions §8.2: with an id cursor and no explicit sort, the order becomes id desc.
    default = [("id", -1)] if bounds and not sort_spec else [("created_at", -1), ("id", -1)]
    sorter = compile_sort(
        sort_spec,
        _SORT_FIELDS,
        default=default,
        tiebreak=[("created_at", -1), ("id", -1)],
        custom_get=_custom,
        max_fields=MAX_SORT_FIELDS,
    )
    limit = page_limit(payload.get("limit"), name="limit", default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = page_offset(payload.get("offset"), name="offset", maximum=MAX_OFFSET)
    include_deactivated = _payload_bool(payload, "include_deactivated_users")
    _payload_bool(payload, "presence")  # validated; presence has no server-side effect

    ids = constraint_values(conditions, "id")
    directory = app.users
    if ids is not None:
        candidates = [user for user in (directory.get(i) for i in sorted(ids)) if user is not None]
    else:
        candidates = list(directory.live())
    selected = [
        user
        for user in candidates
        if (include_deactivated or user.deactivated_at is None)
        and all(bound(user) for bound in bounds)
        and matches(user)
    ]
    page = sorter(selected)[offset : offset + limit]
    return {"users": [directory.render_full(user) for user in page]}


def _id_bound(op: str, value: str) -> Callable[[User], bool]:
    if op == "$gt":
        return lambda user: user.id > value
    if op == "$gte":
        return lambda user: user.id >= value
    if op == "$lt":
        return lambda user: user.id < value
    return lambda user: user.id <= value
