"""Validation of channel-type settings (endpoints-users-app §4, models §7.1-7.2).

``parse_settings`` turns a create/update body into a ``SettingsChange``; nothing is applied
until the whole body validated, so a rejected request changes nothing. JSON ``null`` means
"absent" for every key except ``grants`` (endpoints §0.4).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from fake_server.domain.config_validation import (
    as_bool,
    as_enum,
    as_int,
    as_number,
    as_object,
    as_str,
    as_str_list,
    type_error,
)
from fake_server.domain.errors import input_error

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

# Feature flags every channel type carries (defaults in channel_types.FEATURE_DEFAULTS).
BOOL_FLAGS = (
    "typing_events", "read_events", "connect_events", "custom_events", "search", "reactions",
    "replies", "quotes", "mutes", "uploads", "url_enrichment", "push_notifications",
    "reminders", "mark_messages_pending", "polls", "skip_last_msg_update_for_system_msgs",
)
# Newer flags (models §7.1): stored and emitted only once set.
OPTIONAL_BOOL_FLAGS = (
    "count_messages", "user_message_reminders", "shared_locations", "delivery_events", "read_receipts",
)
AUTOMOD_MODES = ("disabled", "simple", "AI")
BEHAVIORS = ("flag", "block", "shadow_block")
THRESHOLD_KINDS = ("explicit", "spam", "toxic")
MAX_MESSAGE_LENGTH = 20_000
_DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
_DAYS = re.compile(r"^[1-9]\d*$")

UNSET: Any = object()


@dataclass(slots=True)
class SettingsChange:
    """Validated settings of a channel-type body.

    ``config`` holds the keys to set and ``cleared`` the optional keys to remove; ``commands``
    is ``None`` when absent; ``grants`` is ``UNSET`` when absent, ``None`` to reset the scope.
    """

    config: dict[str, Any] = field(default_factory=dict)
    cleared: set[str] = field(default_factory=set)
    commands: tuple[list[str], bool] | None = None
    grants: Any = UNSET
    permissions: list[dict[str, Any]] | None = None


def parse_settings(app: ChatApp, body: dict[str, Any], *, creating: bool) -> SettingsChange:
    change = SettingsChange()
    config = change.config
    for key in (*BOOL_FLAGS, *OPTIONAL_BOOL_FLAGS):
        if body.get(key) is not None:
            config[key] = as_bool(body[key], key)
    if body.get("max_message_length") is not None:
        config["max_message_length"] = as_int(
            body["max_message_length"], "max_message_length", minimum=1, maximum=MAX_MESSAGE_LENGTH
        )
    if body.get("message_retention") is not None:
        config["message_retention"] = _retention(body["message_retention"])
    if body.get("automod") is not None:
        config["automod"] = as_enum(body["automod"], "automod", AUTOMOD_MODES)
    if body.get("automod_behavior") is not None:
        config["automod_behavior"] = as_enum(body["automod_behavior"], "automod_behavior", BEHAVIORS)
    if body.get("automod_thresholds") is not None:
        config["automod_thresholds"] = _thresholds(body["automod_thresholds"])
    _parse_blocklists(app, body, change)
    if body.get("allowed_flag_reasons") is not None:
        config["allowed_flag_reasons"] = as_str_list(body["allowed_flag_reasons"], "allowed_flag_reasons")
    if body.get("partition_size") is not None:
        # ">= 10 on create" (endpoints §4); kept for updates too.
        config["partition_size"] = as_int(body["partition_size"], "partition_size", minimum=10)
    if body.get("partition_ttl") is not None:
        ttl = as_str(body["partition_ttl"], "partition_ttl")
        if not _DURATION.match(ttl):
            raise input_error(f'partition_ttl "{ttl}" is not a duration such as "24h"', partition_ttl="invalid duration")
        config["partition_ttl"] = ttl
    if body.get("commands") is not None:
        names = as_str_list(body["commands"], "commands")
        change.commands = app.commands.expand(names)
    if "grants" in body:
        grants = body["grants"]
        if grants is None and creating:
            grants = UNSET  # creating with null grants = the default copy
        change.grants = grants if grants is None or grants is UNSET else app.access.validate_grants(grants)
    if body.get("permissions") is not None:
        change.permissions = _policies(body["permissions"])
    return change


def _retention(value: object) -> str:
    # "infinite" or a number of days; a bare integer is accepted and stored as a string.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = as_str(value, "message_retention")
    if text != "infinite" and not _DAYS.match(text):
        raise input_error(
            f'message_retention must be "infinite" or a number of days, got "{text}"',
            message_retention="invalid",
        )
    return text


def _thresholds(value: object) -> dict[str, Any]:
    thresholds = as_object(value, "automod_thresholds")
    out: dict[str, Any] = {}
    for kind, levels in thresholds.items():
        where = f"automod_thresholds.{kind}"
        if kind not in THRESHOLD_KINDS:
            raise input_error(f'{where} is not one of {", ".join(THRESHOLD_KINDS)}', automod_thresholds="unknown kind")
        levels = as_object(levels, where)
        entry: dict[str, float] = {}
        for level, number in levels.items():
            if level not in ("flag", "block"):
                raise input_error(f"{where}.{level} is not flag or block", automod_thresholds="unknown level")
            entry[level] = as_number(number, f"{where}.{level}", minimum=0, maximum=1)
        out[kind] = entry
    return out


def _parse_blocklists(app: ChatApp, body: dict[str, Any], change: SettingsChange) -> None:
    config = change.config
    name = body.get("blocklist")
    if name is not None:
        name = as_str(name, "blocklist")
        if name == "":
            change.cleared |= {"blocklist", "blocklist_behavior"}
        else:
            app.blocklists.require_reference(name, "blocklist")
            config["blocklist"] = name
    if body.get("blocklist_behavior") is not None:
        config["blocklist_behavior"] = as_enum(body["blocklist_behavior"], "blocklist_behavior", BEHAVIORS)
        change.cleared.discard("blocklist_behavior")
    if body.get("blocklists") is not None:
        entries = body["blocklists"]
        if not isinstance(entries, list):
            raise type_error("blocklists", "an array", entries)
        parsed: list[dict[str, str]] = []
        for index, entry in enumerate(entries):
            where = f"blocklists[{index}]"
            item = as_object(entry, where)
            list_name = as_str(item.get("blocklist"), f"{where}.blocklist")
            app.blocklists.require_reference(list_name, f"{where}.blocklist")
            behavior = item.get("behavior")
            parsed.append({
                "blocklist": list_name,
                "behavior": "flag" if behavior is None else as_enum(behavior, f"{where}.behavior", BEHAVIORS),
            })
        if parsed:
            config["blocklists"] = parsed
        else:
            change.cleared.add("blocklists")


def _policies(value: object) -> list[dict[str, Any]]:
    """Legacy v1 policies ``{name, action: Allow|Deny, resources, roles, owner, priority}``."""
    if not isinstance(value, list):
        raise type_error("permissions", "an array", value)
    policies: list[dict[str, Any]] = []
    for index, item in enumerate(value):
        where = f"permissions[{index}]"
        policy = dict(as_object(item, where))
        if policy.get("name") is not None:
            as_str(policy["name"], f"{where}.name")
        if policy.get("action") is not None:
            as_enum(policy["action"], f"{where}.action", ("Allow", "Deny"))
        for key in ("resources", "roles"):
            if policy.get(key) is not None:
                as_str_list(policy[key], f"{where}.{key}")
        if policy.get("owner") is not None:
            as_bool(policy["owner"], f"{where}.owner")
        if policy.get("priority") is not None:
            as_int(policy["priority"], f"{where}.priority", minimum=1, maximum=999)
        policies.append(policy)
    return policies


# -- channel-level overrides (for the chat core) ---------------------------------------------------


def parse_overrides(app: ChatApp, value: object, field_name: str = "config_overrides") -> dict[str, Any]:
    """Validate a channel's ``config_overrides`` (models §7.2) and return the normalised object.

    Overridable keys: ``typing_events``, ``reactions``, ``replies``, ``quotes``, ``uploads``,
    ``url_enrichment``, ``user_message_reminders``, ``shared_locations``, ``count_messages``
    (booleans), ``max_message_length`` (1-20000), ``commands`` (names; ``"all"``/set names
    expand), ``blocklist`` (an existing list; ``""`` removes the override), ``blocklist_behavior``,
    ``grants`` (modifiers ``{role: ["id", "!id"]}``). Other keys → 400/4. ``null`` values drop
    the key from the overrides.
    """
    overrides = as_object(value, field_name)
    out: dict[str, Any] = {}
    for key, item in overrides.items():
        where = f"{field_name}.{key}"
        if item is None:
            continue
        if key in ("typing_events", "reactions", "replies", "quotes", "uploads", "url_enrichment",
                   "user_message_reminders", "shared_locations", "count_messages"):
            out[key] = as_bool(item, where)
        elif key == "max_message_length":
            out[key] = as_int(item, where, minimum=1, maximum=MAX_MESSAGE_LENGTH)
        elif key == "commands":
            names, uses_all = app.commands.expand(as_str_list(item, where), where)
            out[key] = app.commands.names() if uses_all else names
        elif key == "blocklist":
            name = as_str(item, where)
            if name:
                app.blocklists.require_reference(name, where)
                out[key] = name
        elif key == "blocklist_behavior":
            out[key] = as_enum(item, where, BEHAVIORS)
        elif key == "grants":
            out[key] = app.access.validate_grant_modifiers(item, where)
        else:
            raise input_error(f'{where} cannot be overridden on a channel', **{field_name: f"{key} is not overridable"})
    return out
