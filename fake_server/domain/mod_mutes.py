"""User mutes: POST /moderation/mute and /moderation/unmute (moderation §2.4-§2.5, models §12).

Records live in ``app.user_mutes`` keyed ``(muter, target)``, which is what the chat core's
unread counting (``app.active_user_mute``) and the users area's ``mutes`` list read. Expired
mutes stay stored until replaced or lifted; every reader checks ``active(now)``.

Other areas (e.g. the ``/mute`` and ``/unmute`` slash commands of the chat core) call
:func:`mute_users` / :func:`unmute_users` directly.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import input_error, not_found
from fake_server.domain.mod_common import acting_user, optional_minutes, string_list
from fake_server.domain.moderation import UserMute
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.auth import Actor

MAX_TARGETS = 1000


def render_mute(app: ChatApp, mute: UserMute) -> dict[str, Any]:
    out: dict[str, Any] = {
        "user": app.users.render_id(mute.user_id),
        "target": app.users.render_id(mute.target_id),
        "created_at": format_time(mute.created_at),
        "updated_at": format_time(mute.updated_at),
    }
    if mute.expires is not None:
        out["expires"] = format_time(mute.expires)
    return out


def _targets(body: dict[str, Any]) -> tuple[list[str], bool]:
    """The target ids and whether the single ``target_id`` form was used."""
    single = body.get("target_id")
    many = body.get("target_ids")
    if single is not None and many is not None:
        raise input_error("use either target_id or target_ids, not both", target_ids="conflicts with target_id")
    if single is not None:
        if not isinstance(single, str) or not single:
            raise input_error("target_id must be a non-empty string", target_id="must be a string")
        return [single], True
    if many is not None:
        return string_list(many, "target_ids", maximum=MAX_TARGETS), False
    raise input_error("either target_id or target_ids must be provided", target_ids="is required")


def _split_known(app: ChatApp, muter_id: str, targets: list[str], single: bool) -> tuple[list[str], list[str]]:
    if muter_id in targets:
        # Unverified on the live service; §2.4 Fake: muting (or unmuting) yourself is 400/4.
        raise input_error("you cannot mute yourself", target_id="cannot be the acting user")
    known = [t for t in targets if app.users.get(t) is not None]
    missing = [t for t in targets if app.users.get(t) is None]
    if single and not known:
        # §2.4 Fake: the single-target form with an unknown target is 404/16.
        raise not_found(f"user {targets[0]} does not exist")
    return known, missing


def mute_users(
    app: ChatApp,
    muter_id: str,
    target_ids: list[str],
    *,
    timeout_minutes: int | None = None,
) -> list[UserMute]:
    """Upsert one mute per existing target (unknown or self targets must be filtered first).

    Re-muting keeps ``created_at`` of a mute still in force and refreshes ``updated_at`` and
    ``expires``; a lapsed mute is replaced by a new one. Emits ``user.muted`` and the WS-only
    ``notification.mutes_updated``.
    """
    now = app.clock.now()
    expires = now + timedelta(minutes=timeout_minutes) if timeout_minutes else None
    mutes: list[UserMute] = []
    for target_id in target_ids:
        key = (muter_id, target_id)
        existing = app.user_mutes.get(key)
        if existing is not None and existing.active(now):
            existing.updated_at = now
            existing.expires = expires
            mute = existing
        else:
            mute = UserMute(user_id=muter_id, target_id=target_id, created_at=now, updated_at=now, expires=expires)
            app.user_mutes[key] = mute
        mutes.append(mute)
    if mutes:
        _emit(app, "user.muted", muter_id, [m.target_id for m in mutes])
    return mutes


def unmute_users(app: ChatApp, muter_id: str, target_ids: list[str]) -> list[str]:
    """Lift the mutes of ``muter_id`` on ``target_ids``; returns the targets that were muted."""
    lifted = [t for t in target_ids if app.user_mutes.pop((muter_id, t), None) is not None]
    if lifted:
        _emit(app, "user.unmuted", muter_id, lifted)
    return lifted


def _emit(app: ChatApp, event_type: str, muter_id: str, target_ids: list[str]) -> None:
    targets = [app.users.render_id(t) for t in target_ids]
    payload: dict[str, Any] = {"user": app.users.render_id(muter_id)}
    # §8.4: target_user for one target, target_users for several.
    if len(targets) == 1:
        payload["target_user"] = targets[0]
    else:
        payload["target_users"] = targets
    app.emit(event_type, **payload)
    muter = app.users.get(muter_id)
    if muter is not None:
        # WebSocket-only event (not part of the webhook catalogue, §8.4).
        app.emit("notification.mutes_updated", me=app.users.render_full(muter), user=payload["user"])


# -- HTTP-facing operations ----------------------------------------------------------------------


def mute(app: ChatApp, body: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    targets, single = _targets(body)
    muter = acting_user(app, body, actor)
    timeout = optional_minutes(body, "timeout")
    known, missing = _split_known(app, muter.id, targets, single)
    mutes = mute_users(app, muter.id, known, timeout_minutes=timeout)
    rendered = [render_mute(app, m) for m in mutes]
    result: dict[str, Any] = {}
    if single:
        result["mute"] = rendered[0]
    else:
        # §10 Q4 (open): the target_ids form answers "mutes", plus "mute" when exactly one
        # mute was made.
        result["mutes"] = rendered
        if len(rendered) == 1:
            result["mute"] = rendered[0]
    result["own_user"] = app.users.render_full(muter)
    # Optional on the wire when empty; always present here (a superset is harmless).
    result["non_existing_users"] = missing
    return result


def unmute(app: ChatApp, body: dict[str, Any], actor: Actor | None = None) -> dict[str, Any]:
    targets, single = _targets(body)
    muter = acting_user(app, body, actor)
    known, missing = _split_known(app, muter.id, targets, single)
    # Unmuting a user who is not muted succeeds (§2.5 Fake: idempotent).
    unmute_users(app, muter.id, known)
    return {"non_existing_users": missing}
