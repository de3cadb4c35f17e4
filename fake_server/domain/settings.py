"""App settings (GET/PATCH /app): stored values with the documented defaults."""

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
    "moderation_enabled": False,
    "campaign_enabled": True,
    "suspended": False,
    "suspended_explanation": "",
    "video_provider": "",
    "user_search_disallowed_roles": [],
    "allowed_flag_reasons": [],
    "reminders_interval": 0,
    "policies": {},
    "push_config": {"version": "v2", "offline_only": False},
    # Stored as a datetime (or None); rendered as a timestamp.
    "revoke_tokens_issued_before": None,
}


def default_settings() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_SETTINGS)
