"""Records of outbound traffic (webhook deliveries, queue messages, hook calls) and the
sender interface the HTTP layer implements (endpoints-moderation-tasks §8).

The domain never speaks HTTP itself: a :class:`Sender` (``fake_server.delivery``) does.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

from fake_server.domain.timefmt import format_optional, format_time

DeliveryStatus = Literal["pending", "delivered", "failed", "discarded"]
VerdictAction = Literal["keep", "rewrite", "reject"]


@dataclass(frozen=True, slots=True)
class SendResult:
    """Outcome of one HTTP POST: a status (any status counts as an answer), or no answer
    because of a timeout or a network error."""

    status: int | None
    body: bytes = b""
    error: str | None = None
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Sender(Protocol):
    """Posts one request; must never raise for network problems (report them instead)."""

    def post(self, url: str, body: bytes, headers: dict[str, str], timeout: float) -> SendResult: ...


@dataclass(slots=True)
class Attempt:
    number: int
    started_at: datetime
    finished_at: datetime
    status_code: int | None
    error: str | None
    timed_out: bool
    response_body: bytes

    def render(self) -> dict[str, Any]:
        return {
            "attempt": self.number,
            "started_at": format_time(self.started_at),
            "finished_at": format_time(self.finished_at),
            "status_code": self.status_code,
            "error": self.error,
            "timed_out": self.timed_out,
            "response_body": _text(self.response_body),
        }


@dataclass(slots=True)
class Delivery:
    """One event POSTed (with retries) to one webhook URL. ``id`` is the ``X-Webhook-Id``."""

    id: str
    url: str
    event_type: str
    body: bytes
    headers: dict[str, str]
    created_at: datetime
    status: DeliveryStatus = "pending"
    attempts: list[Attempt] = field(default_factory=list)
    finished_at: datetime | None = None
    error: str | None = None
    generation: int = 0

    @property
    def event(self) -> dict[str, Any]:
        """The event exactly as sent (parsed back from the signed body)."""
        value: dict[str, Any] = json.loads(self.body)
        return value

    @property
    def signature(self) -> str:
        return self.headers["X-Signature"]

    def render(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "event_type": self.event_type,
            "status": self.status,
            "error": self.error,
            "created_at": format_time(self.created_at),
            "finished_at": format_optional(self.finished_at),
            "headers": dict(self.headers),
            "body": self.body.decode("utf-8"),
            "event": self.event,
            "attempts": [attempt.render() for attempt in self.attempts],
        }


@dataclass(frozen=True, slots=True)
class QueueMessage:
    """One event as it would have been sent to an SQS queue or published to an SNS topic."""

    kind: Literal["sqs", "sns"]
    target: str  # queue URL or topic ARN
    message_id: str
    event_type: str
    body: str  # the event JSON (SQS message body / SNS ``Message`` string)
    md5_of_body: str
    sent_at: datetime

    @property
    def event(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(self.body)
        return value

    def render(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message_id": self.message_id,
            "event_type": self.event_type,
            "md5_of_body": self.md5_of_body,
            "sent_at": format_time(self.sent_at),
            "event": self.event,
        }
        if self.kind == "sqs":
            out["queue_url"] = self.target
            out["body"] = self.body
        else:
            out["topic_arn"] = self.target
            out["message"] = self.body
        return out


@dataclass(frozen=True, slots=True)
class HookVerdict:
    """What a before-message-send hook or a custom command handler decided.

    - ``keep``: store the message as submitted (also the fail-open outcome: ``failed`` is
      then true and ``detail`` says why).
    - ``rewrite``: ``changes`` holds the fields that overwrite the submitted message (only
      ``text``, ``i18n``, ``show_in_channel``, ``silent``, ``type``, ``attachments`` and
      custom keys; other built-in fields of the answer are ignored).
    - ``reject``: do not store; the sender receives a message of type ``error`` whose text
      is ``error_text`` (the send call still answers 200).
    """

    action: VerdictAction
    changes: dict[str, Any] = field(default_factory=dict)
    error_text: str | None = None
    called: bool = True
    failed: bool = False
    detail: str | None = None

    def apply(self, message: dict[str, Any]) -> dict[str, Any]:
        """The message input after this verdict (a new dict; unchanged for keep/reject)."""
        if self.action != "rewrite":
            return dict(message)
        return {**message, **self.changes}


@dataclass(slots=True)
class HookCall:
    """One synchronous call of the before-send hook or of the custom command handler."""

    kind: Literal["before_message_send", "custom_command"]
    url: str
    request_body: bytes
    headers: dict[str, str]
    at: datetime
    status_code: int | None
    response_body: bytes
    error: str | None
    timed_out: bool
    action: str

    def render(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "url": self.url,
            "at": format_time(self.at),
            "headers": dict(self.headers),
            "request_body": _text(self.request_body),
            "status_code": self.status_code,
            "response_body": _text(self.response_body),
            "error": self.error,
            "timed_out": self.timed_out,
            "action": self.action,
        }


def _text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(raw).decode("ascii")
