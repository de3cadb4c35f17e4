import json
from collections.abc import Iterable, Mapping
from typing import Any

from stream_chat.base.client import BaseStreamChat
from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.exceptions import StreamChannelException
from stream_chat.base.query import normalize_sort
from stream_chat.base.request import Request
from stream_chat.types.stream_response import StreamResponse


class BaseChannel(Endpoints[R]):
    """One channel, addressed by type and id; the id may come from the server on first query."""

    def __init__(
        self,
        client: BaseStreamChat[R],
        channel_type: str,
        channel_id: str | None = None,
        custom_data: dict[str, Any] | None = None,
    ) -> None:
        self.channel_type = channel_type
        self.id = channel_id
        self.client = client
        self.custom_data: dict[str, Any] = custom_data if custom_data is not None else {}

    def _run(self, request: Request) -> R:
        return self.client._run(request)

    @property
    def cid(self) -> str:
        if self.id is None:
            raise StreamChannelException("channel does not have an id")
        return f"{self.channel_type}:{self.id}"

    @property
    def url(self) -> str:
        if self.id is None:
            raise StreamChannelException("channel does not have an id")
        return f"channels/{self.channel_type}/{self.id}"

    @endpoint
    def query(self, **options: Any) -> R:
        body = {"state": True, "data": self.custom_data, **options}
        if self.id is None:
            return self._run(
                Request(
                    "POST",
                    f"channels/{self.channel_type}/query",
                    body=body,
                    on_response=self._adopt_id,
                )
            )
        return self._run(Request("POST", f"{self.url}/query", body=body))

    def _adopt_id(self, response: StreamResponse) -> None:
        self.id = response["channel"]["id"]

    @endpoint
    def create(self, user_id: str, **options: Any) -> R:
        self.custom_data["created_by"] = {"id": user_id}
        return self.query(**{**options, "watch": False, "state": False, "presence": False})

    def _query_members_request(
        self, filter_conditions: dict[str, Any], sort: Any = None, **options: Any
    ) -> Request:
        payload = {
            "id": self.id,
            "type": self.channel_type,
            "filter_conditions": filter_conditions,
            "sort": normalize_sort(sort),
            **options,
        }
        return Request("GET", "members", {"payload": json.dumps(payload)})

    @endpoint
    def update(
        self, channel_data: dict[str, Any], update_message: dict[str, Any] | None = None
    ) -> R:
        return self._run(
            Request("POST", self.url, body={"data": channel_data, "message": update_message})
        )

    @endpoint
    def update_partial(
        self, to_set: dict[str, Any] | None = None, to_unset: Iterable[str] | None = None
    ) -> R:
        body = {"set": to_set or {}, "unset": list(to_unset or [])}
        return self._run(Request("PATCH", self.url, body=body))

    @endpoint
    def delete(self) -> R:
        return self._run(Request("DELETE", self.url))

    @endpoint
    def truncate(self, **options: Any) -> R:
        return self._run(Request("POST", f"{self.url}/truncate", body=options))

    def _update_members(
        self, action: str, value: Any, message: dict[str, Any] | None, **options: Any
    ) -> R:
        return self._run(
            Request("POST", self.url, body={action: value, "message": message, **options})
        )

    @endpoint
    def add_members(
        self,
        members: Iterable[str] | Iterable[dict[str, Any]],
        message: dict[str, Any] | None = None,
        **options: Any,
    ) -> R:
        return self._update_members("add_members", list(members), message, **options)

    @endpoint
    def remove_members(self, user_ids: Iterable[str], message: dict[str, Any] | None = None) -> R:
        return self._update_members("remove_members", list(user_ids), message)

    @endpoint
    def invite_members(self, user_ids: Iterable[str], message: dict[str, Any] | None = None) -> R:
        return self._update_members("invites", list(user_ids), message)

    @endpoint
    def add_moderators(self, user_ids: Iterable[str], message: dict[str, Any] | None = None) -> R:
        return self._update_members("add_moderators", list(user_ids), message)

    @endpoint
    def demote_moderators(
        self, user_ids: Iterable[str], message: dict[str, Any] | None = None
    ) -> R:
        return self._update_members("demote_moderators", list(user_ids), message)

    @endpoint
    def assign_roles(
        self, members: Iterable[dict[str, Any]], message: dict[str, Any] | None = None
    ) -> R:
        return self._update_members("assign_roles", list(members), message)

    @endpoint
    def accept_invite(self, user_id: str, **data: Any) -> R:
        return self._answer_invite("accept_invite", user_id, data)

    @endpoint
    def reject_invite(self, user_id: str, **data: Any) -> R:
        return self._answer_invite("reject_invite", user_id, data)

    def _answer_invite(self, answer: str, user_id: str, data: dict[str, Any]) -> R:
        body = {"user": {"id": user_id}, **data, answer: True}
        return self._run(Request("POST", self.url, body=body, on_response=self._adopt_channel))

    def _adopt_channel(self, response: StreamResponse) -> None:
        self.custom_data = response["channel"]

    @endpoint
    def send_message(self, message: dict[str, Any], user_id: str, **options: Any) -> R:
        body = {"message": {**message, "user": {"id": user_id}}, **options}
        return self._run(Request("POST", f"{self.url}/message", body=body))

    @endpoint
    def send_event(self, event: dict[str, Any], user_id: str) -> R:
        body = {"event": {**event, "user": {"id": user_id}}}
        return self._run(Request("POST", f"{self.url}/event", body=body))

    @endpoint
    def send_reaction(self, message_id: str, reaction: dict[str, Any], user_id: str) -> R:
        body = {"reaction": {**reaction, "user": {"id": user_id}}}
        return self._run(Request("POST", f"messages/{message_id}/reaction", body=body))

    @endpoint
    def delete_reaction(self, message_id: str, reaction_type: str, user_id: str) -> R:
        return self._run(
            Request(
                "DELETE", f"messages/{message_id}/reaction/{reaction_type}", {"user_id": user_id}
            )
        )

    @endpoint
    def get_replies(self, parent_id: str, **options: Any) -> R:
        return self._run(Request("GET", f"messages/{parent_id}/replies", options))

    @endpoint
    def get_reactions(self, message_id: str, **options: Any) -> R:
        return self._run(Request("GET", f"messages/{message_id}/reactions", options))

    @endpoint
    def get_messages(self, message_ids: Iterable[str]) -> R:
        return self._run(Request("GET", f"{self.url}/messages", {"ids": ",".join(message_ids)}))

    @endpoint
    def mark_read(self, user_id: str, **data: Any) -> R:
        return self._run(
            Request("POST", f"{self.url}/read", body={**data, "user": {"id": user_id}})
        )

    @endpoint
    def mark_unread(self, user_id: str, **data: Any) -> R:
        return self._run(
            Request("POST", f"{self.url}/unread", body={**data, "user": {"id": user_id}})
        )

    @endpoint
    def ban_user(self, target_id: str, **options: Any) -> R:
        return self.client.ban_user(target_id, type=self.channel_type, id=self.id, **options)

    @endpoint
    def unban_user(self, target_id: str, **options: Any) -> R:
        return self.client.unban_user(target_id, type=self.channel_type, id=self.id, **options)

    @endpoint
    def hide(self, user_id: str) -> R:
        return self._run(Request("POST", f"{self.url}/hide", body={"user_id": user_id}))

    @endpoint
    def show(self, user_id: str) -> R:
        return self._run(Request("POST", f"{self.url}/show", body={"user_id": user_id}))

    @endpoint
    def mute(self, user_id: str, expiration: int | None = None) -> R:
        body: dict[str, Any] = {"user_id": user_id, "channel_cid": self.cid}
        if expiration:
            body["expiration"] = expiration
        return self._run(Request("POST", "moderation/mute/channel", body=body))

    @endpoint
    def unmute(self, user_id: str) -> R:
        body = {"user_id": user_id, "channel_cid": self.cid}
        return self._run(Request("POST", "moderation/unmute/channel", body=body))

    @endpoint
    def update_member_partial(
        self,
        user_id: str,
        to_set: dict[str, Any] | None = None,
        to_unset: Iterable[str] | None = None,
    ) -> R:
        return self._update_member(user_id, {"set": to_set or {}, "unset": list(to_unset or [])})

    @endpoint
    def pin(self, user_id: str) -> R:
        return self._update_member(user_id, {"set": {"pinned": True}})

    @endpoint
    def unpin(self, user_id: str) -> R:
        return self._update_member(user_id, {"set": {"pinned": False}})

    @endpoint
    def archive(self, user_id: str) -> R:
        return self._update_member(user_id, {"set": {"archived": True}})

    @endpoint
    def unarchive(self, user_id: str) -> R:
        return self._update_member(user_id, {"set": {"archived": False}})

    def _update_member(self, user_id: str, body: dict[str, Any]) -> R:
        if not user_id:
            raise StreamChannelException("user_id must not be empty")
        return self._run(Request("PATCH", f"{self.url}/member/{user_id}", body=body))

    @endpoint
    def send_file(
        self, url: str, name: str, user: Mapping[str, Any], content_type: str | None = None
    ) -> R:
        return self.client.send_file(f"{self.url}/file", url, name, user, content_type)

    @endpoint
    def send_image(
        self, url: str, name: str, user: Mapping[str, Any], content_type: str | None = None
    ) -> R:
        return self.client.send_file(f"{self.url}/image", url, name, user, content_type)

    @endpoint
    def delete_file(self, url: str) -> R:
        return self._run(Request("DELETE", f"{self.url}/file", {"url": url}))

    @endpoint
    def delete_image(self, url: str) -> R:
        return self._run(Request("DELETE", f"{self.url}/image", {"url": url}))
