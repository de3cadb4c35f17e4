"""App settings (GET/PATCH /app): stored values with the documented defaults.

``app.settings`` is a plain dict other areas read directly:

- ``enforce_unique_usernames`` (``"no"``/``"app"``/``"team"``) — users;
- ``disable_auth_checks``, ``revoke_tokens_issued_before`` (a ``datetime`` or ``None``) — auth;
- ``disable_permissions_checks``, ``multi_tenant_enabled`` — permission checks (``app.access``);
- ``webhook_url``, ``webhook_events`` (``[]`` = all events), ``sqs_*``, ``sns_*``,
  ``before_message_send_hook_url``, ``custom_action_handler_url``, ``event_hooks`` — outbound;
- ``file_upload_config`` / ``image_upload_config`` — uploads; ``async_url_enrich_enabled`` —
  messages; ``push_config`` and the raw ``apn_config``/``firebase_config``/``huawei_config``/
  ``xiaomi_config`` (``None`` until set) and the derived ``push_notifications`` view
  (``<type>.enabled`` per nameless config) — push.

The app-scope grants are not here: they live in ``app.access.app_grants``.
"""

from __future__ import annotations

import copy
from typing import Any

DEFAULT_UPLOAD_CONFIG: dict[str, Any] = {
    "allowed_file_extensions": [],
    "blocked_file_extensions": [],
    "allowed_mime_types": [],
    "blocked_mime_types": [],
    "size_limit": 0,
}

# The image MIME types the service accepts; image_upload_config may only narrow this set.
SERVICE_IMAGE_MIME_TYPES = (
    "image/bmp", "image/gif", "image/jpeg", "image/png", "image/webp", "image/heic",
    "image/heic-sequence", "image/heif", "image/heif-sequence", "image/svg+xml",
)

# Keys rendered by GET /app with their defaults (flags, strings, arrays, ints: always present).
DEFAULT_SETTINGS: dict[str, Any] = {
    "disable_auth_checks": False,
    "disable_permissions_checks": False,
    "multi_tenant_enabled": False,
    "enforce_unique_usernames": "no",
    "permission_version": "v2",
    "webhook_url": "",
    "webhook_events": [],
    "sqs_url": "",
    "sqs_key": "",
    "sqs_secret": "",
    "sns_topic_arn": "",
    "sns_key": "",
    "sns_secret": "",
    "custom_action_handler_url": "",
    "before_message_send_hook_url": "",
    "moderation_webhook_url": "",
    "file_upload_config": DEFAULT_UPLOAD_CONFIG,
    "image_upload_config": DEFAULT_UPLOAD_CONFIG,
    "cdn_expiration_seconds": 1_209_600,
    "auto_translation_enabled": False,
    "async_url_enrich_enabled": False,
    "image_moderation_enabled": False,
    "image_moderation_labels": [],
    "moderation_enabled": False,
    # Choice (models §19): campaigns are enabled on the fake.
    "campaign_enabled": True,
    "channel_hide_members_only": False,
    "suspended": False,
    "suspended_explanation": "",
    "video_provider": "",
    "user_search_disallowed_roles": [],
    "allowed_flag_reasons": [],
    "reminders_interval": 0,
    # Choice (endpoints §13.22): push v2, not offline-only.
    "push_config": {"version": "v2", "offline_only": False},
    # Stored as a datetime (or None); rendered as a timestamp when set.
    "revoke_tokens_issued_before": None,
}

# Keys stored as given and rendered only once set (objects / optional scalars).
OPTIONAL_SETTINGS = (
    "image_moderation_block_labels",
    "reminders_max_members",
    "async_moderation_config",
    "agora_options",
    "hms_options",
    "call_types",
    "geofences",
    "datadog_info",
    "event_hooks",
)

# Raw nameless push configurations (PATCH /app apn_config, ...): rendered through
# ``push_notifications``, never at the top level.
PUSH_CONFIG_KEYS = ("apn_config", "firebase_config", "huawei_config", "xiaomi_config")


def default_settings() -> dict[str, Any]:
    from fake_server.domain.config_app import push_sections

    settings = copy.deepcopy(DEFAULT_SETTINGS)
    for key in PUSH_CONFIG_KEYS:
        settings[key] = None
    # Derived view of the nameless push configs (kept in sync by PATCH /app).
    settings["push_notifications"] = push_sections(settings)
    return settings
