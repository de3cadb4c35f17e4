import json
import warnings
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.query import isoformat, normalize_sort
from stream_chat.base.request import Request


class UserEndpoints(Endpoints[R]):
    """Users, guests, per-user token revocation, custom user events, devices, unread counts."""

    @endpoint
    def upsert_users(self, users: Iterable[dict[str, Any]]) -> R:
        return self._run(
            Request("POST", "users", body={"users": {user["id"]: user for user in users}})
        )

    @endpoint
    def upsert_user(self, user: dict[str, Any]) -> R:
        return self.upsert_users([user])

    @endpoint
    def update_users(self, users: Iterable[dict[str, Any]]) -> R:
        warnings.warn(
            "update_users is deprecated, use upsert_users instead", DeprecationWarning, stacklevel=2
        )
        return self.upsert_users(users)

    @endpoint
    def update_user(self, user: dict[str, Any]) -> R:
        warnings.warn(
            "update_user is deprecated, use upsert_user instead", DeprecationWarning, stacklevel=2
        )
        return self.upsert_user(user)

    @endpoint
    def update_users_partial(self, updates: Iterable[dict[str, Any]]) -> R:
        return self._run(Request("PATCH", "users", body={"users": list(updates)}))

    @endpoint
    def update_user_partial(self, update: dict[str, Any]) -> R:
        return self.update_users_partial([update])

    @endpoint
    def revoke_user_token(self, user_id: str, before: str | datetime | None) -> R:
        return self.revoke_users_token([user_id], before)

    @endpoint
    def revoke_users_token(self, user_ids: Iterable[str], before: str | datetime | None) -> R:
        before = isoformat(before)
        return self.update_users_partial(
            [
                {"id": user_id, "set": {"revoke_tokens_issued_before": before}}
                for user_id in user_ids
            ]
        )

    @endpoint
    def query_users(self, filter_conditions: dict[str, Any], sort: Any = None, **options: Any) -> R:
        payload = {**options, "filter_conditions": filter_conditions, "sort": normalize_sort(sort)}
        return self._run(Request("GET", "users", {"payload": json.dumps(payload)}))

    @endpoint
    def delete_user(self, user_id: str, **options: Any) -> R:
        return self._run(Request("DELETE", f"users/{user_id}", options))

    @endpoint
    def delete_users(self, user_ids: Iterable[str], delete_type: str, **options: Any) -> R:
        body = {**options, "user": delete_type, "user_ids": list(user_ids)}
        return self._run(Request("POST", "users/delete", body=body))

    @endpoint
    def restore_users(self, user_ids: Iterable[str]) -> R:
        return self._run(Request("POST", "users/restore", body={"user_ids": list(user_ids)}))

    @endpoint
    def deactivate_user(self, user_id: str, **options: Any) -> R:
        return self._run(Request("POST", f"users/{user_id}/deactivate", body=options))

    @endpoint
    def reactivate_user(self, user_id: str, **options: Any) -> R:
        return self._run(Request("POST", f"users/{user_id}/reactivate", body=options))

    @endpoint
    def export_user(self, user_id: str, **options: Any) -> R:
        return self._run(Request("GET", f"users/{user_id}/export", options))

    @endpoint
    def set_guest_user(self, guest_user: dict[str, Any]) -> R:
        return self._run(Request("POST", "guest", body={"user": guest_user}))

    @endpoint
    def send_user_custom_event(self, user_id: str, event: dict[str, Any]) -> R:
        return self._run(Request("POST", f"users/{user_id}/event", body={"event": event}))

    @endpoint
    def add_device(
        self,
        device_id: str,
        push_provider: str,
        user_id: str,
        push_provider_name: str | None = None,
    ) -> R:
        body = {
            "id": device_id,
            "push_provider": push_provider,
            "user_id": user_id,
            "push_provider_name": push_provider_name,
        }
        return self._run(Request("POST", "devices", body=body))

    @endpoint
    def delete_device(self, device_id: str, user_id: str) -> R:
        return self._run(Request("DELETE", "devices", {"id": device_id, "user_id": user_id}))

    @endpoint
    def get_devices(self, user_id: str) -> R:
        return self._run(Request("GET", "devices", {"user_id": user_id}))

    @endpoint
    def unread_counts(self, user_id: str) -> R:
        return self._run(Request("GET", "unread", {"user_id": user_id}))

    @endpoint
    def unread_counts_batch(self, user_ids: Iterable[str]) -> R:
        return self._run(Request("POST", "unread_batch", body={"user_ids": list(user_ids)}))
