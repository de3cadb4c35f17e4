"""Deleting, restoring, deactivating and reactivating users (endpoints-users-app §1.4-§1.9)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from fake_server.domain.errors import input_error
from fake_server.domain.user_ops.writes import MAX_USERS_PER_CALL, Plan, check_unique_usernames
from fake_server.domain.users import User

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

USER_DELETE_MODES: Final = ("soft", "pruning", "hard")
MESSAGE_DELETE_MODES: Final = ("soft", "pruning", "hard")
CONVERSATION_DELETE_MODES: Final = ("soft", "hard")
_NO_SUCH_USER: Final = "user does not exist"

_MODE_RANK: Final = {"soft": 1, "pruning": 2, "hard": 3}


def _ok() -> dict[str, Any]:
    return {"status": "ok"}


def _failed(reason: str) -> dict[str, Any]:
    return {"status": "error", "error": reason}


def parse_user_ids(body: dict[str, Any]) -> list[str]:
    """``user_ids``: a required array of 1-100 strings; duplicates collapse, order is kept."""
    user_ids = body.get("user_ids")
    if user_ids is None:
        raise input_error("user_ids is a required field", user_ids="is required")
    if not isinstance(user_ids, list) or not all(isinstance(i, str) for i in user_ids):
        raise input_error("user_ids must be an array of user id strings", user_ids="must be an array of strings")
    if not user_ids:
        raise input_error("user_ids must contain at least one user id", user_ids="is empty")
    if len(user_ids) > MAX_USERS_PER_CALL:
        raise input_error(
            f"user_ids accepts at most {MAX_USERS_PER_CALL} ids, got {len(user_ids)}",
            user_ids="too many ids",
        )
    return list(dict.fromkeys(user_ids))


def body_bool(body: dict[str, Any], name: str) -> bool:
    value = body.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise input_error(f"{name} must be a boolean", **{name: "must be a boolean"})
    return value


def _optional_user_ref(app: ChatApp, body: dict[str, Any], name: str) -> User | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    return app.users.require_reference(value, field=name)


# -- delete --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeleteModes:
    user: str  # soft | pruning | hard
    messages: str | None
    conversations: str | None
    new_channel_owner_id: str | None = None
    legacy: bool = False  # the synchronous DELETE /users/{id} flavour


def _delete_one(app: ChatApp, user: User, modes: DeleteModes) -> bool:
    """Delete one stored user; returns whether anything changed. Emits ``user.deleted``."""
    directory = app.users
    was_live = user.deleted_at is None
    previous_rank = 0 if was_live else _MODE_RANK.get(user.delete_type or "soft", 1)
    escalates = _MODE_RANK[modes.user] > previous_rank
    # Content first, while the chat core still sees the user.
    app.chat.delete_user_content(
        user.id, messages=modes.messages, conversations=modes.conversations, deleted_by=None
    )
    if not escalates and modes.messages is None and modes.conversations is None:
        return False
    now = app.clock.now()
    if was_live:
        user.deleted_at = now
    if escalates and modes.user == "pruning":
        user.custom = {}  # pruning nulls personal data: name, image and custom fields
    if escalates and modes.user == "hard":
        owner = modes.new_channel_owner_id or f"delete-user-{uuid.uuid4().hex}"
        app.chat.transfer_channel_ownership(user.id, owner)
        rendered = directory.render(user)
        _forget_moderation_records(app, user.id)
        directory.remove(user, deleted_at=user.deleted_at or now)
    else:
        if escalates:
            user.delete_type = modes.user
        rendered = directory.render(user)
    hard = modes.user == "hard"
    app.emit(
        "user.deleted",
        user=rendered,
        hard_delete=hard,
        mark_messages_deleted=modes.messages is not None,
        delete_conversation_channels=modes.conversations is not None,
        delete_user=modes.user,
        delete_messages=modes.messages or "",
        delete_conversation=modes.conversations or "",
    )
    if modes.messages is not None and not modes.legacy:
        # §1.5 (recommend): one user.messages.deleted when the batch removes messages.
        app.emit("user.messages.deleted", user=rendered, hard_delete=modes.messages == "hard")
    return True


def _forget_moderation_records(app: ChatApp, user_id: str) -> None:
    """A hard-deleted user leaves no bans or mutes behind (theirs or on them) ..."""
    for key in [k for k in app.bans if k[0] == user_id]:
        del app.bans[key]
    for key in [k for k in app.user_mutes if user_id in k]:
        del app.user_mutes[key]
    for key in [k for k in app.channel_mutes if k[0] == user_id]:
        del app.channel_mutes[key]
    # ... nor devices (kept by the push area).
    app.push.forget_user(user_id)


def delete_user(
    app: ChatApp,
    user_id: str,
    *,
    mark_messages_deleted: bool,
    hard_delete: bool,
    delete_conversation_channels: bool,
    new_channel_owner_id: str | None,
) -> dict[str, Any]:
    """``DELETE /users/{id}``: synchronous soft or hard delete (§1.4)."""
    # §13.4: unknown and already deleted users are both 404/16.
    user = app.users.require(user_id)
    if new_channel_owner_id:
        app.users.require_reference(new_channel_owner_id, field="new_channel_owner_id")
    content_mode = "hard" if hard_delete else "soft"
    modes = DeleteModes(
        user="hard" if hard_delete else "soft",
        messages=content_mode if mark_messages_deleted else None,
        conversations=content_mode if delete_conversation_channels else None,
        new_channel_owner_id=new_channel_owner_id,
        legacy=True,
    )
    _delete_one(app, user, modes)
    # Hard-deleted records are gone from the directory; either way, render the user as deleted.
    rendered = app.users.render(user)
    # §13.8: the response carries the cleanup task too; its result is an empty summary.
    task = app.tasks.run("delete_user", {})
    return {"user": rendered, "task_id": task.id}


def _mode(body: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in allowed:
        raise input_error(
            f"{name} must be one of {', '.join(allowed)}, got {value!r}",
            **{name: "invalid value"},
        )
    return value


def delete_users(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /users/delete``: mark users deleted now; the task reports each id (§1.5)."""
    user_ids = parse_user_ids(body)
    # Choice: the SDK always sends ``user``; when absent the mildest mode (soft) applies.
    user_mode = _mode(body, "user", USER_DELETE_MODES) or "soft"
    messages = _mode(body, "messages", MESSAGE_DELETE_MODES)
    conversations = _mode(body, "conversations", CONVERSATION_DELETE_MODES)
    # Legacy booleans map onto the new options only when those are absent.
    if messages is None and body_bool(body, "mark_messages_deleted"):
        messages = "hard" if user_mode == "hard" else "soft"
    if conversations is None and body_bool(body, "delete_conversation_channels"):
        conversations = "hard" if user_mode == "hard" else "soft"
    body_bool(body, "hard_delete")  # validated; ``user`` decides
    if user_mode == "hard" and (messages != "hard" or conversations != "hard"):
        # §13.7: a hard user delete requires hard message and conversation deletes.
        raise input_error(
            'user: "hard" requires messages: "hard" and conversations: "hard" as well',
            user="hard delete requires hard messages and conversations",
        )
    owner = _optional_user_ref(app, body, "new_channel_owner_id")
    modes = DeleteModes(
        user=user_mode,
        messages=messages,
        conversations=conversations,
        new_channel_owner_id=owner.id if owner is not None else None,
    )
    result: dict[str, Any] = {}
    for user_id in user_ids:
        user = app.users.by_id.get(user_id)
        if user is None:
            # §13.7: unknown ids are reported in the task result, not as an HTTP error.
            result[user_id] = _failed(_NO_SUCH_USER)
            continue
        _delete_one(app, user, modes)
        result[user_id] = _ok()
    task = app.tasks.run("delete_users", result)
    return {"task_id": task.id}


# -- restore -------------------------------------------------------------------------------------


def restore_users(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /users/restore``: bring soft-deleted user records back (§1.6)."""
    user_ids = parse_user_ids(body)
    users: list[User] = []
    for user_id in user_ids:
        user = app.users.by_id.get(user_id)
        if user is None:
            # §13.6: unknown (or hard-deleted) ids → 400/4; nothing is restored.
            raise input_error(f"user {user_id} does not exist", user_ids="user does not exist")
        if user.delete_type == "pruning":
            raise input_error(
                f"user {user_id} was deleted with pruning and cannot be restored",
                user_ids="user was pruned",
            )
        users.append(user)
    for user in users:
        user.deleted_at = None  # not-deleted users: no-op
        user.delete_type = None
    return {}


# -- deactivate / reactivate --------------------------------------------------------------------


def _deactivate_one(
    app: ChatApp, user: User, *, mark_messages_deleted: bool, created_by: User | None
) -> None:
    if mark_messages_deleted:
        app.chat.delete_user_content(
            user.id,
            messages="soft",
            conversations=None,
            deleted_by=created_by.id if created_by else None,
        )
    if user.deactivated_at is not None:
        return  # §13.5: already deactivated → success, original deactivated_at kept
    now = app.clock.now()
    user.deactivated_at = now
    user.updated_at = now
    event: dict[str, Any] = {"user": app.users.render(user)}
    if created_by is not None:
        event["created_by"] = app.users.render(created_by)
    app.emit("user.deactivated", **event)


def _reactivate_one(
    app: ChatApp, user: User, *, restore_messages: bool, name: str | None, created_by: User | None
) -> None:
    if name is not None:
        custom = {**user.custom, "name": name}
        check_unique_usernames(app, [Plan(user.id, user, {"custom": custom})])
        user.custom = custom
    if restore_messages:
        app.chat.restore_user_messages(user.id)
    now = app.clock.now()
    user.deactivated_at = None
    user.updated_at = now
    event: dict[str, Any] = {"user": app.users.render(user)}
    if created_by is not None:
        event["created_by"] = app.users.render(created_by)
    app.emit("user.reactivated", **event)


def deactivate_user(app: ChatApp, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
    user = app.users.require(user_id)
    mark = body_bool(body, "mark_messages_deleted")
    created_by = _optional_user_ref(app, body, "created_by_id")
    _deactivate_one(app, user, mark_messages_deleted=mark, created_by=created_by)
    return {"user": app.users.render(user)}


def reactivate_user(app: ChatApp, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
    user = app.users.require(user_id)
    restore = body_bool(body, "restore_messages")
    name = body.get("name")
    if name is not None and not isinstance(name, str):
        raise input_error("name must be a string", name="must be a string")
    created_by = _optional_user_ref(app, body, "created_by_id")
    if user.deactivated_at is None:
        # §13.5: reactivating an active user → 400/4.
        raise input_error(f"user {user_id} is not deactivated", user_id="not deactivated")
    _reactivate_one(app, user, restore_messages=restore, name=name or None, created_by=created_by)
    return {"user": app.users.render(user)}


def deactivate_users(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /users/deactivate`` (§1.9): a task with a per-user status map."""
    user_ids = parse_user_ids(body)
    mark = body_bool(body, "mark_messages_deleted")
    # Choice: mark_channels_deleted is accepted and validated but has no effect (its exact
    # meaning is not specified and §1.7 defines no channel effect of deactivation).
    body_bool(body, "mark_channels_deleted")
    created_by = _optional_user_ref(app, body, "created_by_id")
    result: dict[str, Any] = {}
    for user_id in user_ids:
        user = app.users.get(user_id)
        if user is None:
            result[user_id] = _failed(_NO_SUCH_USER)
            continue
        _deactivate_one(app, user, mark_messages_deleted=mark, created_by=created_by)
        result[user_id] = _ok()
    return {"task_id": app.tasks.run("deactivate_users", result).id}


def reactivate_users(app: ChatApp, body: dict[str, Any]) -> dict[str, Any]:
    """``POST /users/reactivate`` (§1.9): a task with a per-user status map."""
    user_ids = parse_user_ids(body)
    restore = body_bool(body, "restore_messages")
    body_bool(body, "restore_channels")  # accepted, no effect (see mark_channels_deleted)
    created_by = _optional_user_ref(app, body, "created_by_id")
    result: dict[str, Any] = {}
    for user_id in user_ids:
        user = app.users.get(user_id)
        if user is None:
            result[user_id] = _failed(_NO_SUCH_USER)
        elif user.deactivated_at is None:
            result[user_id] = _failed("user is not deactivated")
        else:
            _reactivate_one(app, user, restore_messages=restore, name=None, created_by=created_by)
            result[user_id] = _ok()
    return {"task_id": app.tasks.run("reactivate_users", result).id}
