"""The stored campaign (models §14) and the validation of its editable fields (§6.4, §6.6)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.campaign_templates import TemplateError, check_template
from fake_server.domain.errors import input_error

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

DRAFT: Final = "draft"
SCHEDULED: Final = "scheduled"
IN_PROGRESS: Final = "in_progress"
STOPPED: Final = "stopped"
COMPLETED: Final = "completed"

MAX_SEGMENTS: Final = 25
MAX_USERS: Final = 10_000
MAX_TEMPLATE_MEMBERS: Final = 1000
MAX_ATTACHMENTS: Final = 30
MAX_CHANNEL_TYPE_LENGTH: Final = 64
SENDER_MODES: Final = ("exclude", "include")
SENDER_VISIBILITIES: Final = ("hidden", "archived")

# Keys of a campaign body that are built-in fields; any other key is forwarded unchanged.
BUILTIN_KEYS: Final = frozenset(
    {
        "id", "name", "description", "sender_id", "sender", "sender_mode", "sender_visibility",
        "segment_ids", "segments", "user_ids", "users", "create_channels", "show_channels",
        "channel_template", "message_template", "skip_push", "skip_webhook", "status",
        "scheduled_for", "stop_at", "created_at", "updated_at", "stats", "duration",
    }
)


@dataclass(slots=True)
class CampaignStats:
    started_at: datetime | None = None
    completed_at: datetime | None = None
    messages_sent: int = 0
    channels_created: int = 0
    users_sent: int = 0
    progress: float = 0.0


@dataclass(slots=True)
class CampaignFields:
    """The editable part of a campaign, as validated from a create/update body."""

    sender_id: str
    message_template: dict[str, Any]
    name: str = ""
    description: str = ""
    segment_ids: list[str] = field(default_factory=list)
    user_ids: list[str] = field(default_factory=list)
    create_channels: bool = False
    show_channels: bool = False
    channel_template: dict[str, Any] | None = None
    skip_push: bool = False
    skip_webhook: bool = False
    sender_mode: str | None = None
    sender_visibility: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class Campaign:
    id: str
    fields: CampaignFields
    created_at: datetime
    updated_at: datetime
    status: str = DRAFT
    scheduled_for: datetime | None = None
    stop_at: datetime | None = None
    stats: CampaignStats = field(default_factory=CampaignStats)
    # (cid, receiver id, message id) of every message sent to a target user
    sent: list[tuple[str, str, str]] = field(default_factory=list)


def _bool(body: dict[str, Any], key: str) -> bool:
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise input_error(f"{key} must be a boolean", **{key: "must be a boolean"})
    return value


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise input_error(f"{key} must be a string", **{key: "must be a string"})
    return value


def _string_list(body: dict[str, Any], key: str, maximum: int) -> list[str]:
    value = body.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise input_error(f"{key} must be an array of non-empty strings", **{key: "invalid"})
    if len(value) > maximum:
        raise input_error(f"{key} accepts at most {maximum} entries, got {len(value)}", **{key: "too many"})
    return list(dict.fromkeys(value))


def _choice(body: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise input_error(f"{key} must be one of {', '.join(allowed)} or null", **{key: "invalid"})
    return str(value)


def _template_text(value: str, where: str) -> None:
    try:
        check_template(value)
    except TemplateError as exc:
        raise input_error(f"{where}: {exc}", **{where: "invalid template"}) from None


def _message_template(value: object) -> dict[str, Any]:
    if value is None:
        raise input_error("message_template is a required field", message_template="is required")
    if not isinstance(value, dict):
        raise input_error("message_template must be an object", message_template="must be an object")
    text = value.get("text")
    if not isinstance(text, str) or not text:
        raise input_error("message_template.text is a required field", **{"message_template.text": "is required"})
    _template_text(text, "message_template.text")
    attachments = value.get("attachments")
    if attachments is not None and (
        not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments)
    ):
        raise input_error("message_template.attachments must be an array of objects")
    if isinstance(attachments, list) and len(attachments) > MAX_ATTACHMENTS:
        raise input_error(f"message_template.attachments accepts at most {MAX_ATTACHMENTS} attachments")
    custom = value.get("custom")
    if custom is not None and not isinstance(custom, dict):
        raise input_error("message_template.custom must be an object")
    poll_id = value.get("poll_id")
    if poll_id is not None and not isinstance(poll_id, str):
        raise input_error("message_template.poll_id must be a string")
    return copy.deepcopy(value)


def _channel_template(app: ChatApp, value: object, *, required: bool) -> dict[str, Any] | None:
    if value is None:
        if required:
            raise input_error(
                "channel_template with a type is required when create_channels is true",
                channel_template="is required",
            )
        return None
    if not isinstance(value, dict):
        raise input_error("channel_template must be an object", channel_template="must be an object")
    channel_type = value.get("type")
    if not isinstance(channel_type, str) or not channel_type:
        raise input_error("channel_template.type is a required field", **{"channel_template.type": "is required"})
    if len(channel_type) > MAX_CHANNEL_TYPE_LENGTH:
        raise input_error(f"channel_template.type must be at most {MAX_CHANNEL_TYPE_LENGTH} characters")
    if app.channel_types.get(channel_type) is None:
        raise input_error(f"channel type {channel_type} does not exist", **{"channel_template.type": "unknown"})
    channel_id = value.get("id")
    if channel_id is not None:
        if not isinstance(channel_id, str) or not channel_id:
            raise input_error("channel_template.id must be a non-empty string")
        _template_text(channel_id, "channel_template.id")
    members = value.get("members")
    members_template = value.get("members_template")
    if members is not None and members_template is not None:
        raise input_error("channel_template.members and channel_template.members_template are mutually exclusive")
    if members is not None:
        if not isinstance(members, list) or not all(isinstance(m, str) and m for m in members):
            raise input_error("channel_template.members must be an array of user ids")
        if len(members) > MAX_TEMPLATE_MEMBERS:
            raise input_error(f"channel_template.members accepts at most {MAX_TEMPLATE_MEMBERS} ids")
    if members_template is not None:
        if not isinstance(members_template, list) or not all(
            isinstance(m, dict) and isinstance(m.get("user_id"), str) and m["user_id"] for m in members_template
        ):
            raise input_error("channel_template.members_template must be an array of {user_id, channel_role?, custom?}")
        if len(members_template) > MAX_TEMPLATE_MEMBERS:
            raise input_error(f"channel_template.members_template accepts at most {MAX_TEMPLATE_MEMBERS} entries")
    custom = value.get("custom")
    if custom is not None and not isinstance(custom, dict):
        raise input_error("channel_template.custom must be an object")
    team = value.get("team")
    if team is not None and not isinstance(team, str):
        raise input_error("channel_template.team must be a string")
    return copy.deepcopy(value)


def parse_fields(app: ChatApp, body: dict[str, Any]) -> CampaignFields:
    """Validate the editable fields of a create (or full update) body (§6.4)."""
    sender_id = body.get("sender_id")
    if not isinstance(sender_id, str) or not sender_id:
        raise input_error("sender_id is a required field", sender_id="is required")
    if app.users.get(sender_id) is None:
        raise input_error(f"sender {sender_id} does not exist", sender_id="does not exist")
    message_template = _message_template(body.get("message_template"))
    segment_ids = _string_list(body, "segment_ids", MAX_SEGMENTS)
    user_ids = _string_list(body, "user_ids", MAX_USERS)
    if segment_ids and user_ids:
        raise input_error("segment_ids and user_ids are mutually exclusive", segment_ids="exclusive", user_ids="exclusive")
    segments = app.campaigns.segments
    for segment_id in segment_ids:
        if segments.get(segment_id) is None:
            raise input_error(f"segment {segment_id} does not exist", segment_ids="does not exist")
    create_channels = _bool(body, "create_channels")
    return CampaignFields(
        sender_id=sender_id,
        message_template=message_template,
        name=_text(body, "name"),
        description=_text(body, "description"),
        segment_ids=segment_ids,
        user_ids=user_ids,
        create_channels=create_channels,
        show_channels=_bool(body, "show_channels"),
        channel_template=_channel_template(app, body.get("channel_template"), required=create_channels),
        skip_push=_bool(body, "skip_push"),
        skip_webhook=_bool(body, "skip_webhook"),
        sender_mode=_choice(body, "sender_mode", SENDER_MODES),
        sender_visibility=_choice(body, "sender_visibility", SENDER_VISIBILITIES),
        extra={k: copy.deepcopy(v) for k, v in body.items() if k not in BUILTIN_KEYS},
    )
