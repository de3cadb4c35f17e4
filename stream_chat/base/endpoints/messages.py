import json
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.query import normalize_sort, search_params
from stream_chat.base.request import Request


class MessageEndpoints(Endpoints[R]):
    """Messages addressed by id (channel-scoped sends live on Channel) and message search."""

    @endpoint
    def get_message(self, message_id: str, **options: Any) -> R:
        return self._run(Request("GET", f"messages/{message_id}", options))

    @endpoint
    def update_message(self, message: dict[str, Any]) -> R:
        if message.get("id") is None:
            raise ValueError("message must have an id")
        return self._run(Request("POST", f"messages/{message['id']}", body={"message": message}))

    @endpoint
    def update_message_partial(
        self, message_id: str, updates: dict[str, Any], user_id: str | None, **options: Any
    ) -> R:
        body = dict(updates)
        if user_id:
            body["user"] = {"id": user_id}
        body.update(options)
        return self._run(Request("PUT", f"messages/{message_id}", body=body))

    @endpoint
    def pin_message(self, message_id: str, user_id: str, expiration: int | None = None) -> R:
        updates = {"set": {"pinned": True, "pin_expires": expiration}}
        return self.update_message_partial(message_id, updates, user_id)

    @endpoint
    def unpin_message(self, message_id: str, user_id: str) -> R:
        return self.update_message_partial(message_id, {"set": {"pinned": False}}, user_id)

    @endpoint
    def delete_message(self, message_id: str, **options: Any) -> R:
        return self._run(Request("DELETE", f"messages/{message_id}", options))

    @endpoint
    def undelete_message(self, message_id: str, user_id: str) -> R:
        return self._run(
            Request("POST", f"messages/{message_id}/undelete", body={"undeleted_by": user_id})
        )

    @endpoint
    def translate_message(self, message_id: str, language: str) -> R:
        return self._run(
            Request("POST", f"messages/{message_id}/translate", body={"language": language})
        )

    @endpoint
    def run_message_action(self, message_id: str, data: dict[str, Any]) -> R:
        return self._run(Request("POST", f"messages/{message_id}/action", body=data))

    @endpoint
    def query_message_history(
        self, filter: dict[str, Any] | None = None, sort: Any = None, **options: Any
    ) -> R:
        body = {**options, "filter": filter, "sort": normalize_sort(sort)}
        return self._run(Request("POST", "messages/history", body=body))

    @endpoint
    def search(
        self,
        filter_conditions: dict[str, Any],
        query: str | dict[str, Any],
        sort: Any = None,
        **options: Any,
    ) -> R:
        payload = search_params(filter_conditions, query, sort, **options)
        return self._run(Request("GET", "search", {"payload": json.dumps(payload)}))
