import json
from collections.abc import Iterable
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.request import Request


class ModerationEndpoints(Endpoints[R]):
    """Bans, shadow bans, user mutes, flags and flag reports."""

    @endpoint
    def ban_user(self, target_id: str, **options: Any) -> R:
        return self._run(
            Request("POST", "moderation/ban", body={"target_user_id": target_id, **options})
        )

    @endpoint
    def shadow_ban(self, target_id: str, **options: Any) -> R:
        return self.ban_user(target_id, shadow=True, **options)

    @endpoint
    def unban_user(self, target_id: str, **options: Any) -> R:
        return self._run(
            Request("DELETE", "moderation/ban", {"target_user_id": target_id, **options})
        )

    @endpoint
    def remove_shadow_ban(self, target_id: str, **options: Any) -> R:
        return self.unban_user(target_id, shadow=True, **options)

    @endpoint
    def query_banned_users(self, query_conditions: dict[str, Any]) -> R:
        return self._run(
            Request("GET", "query_banned_users", {"payload": json.dumps(query_conditions)})
        )

    @endpoint
    def mute_user(self, target_id: str, user_id: str, **options: Any) -> R:
        body = {"target_id": target_id, "user_id": user_id, **options}
        return self._run(Request("POST", "moderation/mute", body=body))

    @endpoint
    def mute_users(self, target_ids: Iterable[str], user_id: str, **options: Any) -> R:
        body = {"target_ids": list(target_ids), "user_id": user_id, **options}
        return self._run(Request("POST", "moderation/mute", body=body))

    @endpoint
    def unmute_user(self, target_id: str, user_id: str) -> R:
        body = {"target_id": target_id, "user_id": user_id}
        return self._run(Request("POST", "moderation/unmute", body=body))

    @endpoint
    def unmute_users(self, target_ids: Iterable[str], user_id: str) -> R:
        body = {"target_ids": list(target_ids), "user_id": user_id}
        return self._run(Request("POST", "moderation/unmute", body=body))

    @endpoint
    def flag_message(self, target_id: str, **options: Any) -> R:
        return self._run(
            Request("POST", "moderation/flag", body={"target_message_id": target_id, **options})
        )

    @endpoint
    def unflag_message(self, target_id: str, **options: Any) -> R:
        return self._run(
            Request("POST", "moderation/unflag", body={"target_message_id": target_id, **options})
        )

    @endpoint
    def flag_user(self, target_id: str, **options: Any) -> R:
        return self._run(
            Request("POST", "moderation/flag", body={"target_user_id": target_id, **options})
        )

    @endpoint
    def unflag_user(self, target_id: str, **options: Any) -> R:
        return self._run(
            Request("POST", "moderation/unflag", body={"target_user_id": target_id, **options})
        )

    @endpoint
    def query_message_flags(self, filter_conditions: dict[str, Any], **options: Any) -> R:
        payload = {**options, "filter_conditions": filter_conditions}
        return self._run(
            Request("GET", "moderation/flags/message", {"payload": json.dumps(payload)})
        )

    @endpoint
    def _query_flag_reports(self, **options: Any) -> R:
        # Internal upstream API: every keyword argument is a filter condition.
        return self._run(Request("POST", "moderation/reports", body={"filter_conditions": options}))

    @endpoint
    def _review_flag_report(
        self, report_id: str, review_result: str, user_id: str, **details: Any
    ) -> R:
        body = {"review_result": review_result, "user_id": user_id, "review_details": details}
        return self._run(Request("PATCH", f"moderation/reports/{report_id}", body=body))
