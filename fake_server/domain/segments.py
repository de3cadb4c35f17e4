"""Segments: reusable target lists of campaigns (endpoints-moderation-tasks §5, models §15).

User segments target user ids, channel segments channel cids. A segment's targets are the
ids added manually plus, when set, the users/channels its ``filter`` or ``all_users``
selects (``all_sender_channels`` depends on a campaign's sender and is resolved by the
campaign). ``size`` is computed synchronously (the fake's choice for the service's
asynchronous count) from the same resolution; ``segment_target_exists`` checks the manual
targets only (§5.9 Fake).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.errors import input_error, not_found
from fake_server.domain.ids import new_id, split_cid
from fake_server.domain.query import (
    COMPARISONS_IN,
    COMPARISONS_IN_EXISTS,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    page_limit,
    paged,
)
from fake_server.domain.segment_filters import channel_predicate
from fake_server.domain.timefmt import format_optional, format_time
from fake_server.domain.user_ops.query import user_filter

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

SEGMENT_TYPES: Final = ("user", "channel")
MAX_ID_LENGTH: Final = 255
MAX_NAME_LENGTH: Final = 128
MAX_DESCRIPTION_LENGTH: Final = 256
MAX_ADD_TARGETS: Final = 10_000
MAX_REMOVE_TARGETS: Final = 100
QUERY_DEFAULT_LIMIT: Final = 25
QUERY_MAX_LIMIT: Final = 100
TARGETS_DEFAULT_LIMIT: Final = 100
TARGETS_MAX_LIMIT: Final = 10_000


@dataclass(slots=True)
class Segment:
    id: str
    type: str
    created_at: datetime
    updated_at: datetime
    name: str = ""
    description: str = ""
    filter: dict[str, Any] | None = None
    all_users: bool = False
    all_sender_channels: bool = False
    deleted_at: datetime | None = None
    # target id → when it was added
    targets: dict[str, datetime] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class TargetRow:
    target_id: str
    created_at: datetime


def _string(body: dict[str, Any], key: str, limit: int) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise input_error(f"{key} must be a string", **{key: "must be a string"})
    if len(value) > limit:
        raise input_error(f"{key} must be at most {limit} characters", **{key: "too long"})
    return value


def _bool(body: dict[str, Any], key: str) -> bool | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise input_error(f"{key} must be a boolean", **{key: "must be a boolean"})
    return value


def check_object_id(value: object, field_name: str) -> str:
    """Caller-chosen ids of segments and campaigns: 1-255 characters, usable in a URL path."""
    if not isinstance(value, str) or not value:
        raise input_error(f"{field_name} must be a non-empty string", **{field_name: "invalid"})
    if len(value) > MAX_ID_LENGTH:
        raise input_error(f"{field_name} must be at most {MAX_ID_LENGTH} characters", **{field_name: "too long"})
    if "/" in value or any(ch.isspace() for ch in value) or value in (".", ".."):
        raise input_error(f'{field_name} "{value}" may not contain "/" or whitespace', **{field_name: "invalid"})
    return value


def _target_ids(body: dict[str, Any], *, maximum: int) -> list[str]:
    value = body.get("target_ids")
    if value is None:
        raise input_error("target_ids is a required field", target_ids="is required")
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise input_error("target_ids must be an array of non-empty strings", target_ids="invalid")
    if not value:
        raise input_error("target_ids must contain at least one id", target_ids="is empty")
    if len(value) > maximum:
        raise input_error(f"target_ids accepts at most {maximum} ids, got {len(value)}", target_ids="too many")
    return list(dict.fromkeys(value))


def _segment_schema() -> Schema[Segment]:
    string = FieldType.STRING
    return Schema(
        fields={
            "id": Field("id", string, COMPARISONS_IN_EXISTS, lambda s: s.id),
            "name": Field("name", string, COMPARISONS_IN_EXISTS, lambda s: s.name),
            "type": Field("type", string, frozenset({"$eq", "$in", "$exists"}), lambda s: s.type),
            "all_users": Field("all_users", FieldType.BOOL, COMPARISONS_IN_EXISTS, lambda s: s.all_users),
            "all_sender_channels": Field(
                "all_sender_channels", FieldType.BOOL, frozenset({"$eq", "$exists"}), lambda s: s.all_sender_channels
            ),
            "created_at": Field("created_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda s: s.created_at),
            "updated_at": Field("updated_at", FieldType.DATE, COMPARISONS_IN_EXISTS, lambda s: s.updated_at),
        },
        name="filter",
    )


SEGMENT_SCHEMA: Final = _segment_schema()
SEGMENT_SORT: Final[dict[str, SortField[Segment]]] = {
    "created_at": SortField("created_at", lambda s: s.created_at),
    "updated_at": SortField("updated_at", lambda s: s.updated_at),
    "name": SortField("name", lambda s: s.name),
    "id": SortField("id", lambda s: s.id),
}
TARGET_SCHEMA: Final[Schema[TargetRow]] = Schema(
    fields={
        "target_id": Field("target_id", FieldType.STRING, COMPARISONS_IN, lambda t: t.target_id),
        "created_at": Field("created_at", FieldType.DATE, COMPARISONS_IN, lambda t: t.created_at),
    },
    name="filter",
)
TARGET_SORT: Final[dict[str, SortField[TargetRow]]] = {
    "target_id": SortField("target_id", lambda t: t.target_id),
    "created_at": SortField("created_at", lambda t: t.created_at),
}


def query_document(body: dict[str, Any], key: str) -> object:
    """``filter``/``sort`` of a query body; the schema's capitalised spelling is accepted too."""
    if key in body:
        return body[key]
    return body.get(key.capitalize())


class SegmentStore:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.by_id: dict[str, Segment] = {}

    @property
    def app_pk(self) -> int:
        """A stable numeric id of the app (``app_pk`` of segment targets)."""
        return zlib.crc32(self._app.api_key.encode()) & 0x7FFFFFFF

    # -- lookups -----------------------------------------------------------------------------

    def get(self, segment_id: str) -> Segment | None:
        segment = self.by_id.get(segment_id)
        if segment is None or segment.deleted_at is not None:
            return None
        return segment

    def require(self, segment_id: str) -> Segment:
        segment = self.get(segment_id)
        if segment is None:
            raise not_found(f"segment {segment_id} does not exist")
        return segment

    # -- validation ----------------------------------------------------------------------------

    def _check_filter(self, segment_type: str, value: object) -> dict[str, Any] | None:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise input_error("filter must be an object", filter="must be an object")
        if segment_type == "user":
            user_filter(self._app, value)
        else:
            channel_predicate(value)
        return value

    def _apply(self, segment: Segment, body: dict[str, Any]) -> None:
        name = _string(body, "name", MAX_NAME_LENGTH)
        description = _string(body, "description", MAX_DESCRIPTION_LENGTH)
        all_users = _bool(body, "all_users")
        all_sender_channels = _bool(body, "all_sender_channels")
        if "filter" in body:
            segment.filter = self._check_filter(segment.type, body["filter"])
        if name is not None:
            segment.name = name
        if description is not None:
            segment.description = description
        if all_users is not None:
            segment.all_users = all_users
        if all_sender_channels is not None:
            segment.all_sender_channels = all_sender_channels
        if segment.all_users and segment.type != "user":
            raise input_error("all_users is only valid for user segments", all_users="invalid for channel segments")
        if segment.all_sender_channels and segment.type != "channel":
            raise input_error(
                "all_sender_channels is only valid for channel segments",
                all_sender_channels="invalid for user segments",
            )
        chosen = [
            name
            for name, on in (
                ("filter", bool(segment.filter)),
                ("all_users", segment.all_users),
                ("all_sender_channels", segment.all_sender_channels),
            )
            if on
        ]
        if len(chosen) > 1:
            raise input_error(f"{' and '.join(chosen)} are mutually exclusive", **dict.fromkeys(chosen, "exclusive"))

    # -- operations ----------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> Segment:
        segment_type = body.get("type")
        if segment_type is None:
            raise input_error("type is a required field", type="is required")
        if segment_type not in SEGMENT_TYPES:
            raise input_error(f'type must be "user" or "channel", got {segment_type!r}', type="invalid")
        raw_id = body.get("id")
        segment_id = new_id() if raw_id is None or raw_id == "" else check_object_id(raw_id, "id")
        if self.get(segment_id) is not None:
            raise input_error(f"segment {segment_id} already exists", id="already exists")
        now = self._app.clock.now()
        segment = Segment(id=segment_id, type=str(segment_type), created_at=now, updated_at=now)
        self._apply(segment, body)
        self.by_id[segment_id] = segment
        return segment

    def update(self, segment_id: str, body: dict[str, Any]) -> Segment:
        current = self.require(segment_id)
        if body.get("type") not in (None, current.type):
            raise input_error("the type of a segment cannot change", type="immutable")
        if body.get("id") not in (None, current.id):
            raise input_error("the id of a segment cannot change", id="immutable")
        staged = Segment(
            id=current.id,
            type=current.type,
            created_at=current.created_at,
            updated_at=current.updated_at,
            name=current.name,
            description=current.description,
            filter=current.filter,
            all_users=current.all_users,
            all_sender_channels=current.all_sender_channels,
            targets=current.targets,
        )
        self._apply(staged, body)
        staged.updated_at = self._app.clock.now()
        self.by_id[segment_id] = staged
        return staged

    def delete(self, segment_id: str) -> None:
        segment = self.require(segment_id)
        segment.deleted_at = self._app.clock.now()

    def query(self, body: dict[str, Any]) -> dict[str, Any]:
        conditions = query_document(body, "filter")
        sort_spec = query_document(body, "sort")
        matches = compile_filter(SEGMENT_SCHEMA, {} if conditions is None else conditions)
        sorter = compile_sort(
            sort_spec, SEGMENT_SORT, default=[("created_at", -1)], tiebreak=[("id", 1)]
        )
        limit = page_limit(body.get("limit"), default=QUERY_DEFAULT_LIMIT, maximum=QUERY_MAX_LIMIT)
        candidates = sorter(s for s in self.by_id.values() if s.deleted_at is None and matches(s))
        page, cursors = paged(
            candidates,
            body,
            key=sorter.key,
            directions=sorter.directions,
            limit=limit,
            context={"filter": conditions, "sort": sorter.order},
        )
        return {"segments": [self.render(s) for s in page], **cursors}

    # -- targets -----------------------------------------------------------------------------------

    def add_targets(self, segment_id: str, body: dict[str, Any]) -> None:
        segment = self.require(segment_id)
        ids = _target_ids(body, maximum=MAX_ADD_TARGETS)
        if segment.type == "channel":
            for target in ids:
                split_cid(target, "target_ids")
        now = self._app.clock.now()
        added = False
        for target in ids:
            if target not in segment.targets:
                segment.targets[target] = now
                added = True
        if added:
            segment.updated_at = now

    def remove_targets(self, segment_id: str, body: dict[str, Any]) -> None:
        segment = self.require(segment_id)
        ids = _target_ids(body, maximum=MAX_REMOVE_TARGETS)
        removed = [target for target in ids if segment.targets.pop(target, None) is not None]
        if removed:
            segment.updated_at = self._app.clock.now()

    def target_exists(self, segment_id: str, target_id: str) -> None:
        segment = self.require(segment_id)
        if target_id not in segment.targets:
            raise not_found(f"target {target_id} is not in segment {segment_id}")

    def query_targets(self, segment_id: str, body: dict[str, Any]) -> dict[str, Any]:
        segment = self.require(segment_id)
        conditions = query_document(body, "filter")
        matches = compile_filter(TARGET_SCHEMA, {} if conditions is None else conditions)
        sorter = compile_sort(
            query_document(body, "sort"), TARGET_SORT, default=[("target_id", 1)], tiebreak=[("target_id", 1)]
        )
        limit = page_limit(body.get("limit"), default=TARGETS_DEFAULT_LIMIT, maximum=TARGETS_MAX_LIMIT)
        rows = sorter(
            row for row in (TargetRow(t, at) for t, at in segment.targets.items()) if matches(row)
        )
        page, cursors = paged(
            rows,
            body,
            key=sorter.key,
            directions=sorter.directions,
            limit=limit,
            context={"segment": segment.id, "filter": conditions, "sort": sorter.order},
        )
        targets = [
            {
                "app_pk": self.app_pk,
                "segment_id": segment.id,
                "target_id": row.target_id,
                "created_at": format_time(row.created_at),
            }
            for row in page
        ]
        return {"targets": targets, **cursors}

    # -- resolution (campaign sends, size) ------------------------------------------------------

    def resolve_users(self, segment: Segment) -> set[str]:
        """User ids targeted by a user segment: manual targets + filter / all_users."""
        ids = set(segment.targets)
        if segment.all_users:
            ids.update(user.id for user in self._app.users.live())
        elif segment.filter:
            matches = user_filter(self._app, segment.filter)
            ids.update(user.id for user in self._app.users.live() if matches(user))
        return ids

    def resolve_channels(self, segment: Segment, sender_channels: Callable[[], set[str]] | None = None) -> set[str]:
        """Channel cids targeted by a channel segment: manual targets + filter + (with
        ``all_sender_channels``) the campaign sender's channels."""
        cids = set(segment.targets)
        if segment.filter:
            matches = channel_predicate(segment.filter)
            channels = self._app.chat.store.channels
            cids.update(cid for cid, channel in channels.items() if channel.deleted_at is None and matches(channel))
        if segment.all_sender_channels and sender_channels is not None:
            cids.update(sender_channels())
        return cids

    def size(self, segment: Segment) -> int:
        if segment.type == "user":
            return len(self.resolve_users(segment))
        # all_sender_channels is never counted (it depends on a campaign's sender).
        return len(self.resolve_channels(segment))

    def render(self, segment: Segment) -> dict[str, Any]:
        return {
            "id": segment.id,
            "type": segment.type,
            "name": segment.name,
            "description": segment.description,
            "filter": segment.filter,
            "all_users": segment.all_users,
            "all_sender_channels": segment.all_sender_channels,
            "size": self.size(segment),
            "created_at": format_time(segment.created_at),
            "updated_at": format_time(segment.updated_at),
            "deleted_at": format_optional(segment.deleted_at),
        }

