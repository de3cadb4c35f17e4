"""Channel and user exports (endpoints-moderation-tasks §3.3-§3.6).

An export runs as a task (``app.tasks``) that completes within the request that starts it
(the first ``get_task`` already reports ``completed``). Its file is kept by the fake and
served at ``result.url`` = ``<base_url>/exports/<channels|users>/<api_key>/<task_id>.<ext>``
(no credentials needed, like a signed storage URL). ``result.path`` is that path below the
base URL and ``result.s3_bucket_name`` a fixed bucket name. ``export.channels.success`` /
``export.users.success`` events are emitted (``export.*.error`` and a ``failed`` task when
the data cannot be read).

Formats (the spec names them without defining their layout; these are the fake's):

- channel export v1 (``.json``): ``{"version": "v1", "exported_at", "channels": [{"channel":
  ChannelResponse, "members": [ChannelMember], "messages": [Message], "reactions":
  [Reaction]}], "users"?: [User]}`` — messages (replies included) in creation order;
- channel export v2 (``.jsonl``) and user export (``.jsonl``): one ``{"type": <kind>, "data":
  {...}}`` object per line, kinds ``user``, ``channel``, ``member``, ``message``, ``reaction``
  in that order — the import file format (§4), so an export can be imported again.

Options: ``messages_since`` / ``messages_until`` (exclusive bounds, null = none),
``include_truncated_messages`` (default false: messages hidden by a truncation are left
out), ``include_soft_deleted_channels`` (default false: a soft-deleted channel is "missing",
404/16), ``clear_deleted_message_text`` (blank the text of deleted messages; otherwise
deleted messages keep their content, with type ``deleted``), ``export_users`` (add the users
involved: members, authors, reactors). ``format``/``include_fields`` are accepted and ignored.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.chat import render
from fake_server.domain.errors import APIError, input_error, not_found
from fake_server.domain.export_files import BUCKET, ExportFile
from fake_server.domain.ids import split_cid
from fake_server.domain.timefmt import format_time, parse_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.chat import ChatCore
    from fake_server.domain.chat.models import Channel, Member, Message, Reaction

MAX_CHANNELS: Final = 25
MAX_USERS: Final = 25
MAX_MESSAGES_PER_USER: Final = 10_000
VERSIONS: Final = ("v1", "v2")
FORMATS: Final = ("json", "csv")
_MESSAGE_KEYS_V2: Final = frozenset(
    {"id", "text", "html", "type", "attachments", "parent_id", "show_in_channel", "silent"}
)


def _bool_option(body: dict[str, Any], key: str) -> bool:
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise input_error(f"{key} must be a boolean", **{key: "must be a boolean"})
    return value


def _line(kind: str, data: dict[str, Any]) -> str:
    return json.dumps({"type": kind, "data": data}, separators=(",", ":"), ensure_ascii=False, default=str)


class _Request:
    """A validated channel in an export request."""

    def __init__(self, channel: Channel, since: datetime | None, until: datetime | None) -> None:
        self.channel = channel
        self.since = since
        self.until = until


def _channel_requests(core: ChatCore, body: dict[str, Any]) -> list[_Request]:
    channels = body.get("channels")
    if channels is None:
        raise input_error("channels is a required field", channels="is required")
    if not isinstance(channels, list) or not all(isinstance(c, dict) for c in channels):
        raise input_error("channels must be an array of objects", channels="invalid")
    if not channels:
        raise input_error("channels must contain at least one channel", channels="is empty")
    if len(channels) > MAX_CHANNELS:
        raise input_error(f"at most {MAX_CHANNELS} channels can be exported at once, got {len(channels)}", channels="too many")
    include_deleted = _bool_option(body, "include_soft_deleted_channels")
    requests: list[_Request] = []
    for index, entry in enumerate(channels):
        where = f"channels[{index}]"
        cid = entry.get("cid")
        if isinstance(cid, str) and cid:
            split_cid(cid, f"{where}.cid")
        else:
            channel_type, channel_id = entry.get("type"), entry.get("id")
            if not isinstance(channel_type, str) or not channel_type or not isinstance(channel_id, str) or not channel_id:
                raise input_error(f"{where} needs type and id (or cid)", **{where: "type and id are required"})
            cid = f"{channel_type}:{channel_id}"
        since = None if entry.get("messages_since") is None else parse_time(entry["messages_since"], f"{where}.messages_since")
        until = None if entry.get("messages_until") is None else parse_time(entry["messages_until"], f"{where}.messages_until")
        if since is not None and until is not None and since >= until:
            raise input_error(f"{where}.messages_since must be before messages_until")
        channel = core.store.channels.get(cid)
        if channel is None or (channel.deleted_at is not None and not include_deleted):
            raise not_found(f"channel {cid} doesn't exist")
        requests.append(_Request(channel, since, until))
    return requests


def _options(body: dict[str, Any]) -> str:
    version = body.get("version") or "v1"
    if version not in VERSIONS:
        raise input_error(f'version must be "v1" or "v2", got {version!r}', version="invalid")
    export_format = body.get("format")
    if export_format is not None and export_format not in FORMATS:
        raise input_error(f'format must be "json" or "csv", got {export_format!r}', format="invalid")
    for key in ("include_truncated_messages", "include_soft_deleted_channels", "clear_deleted_message_text", "export_users"):
        _bool_option(body, key)
    return str(version)


def _messages(request: _Request, include_truncated: bool) -> list[Message]:
    channel = request.channel
    chosen = []
    for message in sorted(channel.messages, key=lambda m: m.created_at):
        if request.since is not None and message.created_at <= request.since:
            continue
        if request.until is not None and message.created_at >= request.until:
            continue
        truncated_at = channel.truncated_at
        if not include_truncated and truncated_at is not None and message.created_at <= truncated_at:
            continue
        chosen.append(message)
    return chosen


def _user_ids(channel: Channel, messages: list[Message]) -> set[str]:
    ids = set(channel.members)
    if channel.created_by_id:
        ids.add(channel.created_by_id)
    for message in messages:
        ids.add(message.user_id)
        ids.update(message.mentioned_user_ids)
        ids.update(user_id for user_id, _ in message.reactions)
    return ids


def _reactions(messages: list[Message]) -> list[Reaction]:
    found = [reaction for message in messages for reaction in message.reactions.values()]
    return sorted(found, key=lambda r: (r.created_at, r.message_id, r.user_id, r.type))


def _message_v2(core: ChatCore, message: Message, clear_deleted: bool) -> dict[str, Any]:
    channel_type, channel_id = message.cid.split(":", 1)
    rendered = core.render_message(message, show_deleted=not clear_deleted)
    data: dict[str, Any] = dict(message.custom)
    data.update({k: v for k, v in rendered.items() if k in _MESSAGE_KEYS_V2})
    data.update(
        channel_type=channel_type,
        channel_id=channel_id,
        user=message.user_id,
        type="regular" if message.type in ("deleted", "reply") else message.type,
        mentioned_users=list(message.mentioned_user_ids),
        created_at=format_time(message.created_at),
        updated_at=format_time(message.updated_at),
    )
    if message.deleted_at is not None:
        data["deleted_at"] = format_time(message.deleted_at)
        if clear_deleted:
            data.update(text="", html="")
    return data


def _reaction_v2(reaction: Reaction) -> dict[str, Any]:
    return {
        **dict(reaction.custom),
        "message_id": reaction.message_id,
        "user_id": reaction.user_id,
        "type": reaction.type,
        "score": reaction.score,
        "created_at": format_time(reaction.created_at),
    }


def _member_v2(channel: Channel, member: Member) -> dict[str, Any]:
    return {
        **dict(member.custom),
        "channel_type": channel.type,
        "channel_id": channel.id,
        "user_id": member.user_id,
        "channel_role": member.channel_role,
        "created_at": format_time(member.created_at),
    }


def _channel_v2(channel: Channel) -> dict[str, Any]:
    data: dict[str, Any] = {**dict(channel.custom), "type": channel.type, "id": channel.id}
    if channel.created_by_id:
        data["created_by"] = channel.created_by_id
    if channel.team is not None:
        data["team"] = channel.team
    data.update(frozen=channel.frozen, disabled=channel.disabled, created_at=format_time(channel.created_at))
    return data


def _user_v2(app: ChatApp, user_id: str) -> dict[str, Any] | None:
    user = app.users.by_id.get(user_id)
    if user is None:
        return None
    data = app.users.render(user)
    for key in ("online", "banned", "shadow_banned", "blocked_user_ids", "updated_at", "deleted_at", "deactivated_at",
                "ban_expires", "last_active"):
        data.pop(key, None)
    return data


def build_channel_export(app: ChatApp, requests: list[_Request], body: dict[str, Any], version: str) -> tuple[bytes, str, str]:
    core = app.chat
    include_truncated = _bool_option(body, "include_truncated_messages")
    clear_deleted = _bool_option(body, "clear_deleted_message_text")
    with_users = _bool_option(body, "export_users")
    selections = [(request.channel, _messages(request, include_truncated)) for request in requests]
    user_ids: set[str] = set()
    for channel, messages in selections:
        user_ids |= _user_ids(channel, messages)
    if version == "v1":
        document: dict[str, Any] = {
            "version": "v1",
            "exported_at": format_time(app.clock.now()),
            "channels": [
                {
                    "channel": core.render_channel(channel),
                    "members": [
                        render.render_member(core, channel, member)
                        for member in sorted(channel.members.values(), key=lambda m: (m.created_at, m.user_id))
                    ],
                    "messages": [core.render_message(m, show_deleted=not clear_deleted) for m in messages],
                    "reactions": [core.render_reaction(r) for r in _reactions(messages)],
                }
                for channel, messages in selections
            ],
        }
        if with_users:
            document["users"] = [app.users.render_id(user_id) for user_id in sorted(user_ids)]
        content = json.dumps(document, separators=(",", ":"), ensure_ascii=False, default=str).encode()
        return content, "json", "application/json"
    lines: list[str] = []
    if with_users:
        lines.extend(_line("user", data) for data in (_user_v2(app, uid) for uid in sorted(user_ids)) if data)
    lines.extend(_line("channel", _channel_v2(channel)) for channel, _ in selections)
    for channel, _ in selections:
        lines.extend(
            _line("member", _member_v2(channel, member))
            for member in sorted(channel.members.values(), key=lambda m: (m.created_at, m.user_id))
        )
    for _, messages in selections:
        lines.extend(_line("message", _message_v2(core, m, clear_deleted)) for m in messages)
    for _, messages in selections:
        lines.extend(_line("reaction", _reaction_v2(r)) for r in _reactions(messages))
    return ("\n".join(lines) + "\n").encode(), "jsonl", "application/x-ndjson"


def _finish(app: ChatApp, kind: str, task_id: str, started: datetime, content: bytes, extension: str,
            content_type: str, base_url: str) -> dict[str, Any]:
    filename = f"{task_id}.{extension}"
    path = f"exports/{kind}/{app.api_key}/{filename}"
    app.imports.export_files.add(
        ExportFile(kind=kind, task_id=task_id, filename=filename, content=content, content_type=content_type,
                   created_at=app.clock.now())
    )
    url = f"{base_url}/{path}"
    result = {"url": url, "path": path, "s3_bucket_name": BUCKET}
    task = app.tasks.require(task_id)
    app.tasks.complete(task, result)
    app.emit(f"export.{kind}.success", task_id=task_id, url=url, started_at=format_time(started),
             finished_at=format_time(task.updated_at))
    return result


def _failed(app: ChatApp, kind: str, task_id: str, started: datetime, exc: Exception) -> None:
    task = app.tasks.require(task_id)
    app.tasks.fail(task, "ExportError", str(exc))
    app.emit(f"export.{kind}.error", task_id=task_id, error=str(exc), started_at=format_time(started),
             finished_at=format_time(task.updated_at))


def export_channels(app: ChatApp, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    version = _options(body)
    requests = _channel_requests(app.chat, body)
    task = app.tasks.start("export_channels")
    started = task.created_at
    try:
        content, extension, content_type = build_channel_export(app, requests, body, version)
    except APIError as exc:
        _failed(app, "channels", task.id, started, exc)
    else:
        _finish(app, "channels", task.id, started, content, extension, content_type, base_url)
    return {"task_id": task.id}


def export_users(app: ChatApp, body: dict[str, Any], base_url: str) -> dict[str, Any]:
    user_ids = body.get("user_ids")
    if user_ids is None:
        raise input_error("user_ids is a required field", user_ids="is required")
    if not isinstance(user_ids, list) or not all(isinstance(u, str) and u for u in user_ids):
        raise input_error("user_ids must be an array of user ids", user_ids="invalid")
    if not user_ids:
        raise input_error("user_ids must contain at least one id", user_ids="is empty")
    if len(user_ids) > MAX_USERS:
        raise input_error(f"at most {MAX_USERS} users can be exported at once, got {len(user_ids)}", user_ids="too many")
    for user_id in user_ids:
        app.users.require(user_id, field="user_ids")
    task = app.tasks.start("export_users")
    started = task.created_at
    chat = app.chat
    lines: list[str] = []
    for user_id in dict.fromkeys(user_ids):
        user = app.users.get(user_id)
        assert user is not None
        lines.append(_line("user", app.users.render(user)))
        for message in chat.messages_by_user(user_id)[:MAX_MESSAGES_PER_USER]:
            lines.append(_line("message", chat.render_message(message, show_deleted=True)))
        for reaction in chat.reactions_by_user(user_id)[:MAX_MESSAGES_PER_USER]:
            lines.append(_line("reaction", chat.render_reaction(reaction)))
    content = ("\n".join(lines) + "\n").encode()
    _finish(app, "users", task.id, started, content, "jsonl", "application/x-ndjson", base_url)
    return {"task_id": task.id}
