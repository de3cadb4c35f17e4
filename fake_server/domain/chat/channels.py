"""Channel lifecycle: get-or-create (§2.1), full/partial update (§2.3, §2.5), delete (§2.6-2.7)
and truncate (§2.8)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.channel_types import OVERRIDABLE_KEYS
from fake_server.domain.chat import inputs, reads, render
from fake_server.domain.chat.models import MEMBER_ROLE, Channel, Member, Message
from fake_server.domain.errors import input_error, not_allowed
from fake_server.domain.ids import check_channel_id, split_cid
from fake_server.domain.timefmt import parse_time

if TYPE_CHECKING:
    from fake_server.domain.chat import ChatCore

MAX_COOLDOWN = 120
MAX_DELETE_MANY = 100
BUILTIN_SETTABLE = frozenset(
    {"frozen", "disabled", "cooldown", "team", "config_overrides", "auto_translation_enabled", "auto_translation_language"}
)
# Read-only keys a fetched channel carries; a full update ignores them (§2.3).
ECHOED_KEYS = frozenset(
    {
        "cid", "id", "type", "created_at", "updated_at", "created_by", "created_by_id", "member_count",
        "config", "last_message_at", "deleted_at", "truncated_at", "truncated_by", "truncated_by_id",
        "members", "invites", "hidden", "muted", "mute_expires_at", "own_capabilities", "message_count",
        "blocked",
    }
)
# Keys of ``data`` that are rejected on creation (§2.1: observed + recommended).
CREATE_RESERVED = frozenset(
    {
        "cooldown", "muted", "mute_expires_at", "cid", "id", "type", "created_at", "updated_at",
        "deleted_at", "last_message_at", "member_count", "config",
    }
)
# Keys ``set``/``unset`` of a partial update may not touch (§2.5: 403/17).
PARTIAL_RESERVED = frozenset(
    {
        "created_at", "updated_at", "members", "member_count", "id", "cid", "type", "created_by",
        "created_by_id", "last_message_at", "deleted_at", "config", "truncated_at", "truncated_by",
        "hidden", "muted", "own_capabilities",
    }
)
_BOOL_OVERRIDES = frozenset(
    {"typing_events", "reactions", "replies", "quotes", "uploads", "url_enrichment",
     "user_message_reminders", "shared_locations", "count_messages"}
)


def distinct_id(member_ids: list[str]) -> str:
    """conventions §7.3: ``!members-`` + base64url(sha256(sorted unique ids joined by ',')), no padding."""
    digest = hashlib.sha256(",".join(sorted(set(member_ids))).encode()).digest()
    return "!members-" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


@dataclass(slots=True)
class MemberEntry:
    user_id: str
    channel_role: str | None = None
    custom: dict[str, Any] = field(default_factory=dict)


def parse_member_entries(value: object, name: str) -> list[MemberEntry]:
    """A member list: user-id strings or ``{user_id, channel_role?, ...custom}`` (max 100)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise input_error(f'expected array for field "{name}"')
    if len(value) > inputs.MAX_BATCH:
        raise input_error(f"max {inputs.MAX_BATCH} members are allowed in {name}")
    entries: dict[str, MemberEntry] = {}
    for item in value:
        if isinstance(item, str) and item:
            entries.setdefault(item, MemberEntry(item))
        elif isinstance(item, dict) and isinstance(item.get("user_id") or item.get("user", {}).get("id"), str):
            user_id = item.get("user_id") or item["user"]["id"]
            role = inputs.string(item.get("channel_role"), f"{name}.channel_role")
            custom = {k: v for k, v in item.items() if k not in ("user_id", "user", "channel_role", "role")}
            inputs.check_custom_size(custom, "member")
            entries[user_id] = MemberEntry(user_id, role, custom)
        else:
            raise input_error(f'invalid member in "{name}": expected a user id or an object with "user_id"')
    return list(entries.values())


def require_users(core: ChatCore, user_ids: list[str], context: str) -> None:
    missing = [uid for uid in user_ids if core.app.users.get(uid) is None]
    if missing:
        if context == "create":
            raise input_error(
                "The following users are involved in channel create operation, but don't exist: "
                f"[{' '.join(missing)}]. Please create the user objects before setting up the channel."
            )
        raise input_error(f"could not find user `{missing[0]}` from {context}")


def validate_overrides(value: object) -> dict[str, Any]:
    overrides = inputs.obj(value, "config_overrides")
    for key, item in overrides.items():
        if key not in OVERRIDABLE_KEYS:
            raise input_error(f"config_overrides.{key} cannot be overridden on a channel")
        if key in _BOOL_OVERRIDES and not isinstance(item, bool):
            raise input_error(f'expected boolean for field "config_overrides.{key}"')
        if key == "max_message_length" and (
            isinstance(item, bool) or not isinstance(item, int) or not 1 <= item <= 20_000
        ):
            raise input_error("config_overrides.max_message_length must be between 1 and 20000")
        if key == "blocklist_behavior" and item not in ("flag", "block", "shadow_block"):
            raise input_error("config_overrides.blocklist_behavior must be one of flag, block, shadow_block")
        if key == "commands" and not (isinstance(item, list) and all(isinstance(c, str) for c in item)):
            raise input_error('expected array of strings for field "config_overrides.commands"')
    return dict(overrides)


def check_cooldown(value: object) -> int:
    number = inputs.integer(value, "cooldown")
    if number is None:
        return 0
    if not 0 <= number <= MAX_COOLDOWN:
        raise input_error(f"cooldown must be between 0 and {MAX_COOLDOWN} seconds")
    return number


def apply_builtin(channel: Channel, key: str, value: Any) -> None:
    """Set one settable built-in field (validated)."""
    if key in ("frozen", "disabled", "auto_translation_enabled"):
        setattr(channel, key, inputs.flag(value, key))
    elif key == "cooldown":
        channel.cooldown = check_cooldown(value)
    elif key == "team":
        channel.team = inputs.string(value, "team")
    elif key == "auto_translation_language":
        channel.auto_translation_language = inputs.string(value, key)
    elif key == "config_overrides":
        channel.config_overrides = validate_overrides(value)


def reset_builtin(channel: Channel, key: str) -> None:
    defaults: dict[str, Any] = {
        "frozen": False, "disabled": False, "cooldown": 0, "team": None, "config_overrides": {},
        "auto_translation_enabled": None, "auto_translation_language": None,
    }
    setattr(channel, key, defaults[key])


# -- get-or-create ----------------------------------------------------------------------------


def resolve_id(channel_id: str | None, data: dict[str, Any]) -> tuple[str, frozenset[str] | None]:
    """The channel id (validated, or derived from the member set for id-less requests)."""
    if channel_id is not None:
        return check_channel_id(channel_id, "id"), None
    member_ids = [entry.user_id for entry in parse_member_entries(data.get("members"), "data.members")]
    if len(set(member_ids)) < 2:
        raise input_error("When using member based IDs specify at least 2 members")
    return distinct_id(member_ids), frozenset(member_ids)


def create_channel(
    core: ChatCore,
    channel_type: str,
    channel_id: str,
    data: dict[str, Any],
    *,
    distinct_members: frozenset[str] | None,
    client_user: str | None,
    hide_for_creator: bool = False,
) -> Channel:
    """Create (or recreate after a soft delete) a channel from get-or-create ``data``."""
    app = core.app
    creator = inputs.acting_user(
        app, data, "data", create=True, fallback=client_user, id_key="created_by_id", object_key="created_by"
    )
    assert creator is not None
    inputs.reserved_error("data", (key for key in data if key in CREATE_RESERVED))
    members = parse_member_entries(data.get("members"), "data.members")
    invites = parse_member_entries(data.get("invites"), "data.invites")
    require_users(core, [e.user_id for e in members + invites], "create")
    custom = {
        key: value
        for key, value in data.items()
        if key not in BUILTIN_SETTABLE and key not in ("members", "invites", "created_by", "created_by_id", "truncated_by_id")
    }
    inputs.check_custom_size(custom, "channel")
    now = app.clock.now()
    channel = Channel(
        type=channel_type, id=channel_id, created_at=now, updated_at=now,
        created_by_id=creator.id, custom=custom, distinct_member_ids=distinct_members,
    )
    for key in BUILTIN_SETTABLE - {"cooldown"}:
        if data.get(key) is not None:
            apply_builtin(channel, key, data[key])
    old = core.store.channels.get(channel.cid)
    if old is not None:
        core.store.drop_channel(old)
    core.store.add_channel(channel)
    invited = {e.user_id for e in invites}
    for entry in [*members, *(e for e in invites if e.user_id not in {m.user_id for m in members})]:
        add_member(core, channel, entry, now, invited=entry.user_id in invited)
    if hide_for_creator and creator.id in channel.members:
        channel.members[creator.id].hidden = True
    rendered = render.render_channel(core, channel)
    core.channel_event("channel.created", channel, channel=rendered, user=app.users.render(creator))
    for member in channel.members.values():
        member_event(core, channel, "member.added", member)
        note = "notification.invited" if member.invited else "notification.added_to_channel"
        core.channel_event(note, channel, channel=rendered, member=render.render_member(core, channel, member))
    return channel


def add_member(core: ChatCore, channel: Channel, entry: MemberEntry, now: datetime, *, invited: bool = False) -> Member:
    """Add a new member (read state starting now: earlier messages are not unread)."""
    member = Member(
        user_id=entry.user_id, created_at=now, updated_at=now,
        channel_role=entry.channel_role or MEMBER_ROLE, invited=invited, custom=dict(entry.custom),
    )
    core.store.add_member(channel, member)
    read = channel.reads.get(entry.user_id)
    if read is None:
        reads.read_state(channel, entry.user_id, now)
    else:
        read.last_read, read.unread_messages = now, 0
    return member


def member_event(core: ChatCore, channel: Channel, event_type: str, member: Member) -> None:
    core.channel_event(
        event_type, channel, member=render.render_member(core, channel, member), user=render.user(core, member.user_id)
    )


# -- updates ------------------------------------------------------------------------------------


def full_update(core: ChatCore, channel: Channel, data: dict[str, Any]) -> None:
    """§2.3: replace custom data; built-ins absent from ``data`` keep their value (§9 Q9)."""
    custom = {k: v for k, v in data.items() if k not in ECHOED_KEYS and k not in BUILTIN_SETTABLE}
    for key in custom:
        if "." in key or " " in key:
            raise input_error(f'invalid field name "data.{key}"')
    inputs.check_custom_size(custom, "channel")
    staged = staged_builtins(channel)
    for key in BUILTIN_SETTABLE:
        if key in data and data[key] is not None:
            apply_builtin(staged, key, data[key])  # data.cooldown accepted (§9 Q10)
    commit_builtins(staged, channel)
    channel.custom = custom
    channel.updated_at = core.app.clock.now()


def partial_update(core: ChatCore, channel: Channel, to_set: dict[str, Any], to_unset: list[str]) -> None:
    """§2.5: dot-path ``set``/``unset`` of custom fields and settable built-ins."""
    for key in [*to_set, *to_unset]:
        top = inputs.root(key)
        if top in PARTIAL_RESERVED:
            raise not_allowed(f"field `{top}` is reserved and cannot updated")
    staged = staged_builtins(channel)
    custom = deep_copy(channel.custom)
    for key, value in to_set.items():
        top = inputs.root(key)
        if top in BUILTIN_SETTABLE:
            if key != top and top != "config_overrides":
                raise input_error(f'field "{top}" is not an object')
            if key != top:
                overrides = deep_copy(staged.config_overrides)
                inputs.set_path(overrides, key.split(".", 1)[1], value)
                value = overrides
            apply_builtin(staged, top, value)
        else:
            inputs.set_path(custom, key, value)
    for key in to_unset:
        top = inputs.root(key)
        if top in BUILTIN_SETTABLE:
            if key == top:
                reset_builtin(staged, top)
            elif top == "config_overrides":
                overrides = deep_copy(staged.config_overrides)
                inputs.unset_path(overrides, key.split(".", 1)[1])
                staged.config_overrides = overrides
        else:
            inputs.unset_path(custom, key)
    inputs.check_custom_size(custom, "channel")
    commit_builtins(staged, channel)
    channel.custom = custom
    channel.updated_at = core.app.clock.now()


def staged_builtins(channel: Channel) -> Channel:
    return Channel(
        type=channel.type, id=channel.id, created_at=channel.created_at, updated_at=channel.updated_at,
        frozen=channel.frozen, disabled=channel.disabled, cooldown=channel.cooldown, team=channel.team,
        auto_translation_enabled=channel.auto_translation_enabled,
        auto_translation_language=channel.auto_translation_language,
        config_overrides=dict(channel.config_overrides),
    )


def commit_builtins(staged: Channel, channel: Channel) -> None:
    for key in BUILTIN_SETTABLE:
        setattr(channel, key, getattr(staged, key))


def deep_copy(value: dict[str, Any]) -> dict[str, Any]:
    return {k: deep_copy(v) if isinstance(v, dict) else v for k, v in value.items()}


def updated_event(core: ChatCore, channel: Channel, actor: str | None, message: Message | None = None) -> None:
    payload: dict[str, Any] = {"channel": render.render_channel(core, channel)}
    if actor is not None:
        payload["user"] = render.user(core, actor)
    if message is not None:
        payload["message"] = render.render_message(core, message)
    core.channel_event("channel.updated", channel, **payload)


# -- deletion and truncation ----------------------------------------------------------------------


def delete_channel(core: ChatCore, channel: Channel, *, hard: bool) -> dict[str, Any]:
    """§2.6: soft delete (``deleted_at``) or purge; returns the reduced channel rendering."""
    now = core.app.clock.now()
    channel.deleted_at = now
    rendered = render.render_channel(core, channel, deleted_view=True)
    for member in list(channel.members.values()):
        core.channel_event(
            "notification.channel_deleted", channel, channel=rendered, user=render.user(core, member.user_id)
        )
    if hard:
        core.store.drop_channel(channel)
    core.channel_event("channel.deleted", channel, channel=rendered, hard_delete=hard)
    return rendered


def delete_many(core: ChatCore, cids: object, *, hard: bool) -> str:
    """§2.7: delete every listed channel now; per-cid results go to the task (§9 Q19)."""
    if not isinstance(cids, list) or not cids:
        raise input_error("cids is a required field", cids="is required")
    if len(cids) > MAX_DELETE_MANY:
        raise input_error(f"cids accepts at most {MAX_DELETE_MANY} channels")
    parsed = [split_cid(cid, "cids") for cid in cids]
    result: dict[str, Any] = {}
    for channel_type, channel_id in parsed:
        cid = f"{channel_type}:{channel_id}"
        channel = core.store.channels.get(cid)
        if channel is None or (channel.deleted and not hard):
            result[cid] = {"status": "error", "error": f"channel {cid} does not exist"}
            continue
        delete_channel(core, channel, hard=hard)
        result[cid] = {"status": "ok"}
    return core.app.tasks.run("delete_channels", result).id


def truncate(
    core: ChatCore,
    channel: Channel,
    *,
    hard: bool,
    truncated_at: object,
    actor: str | None,
) -> datetime:
    """§2.8: hide (or purge) messages up to the cut-off and zero every unread count."""
    now = core.app.clock.now()
    cutoff = now
    if truncated_at is not None:
        cutoff = parse_time(truncated_at, "truncated_at")
        if cutoff > now:
            raise input_error("truncated_at cannot be in the future")
    channel.truncated_at = cutoff
    channel.truncated_by_id = actor
    channel.updated_at = now
    if hard:
        purge_messages(core, channel, [m for m in channel.messages if m.created_at <= cutoff])
    for read in channel.reads.values():
        read.last_read, read.unread_messages, read.first_unread_message_id = now, 0, None
    return cutoff


def purge_messages(core: ChatCore, channel: Channel, doomed: list[Message]) -> None:
    """Hard-delete messages (and, for parents, their replies) from a channel."""
    if not doomed:
        return
    gone: set[str] = set()
    for message in doomed:
        gone.add(message.id)
        gone.update(reply.id for reply in message.replies)
    for message in channel.messages:
        if message.id in gone:
            core.store.forget_message(message)
    channel.messages[:] = [m for m in channel.messages if m.id not in gone]
    for message in channel.messages:
        if message.replies:
            message.replies = [r for r in message.replies if r.id not in gone]


def recompute_last_message_at(core: ChatCore, channel: Channel) -> None:
    """After a hard delete: the newest remaining listed message, or none (§3.6)."""
    skip_system = bool(render.effective_config(core, channel).get("skip_last_msg_update_for_system_msgs"))
    channel.last_message_at = None
    for message in reversed(channel.messages):
        if message.pending or not message.in_channel_list:
            continue
        if skip_system and message.type == "system":
            continue
        channel.last_message_at = message.created_at
        return


def parse_cid_or_type_id(body: dict[str, Any]) -> str | None:
    """A channel named by ``channel_cid`` or by ``type`` + ``id`` (moderation requests)."""
    cid = body.get("channel_cid")
    if cid not in (None, ""):
        parsed_type, parsed_id = split_cid(cid, "channel_cid")
        return f"{parsed_type}:{parsed_id}"
    channel_type, channel_id = body.get("type"), body.get("id")
    if channel_type in (None, "") and channel_id in (None, ""):
        return None
    if not isinstance(channel_type, str) or not isinstance(channel_id, str) or not channel_type or not channel_id:
        raise input_error("both type and id are required to name a channel")
    return f"{channel_type}:{channel_id}"


def require_cid(core: ChatCore, cid: str) -> Channel:
    channel_type, channel_id = split_cid(cid)
    return core.require_channel(channel_type, channel_id)
