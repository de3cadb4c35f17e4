"""GET /app and PATCH /app: the app settings view and their validated partial update.

``render_app_settings(app)`` builds the ``app`` object of ``GET /app``;
``update_app_settings(app, body)`` validates the whole body first (400/4 on the first bad
key, nothing applied) and then merges it into ``app.settings``. Unknown keys are ignored
(endpoints §13.12).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from fake_server.domain.config_validation import (
    as_bool,
    as_enum,
    as_int,
    as_object,
    as_str,
    as_str_list,
    as_url,
    dedupe,
    type_error,
)
from fake_server.domain.errors import input_error
from fake_server.domain.settings import (
    DEFAULT_SETTINGS,
    DEFAULT_UPLOAD_CONFIG,
    OPTIONAL_SETTINGS,
    PUSH_CONFIG_KEYS,
    SERVICE_IMAGE_MIME_TYPES,
)
from fake_server.domain.timefmt import format_time, parse_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

MAX_UPLOAD_SIZE = 104_857_600
APN_PRODUCTION_HOST = "https://api.push.apple.com"
APN_DEVELOPMENT_HOST = "https://api.development.push.apple.com"

Validator = Callable[["ChatApp", Any, str], Any]


# -- validators per key ----------------------------------------------------------------------------


def _bool(app: ChatApp, value: Any, key: str) -> bool:
    return as_bool(value, key)


def _string(app: ChatApp, value: Any, key: str) -> str:
    return as_str(value, key)


def _url(app: ChatApp, value: Any, key: str) -> str:
    return as_url(value, key)


def _strings(app: ChatApp, value: Any, key: str) -> list[str]:
    return dedupe(as_str_list(value, key))


def _enum(*allowed: str) -> Validator:
    return lambda app, value, key: as_enum(value, key, allowed)


def _int(minimum: int | None = None, maximum: int | None = None) -> Validator:
    return lambda app, value, key: as_int(value, key, minimum=minimum, maximum=maximum)


def _verbatim(app: ChatApp, value: Any, key: str) -> Any:
    return copy.deepcopy(value)


def _object(app: ChatApp, value: Any, key: str) -> dict[str, Any]:
    return copy.deepcopy(as_object(value, key))


def _array(app: ChatApp, value: Any, key: str) -> list[Any]:
    if not isinstance(value, list):
        raise type_error(key, "an array", value)
    return copy.deepcopy(value)


def _roles(app: ChatApp, value: Any, key: str) -> list[str]:
    roles = dedupe(as_str_list(value, key))
    for role in roles:
        if not app.access.role_exists(role):
            raise input_error(f'{key}: role "{role}" does not exist', **{key: "unknown role"})
    return roles


def _push_config(app: ChatApp, value: Any, key: str) -> dict[str, Any]:
    given = as_object(value, key)
    merged = dict(app.settings["push_config"])
    if given.get("version") is not None:
        merged["version"] = as_enum(given["version"], f"{key}.version", ("v1", "v2", "v3"))
    if given.get("offline_only") is not None:
        merged["offline_only"] = as_bool(given["offline_only"], f"{key}.offline_only")
    return merged


def _apn_config(app: ChatApp, value: Any, key: str) -> dict[str, Any]:
    config = _merged_push(app, value, key)
    if config.get("auth_type") is not None:
        as_enum(config["auth_type"], f"{key}.auth_type", ("certificate", "token"))
    for flag in ("development", "disabled"):
        if config.get(flag) is not None:
            as_bool(config[flag], f"{key}.{flag}")
    return config


def _simple_push(app: ChatApp, value: Any, key: str) -> dict[str, Any]:
    config = _merged_push(app, value, key)
    if config.get("disabled") is not None:
        as_bool(config["disabled"], f"{key}.disabled")
    return config


def _merged_push(app: ChatApp, value: Any, key: str) -> dict[str, Any]:
    """Push credentials merge key by key (a later call may add a template without the keys)."""
    given = as_object(value, key)
    merged = dict(app.settings.get(key) or {})
    merged.update({name: copy.deepcopy(item) for name, item in given.items() if item is not None})
    return merged


def _upload_config(app: ChatApp, value: Any, key: str) -> dict[str, Any]:
    """A FileUploadConfig replaces the stored one; missing keys take the defaults (choice)."""
    given = as_object(value, key)
    config = copy.deepcopy(DEFAULT_UPLOAD_CONFIG)
    for list_key in ("allowed_file_extensions", "blocked_file_extensions", "allowed_mime_types", "blocked_mime_types"):
        if given.get(list_key) is not None:
            config[list_key] = dedupe(as_str_list(given[list_key], f"{key}.{list_key}"))
    if given.get("size_limit") is not None:
        config["size_limit"] = as_int(given["size_limit"], f"{key}.size_limit", minimum=0, maximum=MAX_UPLOAD_SIZE)
    for kind in ("file_extensions", "mime_types"):
        if config[f"allowed_{kind}"] and config[f"blocked_{kind}"]:
            raise input_error(
                f"{key}: use either allowed_{kind} or blocked_{kind}, not both", **{key: "allow and block lists"}
            )
    for list_key in ("allowed_mime_types", "blocked_mime_types"):
        for mime in config[list_key]:
            kind, _, subtype = mime.partition("/")
            if not kind or not subtype or "/" in subtype or " " in mime:
                raise input_error(f'{key}.{list_key}: "{mime}" is not a MIME type (type/subtype)', **{key: "invalid MIME type"})
    if key == "image_upload_config":
        for mime in config["allowed_mime_types"]:
            if mime.lower() != "image/*" and mime.lower() not in SERVICE_IMAGE_MIME_TYPES:
                raise input_error(
                    f'{key}.allowed_mime_types: "{mime}" is not an image type the service accepts; '
                    "image uploads can only be narrowed",
                    **{key: "widens the image types"},
                )
    return config


def _revocation(app: ChatApp, value: Any, key: str) -> Any:
    return None if value is None else parse_time(value, key)


_VALIDATORS: dict[str, Validator] = {
    "disable_auth_checks": _bool,
    "disable_permissions_checks": _bool,
    "multi_tenant_enabled": _bool,
    "migrate_permissions_to_v2": _bool,
    "image_moderation_enabled": _bool,
    "auto_translation_enabled": _bool,
    "async_url_enrich_enabled": _bool,
    "moderation_enabled": _bool,
    "channel_hide_members_only": _bool,
    "enforce_unique_usernames": _enum("no", "app", "team"),
    "permission_version": _enum("v1", "v2"),
    "user_search_disallowed_roles": _roles,
    "webhook_url": _url,
    "webhook_events": _strings,  # any event type is accepted (§3.2 recommends it)
    "sqs_url": _string,
    "sqs_key": _string,
    "sqs_secret": _string,
    "sns_topic_arn": _string,
    "sns_key": _string,
    "sns_secret": _string,
    "custom_action_handler_url": _url,
    "before_message_send_hook_url": _url,
    "moderation_webhook_url": _url,
    "push_config": _push_config,
    "apn_config": _apn_config,
    "firebase_config": _simple_push,
    "huawei_config": _simple_push,
    "xiaomi_config": _simple_push,
    "file_upload_config": _upload_config,
    "image_upload_config": _upload_config,
    "image_moderation_labels": _strings,
    "image_moderation_block_labels": _strings,
    "revoke_tokens_issued_before": _revocation,
    "cdn_expiration_seconds": _int(14_400, 1_209_600),
    "reminders_interval": _int(60, 86_400),
    "reminders_max_members": _int(2),
    "allowed_flag_reasons": _strings,
    "async_moderation_config": _object,
    "video_provider": _string,
    "agora_options": _verbatim,
    "hms_options": _verbatim,
    "datadog_info": _verbatim,
    "call_types": _verbatim,
    "geofences": _verbatim,
    # Newer multi-hook configuration: stored verbatim and shown by GET /app (§3.2).
    "event_hooks": _array,
}

# Keys whose JSON null is meaningful (everything else: null = absent, §0.4).
_NULLABLE = frozenset({"revoke_tokens_issued_before", "grants"})


def update_app_settings(app: ChatApp, body: dict[str, Any]) -> None:
    """Validate every known key of ``body``, then apply them all (partial update)."""
    changes: dict[str, Any] = {}
    for key, value in body.items():
        if value is None and key not in _NULLABLE:
            continue
        validator = _VALIDATORS.get(key)
        if validator is not None:
            changes[key] = validator(app, value, key)
        elif key.startswith("feeds_"):
            changes[key] = copy.deepcopy(value)  # accepted and stored (§3.2)
    grants: Any = None
    has_grants = "grants" in body
    if has_grants and body["grants"] is not None:
        grants = app.access.validate_grants(body["grants"])
    # Everything validated: apply.
    changes.pop("migrate_permissions_to_v2", None)  # one-shot flag, nothing to migrate
    app.settings.update(changes)
    app.settings["push_notifications"] = push_sections(app.settings)
    if has_grants:
        if grants is None:
            app.access.update_app_grants(None)
        else:
            app.access.app_grants = app.access.merge_grants(app.access.app_grants, grants)


# -- GET /app ----------------------------------------------------------------------------------------


def render_app_settings(app: ChatApp) -> dict[str, Any]:
    settings = app.settings
    out: dict[str, Any] = {
        "name": app.name,
        # Choice: the fake has no organisations; the app name stands in for it.
        "organization": app.name,
    }
    for key in DEFAULT_SETTINGS:
        if key in ("push_config", "revoke_tokens_issued_before"):
            continue
        out[key] = copy.deepcopy(settings.get(key, DEFAULT_SETTINGS[key]))
    for key in OPTIONAL_SETTINGS:
        if settings.get(key) is not None:
            out[key] = copy.deepcopy(settings[key])
    for key, value in settings.items():
        if key.startswith("feeds_"):
            out[key] = copy.deepcopy(value)
    revoked = settings.get("revoke_tokens_issued_before")
    if revoked is not None:
        out["revoke_tokens_issued_before"] = format_time(revoked)
    out["push_notifications"] = push_notifications_view(app)
    out["grants"] = app.access.grants_for(".app")
    types = app.channel_types
    out["policies"] = {
        name: copy.deepcopy(ct.permissions) for name, ct in types.by_name.items() if ct.permissions
    }
    out["channel_configs"] = {
        name: types.render(ct, command_objects=True) for name, ct in types.by_name.items()
    }
    return out


def push_notifications_view(app: ChatApp) -> dict[str, Any]:
    """``push_notifications`` of ``GET /app``: version, nameless provider configs, providers.

    Credentials are returned as stored (endpoints §13.11). ``providers`` comes from the push
    area (``app.push.providers()``: rendered PushProvider objects).
    """
    view = push_sections(app.settings)
    view["providers"] = app.push.providers()
    return view


def push_sections(settings: dict[str, Any]) -> dict[str, Any]:
    """The push view built from the settings alone (no providers).

    Also kept in ``app.settings["push_notifications"]`` (refreshed on every ``PATCH /app``),
    where the push area reads ``<type>.enabled`` of the nameless (app-level) configs.
    """
    push_config = settings.get("push_config") or {}
    apn = settings.get("apn_config") or {}
    development = bool(apn.get("development", False))
    view: dict[str, Any] = {
        "version": push_config.get("version", "v2"),
        "offline_only": bool(push_config.get("offline_only", False)),
        "apn": {
            "enabled": _enabled(apn),
            "development": development,
            "auth_type": apn.get("auth_type", ""),
            "host": APN_DEVELOPMENT_HOST if development else APN_PRODUCTION_HOST,
            "bundle_id": apn.get("bundle_id", ""),
            "team_id": apn.get("team_id", ""),
            "key_id": apn.get("key_id", ""),
            "notification_template": apn.get("notification_template", ""),
            **_extra(apn, ("development", "auth_type", "bundle_id", "team_id", "key_id", "notification_template")),
        },
    }
    firebase = settings.get("firebase_config") or {}
    view["firebase"] = {
        "enabled": _enabled(firebase),
        "notification_template": firebase.get("notification_template", ""),
        "data_template": firebase.get("data_template", ""),
        "apn_template": firebase.get("apn_template", ""),
        **_extra(firebase, ("notification_template", "data_template", "apn_template")),
    }
    for name in ("huawei", "xiaomi"):
        config = settings.get(f"{name}_config") or {}
        view[name] = {"enabled": _enabled(config), **_extra(config, ())}
    return view


def _enabled(config: dict[str, Any]) -> bool:
    return bool(config) and not config.get("disabled", False)


def _extra(config: dict[str, Any], shown: tuple[str, ...]) -> dict[str, Any]:
    return {k: copy.deepcopy(v) for k, v in config.items() if k not in shown and k != "disabled"}


assert set(PUSH_CONFIG_KEYS) <= set(_VALIDATORS)
