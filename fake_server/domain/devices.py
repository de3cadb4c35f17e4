"""Push devices per user and push providers of an app (users-app §2.1-§2.6, models §8).

API for other areas (call under ``app.lock``):

- ``app.push.devices_of(user_id) -> list[dict]`` — the user's rendered devices, oldest first
  (the ``devices`` of full-user / OwnUser renderings). ``render_for_user`` is an alias.
- ``app.push.providers() -> list[dict]`` — every rendered push provider, in creation order
  (``push_notifications.providers`` of ``GET /app``).
- ``app.push.forget_user(user_id)`` — drop a deleted user's devices.
- ``app.push.aws_checks_succeed`` — fake-configuration switch: when true, ``check_sqs`` /
  ``check_sns`` answer ``ok`` for a well-formed queue URL / topic ARN (default: the error a
  real check with unusable credentials gives, §7.2-§7.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import input_error, not_found
from fake_server.domain.query.values import json_kind
from fake_server.domain.timefmt import format_time, try_parse_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp

PROVIDER_TYPES = ("apn", "firebase", "huawei", "xiaomi")
MAX_DEVICES_PER_USER = 25
MAX_PROVIDERS = 25
MAX_DEVICE_ID = 255
MAX_PROVIDER_NAME = 36
MAX_DESCRIPTION = 128
MAX_DISABLED_REASON = 255

# Input fields of a push provider (§2.4), stored verbatim apart from the timestamps.
PROVIDER_FIELDS = (
    "name",
    "type",
    "description",
    "disabled_at",
    "disabled_reason",
    "apn_auth_type",
    "apn_auth_key",
    "apn_key_id",
    "apn_team_id",
    "apn_topic",
    "apn_p12_cert",
    "apn_development",
    "apn_host",
    "apn_notification_template",
    "apn_sandbox_certificate",
    "apn_supports_remote_notifications",
    "apn_supports_voip_notifications",
    "firebase_credentials",
    "firebase_server_key",
    "firebase_notification_template",
    "firebase_data_template",
    "firebase_apn_template",
    "firebase_host",
    "huawei_app_id",
    "huawei_app_secret",
    "xiaomi_package_name",
    "xiaomi_app_secret",
)
_BOOL_FIELDS = frozenset(
    {"apn_development", "apn_sandbox_certificate", "apn_supports_remote_notifications", "apn_supports_voip_notifications"}
)


@dataclass(slots=True, eq=False)
class Device:
    id: str
    user_id: str
    push_provider: str
    created_at: datetime
    push_provider_name: str | None = None
    disabled: bool = False
    disabled_reason: str | None = None
    voip: bool = False


@dataclass(slots=True, eq=False)
class PushProvider:
    type: str
    name: str
    created_at: datetime
    updated_at: datetime
    config: dict[str, Any]  # the other input fields, as given
    disabled_at: datetime | None = None

    @property
    def enabled(self) -> bool:
        return self.disabled_at is None


def check_provider_type(value: object, field: str) -> str:
    if not isinstance(value, str) or not value:
        raise input_error(f"{field} is a required field", **{field: "is required"})
    if value not in PROVIDER_TYPES:
        raise input_error(
            f'{field} "{value}" is invalid: use one of {", ".join(PROVIDER_TYPES)}',
            **{field: "invalid push provider"},
        )
    return value


class PushRegistry:
    """Devices (globally unique ids, each owned by one user) and named push providers."""

    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.devices: dict[str, Device] = {}
        # user id → device id → device, oldest first
        self._by_user: dict[str, dict[str, Device]] = {}
        self._providers: dict[tuple[str, str], PushProvider] = {}
        self.aws_checks_succeed = False

    # -- devices -------------------------------------------------------------------------------

    def add_device(
        self,
        user_id: str,
        device_id: object,
        push_provider: object,
        push_provider_name: object = None,
        voip: object = None,
    ) -> Device:
        """Register a device (§2.1); the user must exist (400/4 otherwise, §13 Q10).

        Re-adding a device the user already has keeps its place and ``created_at`` (idempotent);
        a changed provider/name is applied. A device id owned by another user moves to this
        user (§13 Q10). A 26th device evicts the user's oldest.
        """
        if not isinstance(device_id, str) or not device_id:
            raise input_error("id is a required field", id="is required")
        if len(device_id) > MAX_DEVICE_ID:
            raise input_error(f"id must be at most {MAX_DEVICE_ID} characters", id="too long")
        provider_type = check_provider_type(push_provider, "push_provider")
        name: str | None = None
        if push_provider_name is not None and push_provider_name != "":
            if not isinstance(push_provider_name, str):
                raise input_error("push_provider_name must be a string", push_provider_name="must be a string")
            if (provider_type, push_provider_name) not in self._providers:
                raise input_error(
                    f'push provider "{push_provider_name}" of type {provider_type} does not exist',
                    push_provider_name="unknown push provider",
                )
            name = push_provider_name
        if voip is not None and not isinstance(voip, bool):
            raise input_error("voip_token must be a boolean", voip_token="must be a boolean")
        self._app.users.require_reference(user_id, field="user_id")

        existing = self.devices.get(device_id)
        if existing is not None and existing.user_id == user_id:
            existing.push_provider = provider_type
            existing.push_provider_name = name
            if voip is not None:
                existing.voip = voip
            return existing
        if existing is not None:
            self._remove(existing)
        device = Device(
            id=device_id,
            user_id=user_id,
            push_provider=provider_type,
            push_provider_name=name,
            created_at=self._app.clock.now(),
            voip=bool(voip),
        )
        owned = self._by_user.setdefault(user_id, {})
        owned[device_id] = device
        self.devices[device_id] = device
        while len(owned) > MAX_DEVICES_PER_USER:
            oldest = next(iter(owned.values()))
            self._remove(oldest)
        return device

    def list_devices(self, user_id: str) -> list[Device]:
        """The user's devices, oldest first (an unknown user simply has none, §2.2)."""
        return list(self._by_user.get(user_id, {}).values())

    def delete_device(self, user_id: str, device_id: str) -> Device:
        device = self.devices.get(device_id)
        if device is None or device.user_id != user_id:
            raise not_found(f"device {device_id} of user {user_id} does not exist")
        self._remove(device)
        return device

    def _remove(self, device: Device) -> None:
        self.devices.pop(device.id, None)
        owned = self._by_user.get(device.user_id)
        if owned is not None:
            owned.pop(device.id, None)
            if not owned:
                del self._by_user[device.user_id]

    def forget_user(self, user_id: str) -> None:
        for device in self.list_devices(user_id):
            self._remove(device)

    def devices_of(self, user_id: str) -> list[dict[str, Any]]:
        return [self.render_device(d) for d in self.list_devices(user_id)]

    render_for_user = devices_of

    @staticmethod
    def render_device(device: Device) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": device.id,
            "user_id": device.user_id,
            "push_provider": device.push_provider,
            "created_at": format_time(device.created_at),
        }
        if device.push_provider_name is not None:
            out["push_provider_name"] = device.push_provider_name
        if device.disabled:
            out["disabled"] = True
            if device.disabled_reason is not None:
                out["disabled_reason"] = device.disabled_reason
        if device.voip:
            out["voip"] = True
        return out

    # -- push providers ------------------------------------------------------------------------

    def upsert_provider(self, data: object) -> PushProvider:
        """Create or replace the provider identified by (type, name) (§2.4).

        Only required fields and enums are validated (credentials are not parsed, §2.4
        recommendation). Replacing keeps ``created_at``.
        """
        if not isinstance(data, dict):
            raise input_error(
                f"push_provider must be an object, got {json_kind(data)}", push_provider="is required"
            )
        push_config = self._app.settings.get("push_config")
        version = push_config.get("version") if isinstance(push_config, dict) else None
        if version == "v1":
            raise input_error("push providers require push v2 or later (push_config.version is v1)")
        provider_type = check_provider_type(data.get("type"), "push_provider.type")
        name = data.get("name")
        if not isinstance(name, str) or not name:
            raise input_error("push_provider.name is a required field", **{"push_provider.name": "is required"})
        if len(name) > MAX_PROVIDER_NAME or "/" in name:
            raise input_error(
                f"push_provider.name must be 1-{MAX_PROVIDER_NAME} characters without '/'",
                **{"push_provider.name": "invalid"},
            )
        config: dict[str, Any] = {}
        for key in PROVIDER_FIELDS:
            value = data.get(key)
            if key in ("name", "type", "disabled_at") or value is None:
                continue
            if key in _BOOL_FIELDS:
                if not isinstance(value, bool):
                    raise input_error(f"push_provider.{key} must be a boolean", **{f"push_provider.{key}": "must be a boolean"})
            elif not isinstance(value, str):
                raise input_error(f"push_provider.{key} must be a string", **{f"push_provider.{key}": "must be a string"})
            config[key] = value
        if len(config.get("description", "")) > MAX_DESCRIPTION:
            raise input_error(f"push_provider.description must be at most {MAX_DESCRIPTION} characters")
        if len(config.get("disabled_reason", "")) > MAX_DISABLED_REASON:
            raise input_error(f"push_provider.disabled_reason must be at most {MAX_DISABLED_REASON} characters")
        auth_type = config.get("apn_auth_type")
        if auth_type is not None and auth_type not in ("certificate", "token"):
            raise input_error('push_provider.apn_auth_type must be "certificate" or "token"')
        disabled_at: datetime | None = None
        if data.get("disabled_at") is not None:
            disabled_at = try_parse_time(data["disabled_at"])
            if disabled_at is None:
                raise input_error("push_provider.disabled_at must be a timestamp", **{"push_provider.disabled_at": "invalid date"})

        identity = (provider_type, name)
        existing = self._providers.get(identity)
        if existing is None and len(self._providers) >= MAX_PROVIDERS:
            raise input_error(f"an app can have at most {MAX_PROVIDERS} push providers")
        now = self._app.clock.now()
        provider = PushProvider(
            type=provider_type,
            name=name,
            created_at=existing.created_at if existing is not None else now,
            updated_at=now,
            config=config,
            disabled_at=disabled_at,
        )
        self._providers[identity] = provider
        return provider

    def delete_provider(self, provider_type: str, name: str) -> None:
        """Delete a named provider (§2.6). Linked devices are kept (they fall back to type
        matching, §2.6 recommendation)."""
        check_provider_type(provider_type, "type")
        if self._providers.pop((provider_type, name), None) is None:
            raise not_found(f"push provider {provider_type}/{name} does not exist")

    def get_provider(self, provider_type: str, name: str) -> PushProvider | None:
        return self._providers.get((provider_type, name))

    def provider_records(self) -> list[PushProvider]:
        return list(self._providers.values())

    def providers(self) -> list[dict[str, Any]]:
        return [self.render_provider(p) for p in self._providers.values()]

    @staticmethod
    def render_provider(provider: PushProvider) -> dict[str, Any]:
        # Secrets are returned as stored (§13 Q11 recommendation).
        out: dict[str, Any] = {"name": provider.name, "type": provider.type, **provider.config}
        if provider.disabled_at is not None:
            out["disabled_at"] = format_time(provider.disabled_at)
        out["created_at"] = format_time(provider.created_at)
        out["updated_at"] = format_time(provider.updated_at)
        return out

    def type_configured(self, provider_type: str, name: str | None = None) -> bool:
        """Whether pushes of ``provider_type`` (optionally a named provider) could be sent.

        A named provider must exist and be enabled; a nameless device matches any enabled
        provider of its type or a legacy app-level config (``push_notifications.<type>.enabled``
        in the app settings).
        """
        if name is not None:
            found = self._providers.get((provider_type, name))
            return found is not None and found.enabled
        if any(p.type == provider_type and p.enabled for p in self._providers.values()):
            return True
        legacy = self._app.settings.get("push_notifications")
        if isinstance(legacy, dict):
            section = legacy.get(provider_type)
            return isinstance(section, dict) and bool(section.get("enabled"))
        return False
