"""Request handling for flags: flag/unflag, query message flags, flag reports (moderation
§2.7-§2.11, conventions §10.3). The records and their rules live in ``flags.FlagStore``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from fake_server.domain import mod_chat
from fake_server.domain.errors import input_error, not_allowed
from fake_server.domain.flags import MAX_REASON, FlagRecord, FlagReport
from fake_server.domain.mod_common import (
    acting_user,
    optional_bool,
    optional_object,
    optional_string,
)
from fake_server.domain.query import (
    EQ,
    EQ_IN,
    MISSING,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    page_limit,
    page_offset,
)

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.auth import Actor
    from fake_server.domain.chat.models import Message

DEFAULT_LIMIT = 25  # conventions §8.1 (choice)
MAX_LIMIT = 300
MAX_OFFSET = 10_000
# Roles that may read flags and reports with a user token (ReadMessageFlags / read-flag-reports
# are granted to moderators and admins by default).
_MODERATOR_ROLES = frozenset({"admin", "moderator", "global_moderator", "global_admin"})


def _target(body: dict[str, Any]) -> tuple[str, str]:
    message_id = body.get("target_message_id")
    user_id = body.get("target_user_id")
    if (message_id is None) == (user_id is None):
        raise input_error(
            "exactly one of target_message_id or target_user_id must be provided",
            target_message_id="exactly one target is required",
        )
    key, value = ("target_message_id", message_id) if message_id is not None else ("target_user_id", user_id)
    if not isinstance(value, str) or not value:
        raise input_error(f"{key} must be a non-empty string", **{key: "must be a string"})
    return key, value


def flag(app: ChatApp, body: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    key, target_id = _target(body)
    flagger = acting_user(app, body, actor)
    reason = optional_string(body, "reason", max_length=MAX_REASON)
    custom = optional_object(body, "custom")
    store = app.flags
    if key == "target_message_id":
        record = store.flag_message(flagger.id, target_id, reason=reason, custom=custom)
    else:
        record = store.flag_user(flagger.id, target_id, reason=reason, custom=custom)
    return {"flag": store.render_flag(record), "review_queue_item_id": record.review_queue_item_id}


def unflag(app: ChatApp, body: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    key, target_id = _target(body)
    flagger = acting_user(app, body, actor)
    store = app.flags
    if key == "target_message_id":
        _, rendered = store.unflag_message(flagger.id, target_id)
    else:
        _, rendered = store.unflag_user(flagger.id, target_id)
    return {"flag": rendered}


def _require_moderator(app: ChatApp, actor: Actor | None) -> None:
    if actor is None or actor.server:
        return
    user = app.users.get(actor.user_id or "")
    if user is None or user.role not in _MODERATOR_ROLES:
        raise not_allowed(f"user {actor.user_id} is not allowed to read message flags")


# -- query message flags ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """A message flag joined with its message (for filtering and sorting)."""

    flag: FlagRecord
    message: Message
    team: str | None


def _moderation(key: str) -> Field[_Row]:
    """Moderation-v2 filters: accepted with ``$eq``; they match the automod attributes a flag
    carries (a manual flag has none, so e.g. ``{"action": "flag"}`` finds automod flags only)."""
    return Field(key, FieldType.ANY, EQ, lambda row: row.flag.moderation.get(key, MISSING))


def _opt(value: object) -> object:
    return MISSING if value is None else value


MESSAGE_FLAG_SCHEMA: Schema[_Row] = Schema(
    fields={
        "channel_cid": Field("channel_cid", FieldType.STRING, EQ_IN, lambda r: r.message.cid),
        # ``user_id`` is the flagged message's author, not the flagger (§2.9).
        "user_id": Field("user_id", FieldType.STRING, EQ_IN, lambda r: r.message.user_id),
        "message_id": Field("message_id", FieldType.STRING, EQ_IN, lambda r: r.message.id),
        "is_reviewed": Field("is_reviewed", FieldType.BOOL, EQ, lambda r: r.flag.reviewed_at is not None),
        "reason": Field("reason", FieldType.STRING, EQ_IN, lambda r: _opt(r.flag.reason)),
        "reporter_id": Field(
            "reporter_id",
            FieldType.STRING,
            EQ,
            lambda r: MISSING if r.flag.created_by_automod else r.flag.user_id,
        ),
        "team": Field("team", FieldType.STRING, EQ_IN, lambda r: _opt(r.team)),
        # Not listed by the service; conventions §10.3 choice.
        "created_at": Field(
            "created_at",
            FieldType.DATE,
            frozenset({"$gt", "$gte", "$lt", "$lte"}),
            lambda r: r.flag.created_at,
        ),
        **{
            key: _moderation(key)
            for key in (
                "action",
                "blocklist_name",
                "date_range",
                "harm_label",
                "harm_type",
                "image_labels",
                "keyword",
                "matched_phrase",
                "phrase_list_ids",
                "reporter_type",
            )
        },
    },
    name="filter_conditions",
)

MESSAGE_FLAG_SORT: Mapping[str, SortField[_Row]] = {
    "created_at": SortField("created_at", lambda r: r.flag.created_at),
    "updated_at": SortField("updated_at", lambda r: r.flag.updated_at),
}


def query_message_flags(app: ChatApp, payload: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    _require_moderator(app, actor)
    conditions = payload.get("filter_conditions")
    # ``{}`` (or no filter) is allowed server-side (§2.9).
    matches = compile_filter(MESSAGE_FLAG_SCHEMA, {} if conditions is None else conditions)
    sorter = compile_sort(
        payload.get("sort"),
        MESSAGE_FLAG_SORT,
        # §10 Q6: newest first unless a sort is given.
        default=[("created_at", -1)],
        max_fields=5,
    )
    limit = page_limit(payload.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = page_offset(payload.get("offset"), maximum=MAX_OFFSET)
    show_deleted = optional_bool(payload, "show_deleted_messages")
    rows: list[_Row] = []
    teams: dict[str, str | None] = {}
    for record in app.flags.message_flags():
        message = app.chat.get_message(record.target_id)
        if message is None:
            continue  # hard-deleted messages take their flags with them
        if message.deleted_at is not None and not show_deleted:
            continue
        cid = message.cid
        if cid not in teams:
            teams[cid] = mod_chat.channel_team(app, cid)
        row = _Row(record, message, teams[cid])
        if matches(row):
            rows.append(row)
    page = sorter(rows)[offset : offset + limit]
    return {"flags": [app.flags.render_message_flag(r.flag, r.message) for r in page]}


# -- flag reports ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _ReportRow:
    report: FlagReport
    team: str | None


def _report_field(name: str, get: Any) -> Field[_ReportRow]:
    return Field(name, FieldType.STRING, EQ_IN, get)


REPORT_SCHEMA: Schema[_ReportRow] = Schema(
    fields={
        "report_id": _report_field("report_id", lambda r: r.report.id),
        "message_id": _report_field("message_id", lambda r: r.report.message_id),
        "message_user_id": _report_field("message_user_id", lambda r: r.report.message_user_id),
        "channel_cid": _report_field("channel_cid", lambda r: r.report.channel_cid),
        # The report's ``user`` is the reported message's author (see FlagStore.render_report).
        "user_id": _report_field("user_id", lambda r: r.report.message_user_id),
        "team": _report_field("team", lambda r: _opt(r.team)),
        "review_result": _report_field("review_result", lambda r: _opt(r.report.review_result)),
        "reviewed_by": _report_field("reviewed_by", lambda r: _opt(r.report.reviewed_by_id)),
        "is_reviewed": Field("is_reviewed", FieldType.BOOL, EQ, lambda r: r.report.reviewed_at is not None),
    },
    name="filter_conditions",
)

REPORT_SORT: Mapping[str, SortField[_ReportRow]] = {
    "created_at": SortField("created_at", lambda r: r.report.created_at),
    "updated_at": SortField("updated_at", lambda r: r.report.updated_at),
}


def query_flag_reports(app: ChatApp, body: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    _require_moderator(app, actor)
    conditions = body.get("filter_conditions")
    if conditions is None:
        conditions = {}
    if not isinstance(conditions, dict):
        raise input_error("filter_conditions must be an object", filter_conditions="must be an object")
    conditions = dict(conditions)
    # The SDK turns every keyword into a filter condition, so paging options arrive inside
    # ``filter_conditions``; lift them out (§2.10 Fake). Top-level values win.
    lifted = {key: conditions.pop(key) for key in ("limit", "offset", "sort") if key in conditions}
    options = {**lifted, **{k: body[k] for k in ("limit", "offset", "sort") if body.get(k) is not None}}
    matches = compile_filter(REPORT_SCHEMA, conditions)
    sorter = compile_sort(options.get("sort"), REPORT_SORT, default=[("created_at", -1)], max_fields=5)
    limit = page_limit(options.get("limit"), default=DEFAULT_LIMIT, maximum=MAX_LIMIT)
    offset = page_offset(options.get("offset"), maximum=MAX_OFFSET)
    rows: list[_ReportRow] = []
    for report in app.flags.reports.values():
        if app.chat.get_message(report.message_id) is None:
            continue  # the message was hard-deleted
        row = _ReportRow(report, mod_chat.channel_team(app, report.channel_cid))
        if matches(row):
            rows.append(row)
    page = sorter(rows)[offset : offset + limit]
    return {"flag_reports": [app.flags.render_report(r.report) for r in page]}


def review_flag_report(
    app: ChatApp, report_id: str, body: dict[str, Any], actor: Actor | None = None
) -> dict[str, Any]:
    _require_moderator(app, actor)
    report = app.flags.require_report(report_id)
    result = body.get("review_result")
    if not isinstance(result, str) or not result:
        # Only "reviewed" is observed; any non-empty string is accepted (§2.11 Fake, §10 Q7).
        raise input_error("review_result is a required field", review_result="is required")
    reviewer = acting_user(app, body, actor)
    details = optional_object(body, "review_details")
    app.flags.review_report(report.id, reviewer_id=reviewer.id, review_result=result, review_details=details)
    return {"flag_report": app.flags.render_report(report)}
