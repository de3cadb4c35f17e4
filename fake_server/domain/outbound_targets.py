"""Which events leave the app, and where to (endpoints-moderation-tasks §8.1, §8.4, §8.5)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

TargetKind = Literal["webhook", "sqs", "sns"]

# WebSocket-only client events are not part of the webhook catalogue (§8.4).
_WS_ONLY_PREFIXES: Final = ("typing.", "user.watching.", "connection.")
_WS_ONLY_TYPES: Final = frozenset({"health.check", "user.presence.changed"})
# The few notification.* events that the catalogue does list for webhooks.
_NOTIFICATIONS_DELIVERED: Final = frozenset(
    {"notification.mark_unread", "notification.thread_message_new", "notification.reminder_due"}
)


def in_catalogue(event_type: str) -> bool:
    """Whether an event type may be delivered to webhooks, SQS and SNS at all."""
    if event_type in _WS_ONLY_TYPES or event_type.startswith(_WS_ONLY_PREFIXES):
        return False
    if event_type.startswith("notification."):
        return event_type in _NOTIFICATIONS_DELIVERED
    return True


@dataclass(frozen=True, slots=True)
class Target:
    """One destination: a webhook URL, an SQS queue URL or an SNS topic ARN, with its event
    filter (empty = every event of the catalogue)."""

    kind: TargetKind
    address: str
    event_types: frozenset[str]

    def wants(self, event_type: str) -> bool:
        if not self.event_types or "*" in self.event_types:
            return True
        return event_type in self.event_types


_LEGACY_KEYS: Final[tuple[tuple[TargetKind, str], ...]] = (
    ("webhook", "webhook_url"),
    ("sqs", "sqs_url"),
    ("sns", "sns_topic_arn"),
)
_HOOK_KEYS: Final[dict[str, tuple[TargetKind, str]]] = {
    "webhook": ("webhook", "webhook_url"),
    "sqs": ("sqs", "sqs_queue_url"),
    "sns": ("sns", "sns_topic_arn"),
}


def _event_types(value: object) -> frozenset[str]:
    if isinstance(value, list | tuple):
        return frozenset(item for item in value if isinstance(item, str) and item)
    return frozenset()


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def targets_from_settings(settings: Mapping[str, Any]) -> list[Target]:
    """The 2024 fields (``webhook_url``, ``sqs_url``, ``sns_topic_arn`` filtered by
    ``webhook_events``) plus the newer ``event_hooks`` array when present (enabled hooks of
    type webhook/sqs/sns, each with its own ``event_types``)."""
    found: list[Target] = []
    for kind, key in _LEGACY_KEYS:
        address = _text(settings.get(key))
        if address:
            found.append(Target(kind, address, _event_types(settings.get("webhook_events"))))
    hooks = settings.get("event_hooks")
    if not found and not hooks:
        return found  # the common case, checked on every event
    if isinstance(hooks, list):
        for hook in hooks:
            if not isinstance(hook, dict) or hook.get("enabled") is False:
                continue
            hook_type = hook.get("hook_type")
            spec = _HOOK_KEYS.get(hook_type) if isinstance(hook_type, str) else None
            if spec is None:
                continue
            kind, address_key = spec
            address = _text(hook.get(address_key))
            if address:
                found.append(Target(kind, address, _event_types(hook.get("event_types"))))
    # One delivery per distinct destination even if configured twice.
    unique: dict[tuple[str, str], Target] = {}
    for target in found:
        slot = (target.kind, target.address)
        previous = unique.get(slot)
        if previous is None:
            unique[slot] = target
        elif previous.event_types and target.event_types:
            unique[slot] = Target(target.kind, target.address, previous.event_types | target.event_types)
        else:
            unique[slot] = Target(target.kind, target.address, frozenset())
    return list(unique.values())
