from collections.abc import Iterable
from datetime import datetime
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.query import isoformat
from stream_chat.base.request import Request


class AppEndpoints(Endpoints[R]):
    """App settings and app-wide configuration objects."""

    @endpoint
    def get_app_settings(self) -> R:
        return self._run(Request("GET", "app"))

    @endpoint
    def update_app_settings(self, **settings: Any) -> R:
        return self._run(Request("PATCH", "app", body=settings))

    @endpoint
    def revoke_tokens(self, since: str | datetime | None) -> R:
        return self.update_app_settings(revoke_tokens_issued_before=isoformat(since))

    @endpoint
    def get_rate_limits(
        self,
        server_side: bool = False,
        android: bool = False,
        ios: bool = False,
        web: bool = False,
        endpoints: Iterable[str] | None = None,
    ) -> R:
        platforms = {"server_side": server_side, "android": android, "ios": ios, "web": web}
        # Flags are sent as the literal "true" by both clients, and only when set.
        params: dict[str, str] = {name: "true" for name, wanted in platforms.items() if wanted}
        if endpoints:
            params["endpoints"] = ",".join(endpoints)
        return self._run(Request("GET", "rate_limits", params))

    @endpoint
    def create_channel_type(self, data: dict[str, Any]) -> R:
        if not data.get("commands"):
            data["commands"] = ["all"]  # upstream fills the default into the caller's dict
        return self._run(Request("POST", "channeltypes", body=data))

    @endpoint
    def get_channel_type(self, channel_type: str) -> R:
        return self._run(Request("GET", f"channeltypes/{channel_type}"))

    @endpoint
    def list_channel_types(self) -> R:
        return self._run(Request("GET", "channeltypes"))

    @endpoint
    def update_channel_type(self, channel_type: str, **settings: Any) -> R:
        return self._run(Request("PUT", f"channeltypes/{channel_type}", body=settings))

    @endpoint
    def delete_channel_type(self, channel_type: str) -> R:
        return self._run(Request("DELETE", f"channeltypes/{channel_type}"))

    @endpoint
    def create_command(self, data: dict[str, Any]) -> R:
        return self._run(Request("POST", "commands", body=data))

    @endpoint
    def list_commands(self) -> R:
        return self._run(Request("GET", "commands"))

    @endpoint
    def get_command(self, name: str) -> R:
        return self._run(Request("GET", f"commands/{name}"))

    @endpoint
    def update_command(self, name: str, **settings: Any) -> R:
        return self._run(Request("PUT", f"commands/{name}", body=settings))

    @endpoint
    def delete_command(self, name: str) -> R:
        return self._run(Request("DELETE", f"commands/{name}"))

    @endpoint
    def create_permission(self, permission: dict[str, Any]) -> R:
        return self._run(Request("POST", "permissions", body=permission))

    @endpoint
    def get_permission(self, id: str) -> R:
        return self._run(Request("GET", f"permissions/{id}"))

    @endpoint
    def list_permissions(self) -> R:
        return self._run(Request("GET", "permissions"))

    @endpoint
    def update_permission(self, id: str, permission: dict[str, Any]) -> R:
        return self._run(Request("PUT", f"permissions/{id}", body=permission))

    @endpoint
    def delete_permission(self, id: str) -> R:
        return self._run(Request("DELETE", f"permissions/{id}"))

    @endpoint
    def create_role(self, name: str) -> R:
        return self._run(Request("POST", "roles", body={"name": name}))

    @endpoint
    def list_roles(self) -> R:
        return self._run(Request("GET", "roles"))

    @endpoint
    def delete_role(self, name: str) -> R:
        return self._run(Request("DELETE", f"roles/{name}"))

    @endpoint
    def create_blocklist(self, name: str, words: Iterable[str], type: str = "word") -> R:
        return self._run(
            Request("POST", "blocklists", body={"name": name, "words": list(words), "type": type})
        )

    @endpoint
    def list_blocklists(self) -> R:
        return self._run(Request("GET", "blocklists"))

    @endpoint
    def get_blocklist(self, name: str) -> R:
        return self._run(Request("GET", f"blocklists/{name}"))

    @endpoint
    def update_blocklist(self, name: str, words: Iterable[str]) -> R:
        return self._run(Request("PUT", f"blocklists/{name}", body={"words": list(words)}))

    @endpoint
    def delete_blocklist(self, name: str) -> R:
        return self._run(Request("DELETE", f"blocklists/{name}"))

    @endpoint
    def upsert_push_provider(self, push_provider_config: dict[str, Any]) -> R:
        return self._run(
            Request("POST", "push_providers", body={"push_provider": push_provider_config})
        )

    @endpoint
    def list_push_providers(self) -> R:
        return self._run(Request("GET", "push_providers"))

    @endpoint
    def delete_push_provider(self, provider_type: str, name: str) -> R:
        return self._run(Request("DELETE", f"push_providers/{provider_type}/{name}"))

    @endpoint
    def check_push(self, push_data: dict[str, Any]) -> R:
        return self._run(Request("POST", "check_push", body=push_data))

    @endpoint
    def check_sqs(
        self, sqs_key: str | None = None, sqs_secret: str | None = None, sqs_url: str | None = None
    ) -> R:
        body = {"sqs_key": sqs_key, "sqs_secret": sqs_secret, "sqs_url": sqs_url}
        return self._run(Request("POST", "check_sqs", body=body))

    @endpoint
    def check_sns(
        self,
        sns_key: str | None = None,
        sns_secret: str | None = None,
        sns_topic_arn: str | None = None,
    ) -> R:
        body = {"sns_key": sns_key, "sns_secret": sns_secret, "sns_topic_arn": sns_topic_arn}
        return self._run(Request("POST", "check_sns", body=body))
