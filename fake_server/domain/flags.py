"""Flags of messages and users, and flag reports (moderation §1.4-§1.6, §2.7-§2.11, models §13).

A flag is one user's (or automod's) flag on one message or one user. Message flags are
aggregated into flag reports: a message has at most one open (not yet reviewed) report, whose
``flags_count`` follows its flags; reviewing a report marks its flags reviewed, and a later flag
on the same message opens a new report.

API for other areas (all calls under ``app.lock``):

- ``app.flags.flag_message_automatically(message_id, reason=..., details=..., blocklist_name=...)``
  — the chat core calls it when a blocklist with ``flag`` behaviour (or automod) matches a
  message it stored; returns the rendered Flag, or ``None`` when the message is unknown. Repeated
  calls for one message update its single automod flag.
- ``app.flags.flag_message(flagger_id, message_id, ...)`` / ``flag_user(flagger_id, target_id, ...)``
  and the ``unflag_*`` twins — e.g. for the ``/flag`` slash command.
- ``app.flags.total_flags(message_id=...)`` / ``total_flags(user_id=...)``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain import mod_chat
from fake_server.domain.errors import input_error, not_found
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.chat.models import Message

MESSAGE = "message"
USER = "user"
AUTOMOD = "<automod>"  # flagger key of automatic flags (one per message)
MAX_REASON = 255


@dataclass(slots=True, eq=False)
class FlagRecord:
    seq: int
    kind: str  # MESSAGE or USER
    target_id: str
    user_id: str  # the flagging user (for automod flags: the message's author)
    created_at: datetime
    updated_at: datetime
    review_queue_item_id: str
    created_by_automod: bool = False
    reason: str | None = None
    custom: dict[str, Any] | None = None
    details: dict[str, Any] | None = None
    # Moderation attributes (automod flags only): action, blocklist_name, ...
    moderation: dict[str, Any] = field(default_factory=dict)
    report_id: str | None = None
    reviewed_at: datetime | None = None
    reviewed_by_id: str | None = None
    approved_at: datetime | None = None
    rejected_at: datetime | None = None
    # Where the flagged message was when flagged (messages never move between channels).
    message_cid: str | None = None
    message_user_id: str | None = None

    @property
    def flagger_key(self) -> str:
        return AUTOMOD if self.created_by_automod else self.user_id


@dataclass(slots=True, eq=False)
class FlagReport:
    id: str
    seq: int
    message_id: str
    channel_cid: str
    message_user_id: str
    first_reporter_id: str
    created_at: datetime
    updated_at: datetime
    flags_count: int = 0
    details: dict[str, Any] | None = None
    review_result: str | None = None
    review_details: dict[str, Any] | None = None
    reviewed_at: datetime | None = None
    reviewed_by_id: str | None = None


class FlagStore:
    """All flags and flag reports of one app."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self._seq = 0
        # (kind, target_id, flagger_key) → flag
        self.flags: dict[tuple[str, str, str], FlagRecord] = {}
        self.reports: dict[str, FlagReport] = {}
        # message id → id of its open (unreviewed) report
        self._open_reports: dict[str, str] = {}

    def _next(self) -> int:
        self._seq += 1
        return self._seq

    # -- lookups -------------------------------------------------------------------------------

    def get(self, kind: str, target_id: str, flagger_id: str) -> FlagRecord | None:
        return self.flags.get((kind, target_id, flagger_id))

    def message_flags(self) -> list[FlagRecord]:
        return [f for f in self.flags.values() if f.kind == MESSAGE]

    def flags_of_report(self, report_id: str) -> list[FlagRecord]:
        return [f for f in self.flags.values() if f.report_id == report_id]

    def total_flags(self, *, message_id: str | None = None, user_id: str | None = None) -> int:
        if message_id is not None:
            return sum(1 for f in self.flags.values() if f.kind == MESSAGE and f.target_id == message_id)
        if user_id is not None:
            return sum(1 for f in self.flags.values() if f.kind == USER and f.target_id == user_id)
        return 0

    def require_report(self, report_id: str) -> FlagReport:
        report = self.reports.get(report_id)
        if report is None:
            raise not_found(f"flag report {report_id} does not exist")
        return report

    # -- flagging ------------------------------------------------------------------------------

    def flag_message(
        self,
        flagger_id: str,
        message_id: str,
        *,
        reason: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> FlagRecord:
        """Flag a message (404/16 unknown message, 400/4 when this user already flagged it)."""
        message = self._require_message(message_id)
        if (MESSAGE, message_id, flagger_id) in self.flags:
            raise input_error(f"message {message_id} was already flagged by user {flagger_id}")
        record = self._new_flag(MESSAGE, message_id, flagger_id, reason=reason, custom=custom)
        self._attach_message(record, message)
        self._emit_message_event("message.flagged", record, message)
        return record

    def flag_user(
        self,
        flagger_id: str,
        target_id: str,
        *,
        reason: str | None = None,
        custom: dict[str, Any] | None = None,
    ) -> FlagRecord:
        """Flag a user (404/16 unknown user, 400/4 self-flag or already flagged by this user)."""
        if self._app.users.get(target_id) is None:
            raise not_found(f"user {target_id} does not exist")
        if target_id == flagger_id:
            # Unspecified by the service; the fake rejects flagging yourself (like self-mutes).
            raise input_error("you cannot flag yourself", target_user_id="cannot be the acting user")
        if (USER, target_id, flagger_id) in self.flags:
            raise input_error(f"user {target_id} was already flagged by user {flagger_id}")
        record = self._new_flag(USER, target_id, flagger_id, reason=reason, custom=custom)
        self._emit_user_event("user.flagged", record)
        return record

    def flag_message_automatically(
        self,
        message_id: str,
        *,
        reason: str | None = None,
        details: dict[str, Any] | None = None,
        blocklist_name: str | None = None,
        action: str = "flag",
    ) -> dict[str, Any] | None:
        """Record an automatic (blocklist/automod) flag on a stored message.

        The flag has ``created_by_automod: true`` and ``user`` = the message's author; it counts
        toward the message's report like any flag and emits ``message.flagged``. ``details``
        follows §1.4 (e.g. ``{"original_text": ...}``). Returns the rendered Flag, or ``None``
        when the message cannot be found.
        """
        message = self._app.chat.get_message(message_id)
        if message is None:
            return None
        key = (MESSAGE, message_id, AUTOMOD)
        record = self.flags.get(key)
        moderation: dict[str, Any] = {"action": action, "reporter_type": "automod"}
        if blocklist_name is not None:
            moderation["blocklist_name"] = blocklist_name
        if record is None:
            record = self._new_flag(
                MESSAGE, message_id, message.user_id, reason=reason, automod=True
            )
            record.details = details
            record.moderation = moderation
            self._attach_message(record, message)
        else:
            record.updated_at = self._app.clock.now()
            record.reason = reason
            record.details = details
            record.moderation = moderation
        self._emit_message_event("message.flagged", record, message)
        return self.render_flag(record)

    def _require_message(self, message_id: str) -> Message:
        message = self._app.chat.get_message(message_id)
        if message is None:
            raise not_found(f"message {message_id} does not exist")
        return message

    def _new_flag(
        self,
        kind: str,
        target_id: str,
        user_id: str,
        *,
        reason: str | None,
        custom: dict[str, Any] | None = None,
        automod: bool = False,
    ) -> FlagRecord:
        now = self._app.clock.now()
        record = FlagRecord(
            seq=self._next(),
            kind=kind,
            target_id=target_id,
            user_id=user_id,
            created_at=now,
            updated_at=now,
            # §2.7: required by the schema (moderation v2 review queue); the fake makes one up.
            review_queue_item_id=str(uuid.uuid4()),
            created_by_automod=automod,
            reason=reason,
            custom=custom,
            moderation={} if automod else {"reporter_type": "user"},
        )
        self.flags[(kind, target_id, record.flagger_key)] = record
        return record

    def _attach_message(self, record: FlagRecord, message: Message) -> None:
        """Denormalise the message's place and count the flag in its open report."""
        record.message_cid = message.cid
        record.message_user_id = message.user_id
        now = record.created_at
        report_id = self._open_reports.get(message.id)
        report = self.reports.get(report_id) if report_id is not None else None
        if report is None:
            report = FlagReport(
                id=str(uuid.uuid4()),
                seq=self._next(),
                message_id=message.id,
                channel_cid=message.cid,
                message_user_id=message.user_id,
                first_reporter_id=record.user_id,
                created_at=now,
                updated_at=now,
                details=record.details,
            )
            self.reports[report.id] = report
            self._open_reports[message.id] = report.id
        report.flags_count += 1
        report.updated_at = now
        record.report_id = report.id

    # -- unflagging ----------------------------------------------------------------------------

    def unflag_message(self, flagger_id: str, message_id: str) -> tuple[FlagRecord | None, dict[str, Any]]:
        """Remove ``flagger_id``'s flag on a message: (removed flag or None, rendered flag)."""
        message = self._require_message(message_id)
        record = self.flags.pop((MESSAGE, message_id, flagger_id), None)
        if record is None:
            # §2.8 Fake (§10 Q5): unflagging what is not flagged succeeds with a minimal flag.
            return None, self._minimal_flag(flagger_id, target_message_id=message_id)
        self._detach_from_report(record)
        rendered = self.render_flag(record)
        self._emit_message_event("message.unflagged", record, message)
        return record, rendered

    def unflag_user(self, flagger_id: str, target_id: str) -> tuple[FlagRecord | None, dict[str, Any]]:
        if self._app.users.get(target_id) is None:
            raise not_found(f"user {target_id} does not exist")
        record = self.flags.pop((USER, target_id, flagger_id), None)
        if record is None:
            return None, self._minimal_flag(flagger_id, target_user_id=target_id)
        rendered = self.render_flag(record)
        self._emit_user_event("user.unflagged", record)
        return record, rendered

    def _detach_from_report(self, record: FlagRecord) -> None:
        if record.report_id is None:
            return
        report = self.reports.get(record.report_id)
        if report is None:
            return
        report.flags_count = max(report.flags_count - 1, 0)
        report.updated_at = self._app.clock.now()
        if report.flags_count == 0 and report.reviewed_at is None:
            # A pending report of nothing is dropped (choice: the service is silent).
            del self.reports[report.id]
            if self._open_reports.get(report.message_id) == report.id:
                del self._open_reports[report.message_id]

    def _minimal_flag(self, flagger_id: str, **target: str) -> dict[str, Any]:
        now = format_time(self._app.clock.peek())
        out: dict[str, Any] = {
            "user": self._app.users.render_id(flagger_id),
            "created_by_automod": False,
            "created_at": now,
            "updated_at": now,
        }
        if "target_message_id" in target:
            out["target_message_id"] = target["target_message_id"]
        if "target_user_id" in target:
            out["target_user"] = self._app.users.render_id(target["target_user_id"])
        return out

    # -- review --------------------------------------------------------------------------------

    def review_report(
        self,
        report_id: str,
        *,
        reviewer_id: str,
        review_result: str,
        review_details: dict[str, Any] | None,
    ) -> FlagReport:
        """Review a report: the report and all of its flags become reviewed (§2.11).

        Reviewing again overwrites the outcome. The message's next flag opens a new report.
        """
        report = self.require_report(report_id)
        now = self._app.clock.now()
        report.review_result = review_result
        report.review_details = review_details if review_details is not None else {}
        report.reviewed_at = now
        report.reviewed_by_id = reviewer_id
        report.updated_at = now
        for record in self.flags_of_report(report.id):
            record.reviewed_at = now
            record.reviewed_by_id = reviewer_id
            record.updated_at = now
        if self._open_reports.get(report.message_id) == report.id:
            del self._open_reports[report.message_id]
        return report

    # -- rendering -----------------------------------------------------------------------------

    def render_flag(self, record: FlagRecord) -> dict[str, Any]:
        """The Flag object of flag/unflag responses (§1.4)."""
        app = self._app
        out: dict[str, Any] = {
            "user": app.users.render_id(record.user_id),
            "created_by_automod": record.created_by_automod,
            "created_at": format_time(record.created_at),
            "updated_at": format_time(record.updated_at),
        }
        if record.kind == MESSAGE:
            out["target_message_id"] = record.target_id
            message = app.chat.get_message(record.target_id)
            if message is not None:
                out["target_message"] = app.chat.render_message(message, show_deleted=True)
        else:
            out["target_user"] = app.users.render_id(record.target_id)
        self._review_fields(record, out)
        if record.reviewed_by_id is not None:
            out["reviewed_by"] = record.reviewed_by_id
        return out

    def render_message_flag(self, record: FlagRecord, message: Message) -> dict[str, Any]:
        """An element of ``flags`` in GET /moderation/flags/message (§1.5)."""
        app = self._app
        out: dict[str, Any] = {
            "message": app.chat.render_message(message, show_deleted=True),
            "user": app.users.render_id(record.user_id),
            "created_by_automod": record.created_by_automod,
            "created_at": format_time(record.created_at),
            "updated_at": format_time(record.updated_at),
        }
        self._review_fields(record, out)
        if record.reviewed_by_id is not None:
            out["reviewed_by"] = app.users.render_id(record.reviewed_by_id)
        return out

    @staticmethod
    def _review_fields(record: FlagRecord, out: dict[str, Any]) -> None:
        if record.reason is not None:
            out["reason"] = record.reason
        if record.custom is not None:
            out["custom"] = record.custom
        if record.details is not None:
            out["details"] = record.details
        for key, value in (
            ("approved_at", record.approved_at),
            ("rejected_at", record.rejected_at),
            ("reviewed_at", record.reviewed_at),
        ):
            if value is not None:
                out[key] = format_time(value)

    def render_report(self, report: FlagReport, message: Message | None = None) -> dict[str, Any]:
        """A FlagReport (§1.6)."""
        app = self._app
        if message is None:
            message = app.chat.get_message(report.message_id)
        out: dict[str, Any] = {
            "id": report.id,
            "message": (
                app.chat.render_message(message, show_deleted=True)
                if message is not None
                else {"id": report.message_id, "cid": report.channel_cid}
            ),
            "flags_count": report.flags_count,
            "message_user_id": report.message_user_id,
            "channel_cid": report.channel_cid,
            # ``user`` is the reported message's author (the subject of the report).
            "user": app.users.render_id(report.message_user_id),
            "first_reporter": app.users.render_id(report.first_reporter_id),
            "created_at": format_time(report.created_at),
            "updated_at": format_time(report.updated_at),
        }
        if report.details is not None:
            out["details"] = report.details
        if report.review_result is not None:
            out["review_result"] = report.review_result
            out["review_details"] = report.review_details or {}
        if report.reviewed_at is not None:
            out["reviewed_at"] = format_time(report.reviewed_at)
        if report.reviewed_by_id is not None:
            out["reviewed_by"] = app.users.render_id(report.reviewed_by_id)
        return out

    # -- events --------------------------------------------------------------------------------

    def _emit_message_event(self, event_type: str, record: FlagRecord, message: Message) -> None:
        app = self._app
        channel_type, _, channel_id = message.cid.partition(":")
        payload: dict[str, Any] = {
            "cid": message.cid,
            "channel_type": channel_type,
            "channel_id": channel_id,
            "message_id": message.id,
            "message": app.chat.render_message(message, show_deleted=True),
            "user": app.users.render_id(record.user_id),
            "flag": self.render_flag(record),
            "total_flags": self.total_flags(message_id=message.id),
            "created_by_automod": record.created_by_automod,
        }
        if record.reason is not None:
            payload["reason"] = record.reason
        team = mod_chat.channel_team(app, message.cid)
        if team is not None:
            payload["team"] = team
        app.emit(event_type, **payload)

    def _emit_user_event(self, event_type: str, record: FlagRecord) -> None:
        app = self._app
        payload: dict[str, Any] = {
            "user": app.users.render_id(record.user_id),
            "target_user": app.users.render_id(record.target_id),
            "total_flags": self.total_flags(user_id=record.target_id),
        }
        if record.reason is not None:
            payload["reason"] = record.reason
        app.emit(event_type, **payload)
