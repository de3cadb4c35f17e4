import os
from abc import abstractmethod
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar

from stream_chat.base.auth import server_token, user_token, webhook_signature_matches
from stream_chat.base.endpoints.app import AppEndpoints
from stream_chat.base.endpoints.base import R
from stream_chat.base.endpoints.campaigns import CampaignEndpoints
from stream_chat.base.endpoints.channels import ChannelsEndpoints
from stream_chat.base.endpoints.messages import MessageEndpoints
from stream_chat.base.endpoints.moderation import ModerationEndpoints
from stream_chat.base.endpoints.raw import RawEndpoints
from stream_chat.base.endpoints.segments import SegmentEndpoints
from stream_chat.base.endpoints.tasks import TaskEndpoints
from stream_chat.base.endpoints.users import UserEndpoints
from stream_chat.base.query import normalize_sort, search_params
from stream_chat.base.retry import retry_policy
from stream_chat.base.wire import BooleanStyle, Wire

DEFAULT_BASE_URL = "https://chat.stream-io-api.com"


class BaseStreamChat(
    UserEndpoints[R],
    AppEndpoints[R],
    ChannelsEndpoints[R],
    MessageEndpoints[R],
    ModerationEndpoints[R],
    TaskEndpoints[R],
    SegmentEndpoints[R],
    CampaignEndpoints[R],
    RawEndpoints[R],
):
    """Configuration and local helpers shared by :class:`StreamChat` and :class:`StreamChatAsync`.

    Options (keyword arguments): ``base_url``; ``transport`` (an httpx transport) or
    ``http_client`` (a ready httpx client, left open on close); ``rate_limit_retry``
    (a :class:`~stream_chat.base.retry.RateLimitRetry` or ``True``). Environment:
    ``STREAM_CHAT_URL`` is used when no ``base_url`` is given; ``STREAM_CHAT_TIMEOUT``
    overrides ``timeout``.
    """

    _user_agent: ClassVar[str]
    _booleans: ClassVar[BooleanStyle]

    def __init__(self, api_key: str, api_secret: str, timeout: float = 6.0, **options: Any) -> None:
        self.api_key = api_key
        self.api_secret = api_secret
        self.options = options
        env_timeout = os.environ.get("STREAM_CHAT_TIMEOUT")
        self.timeout = float(env_timeout) if env_timeout else timeout
        base_url = options.get("base_url") or os.environ.get("STREAM_CHAT_URL") or DEFAULT_BASE_URL
        self.base_url: str = base_url.rstrip("/")
        self.auth_token = server_token(api_secret)
        self._wire = Wire(self.base_url, api_key, self.auth_token, self._user_agent, self._booleans)
        self._rate_limit_retry = retry_policy(options.get("rate_limit_retry"))

    @abstractmethod
    def send_file(
        self,
        uri: str,
        url: str,
        name: str,
        user: Mapping[str, Any],
        content_type: str | None = None,
    ) -> R:
        """Upload a local file or a downloaded http(s) URL as multipart to ``uri``."""

    def get_default_params(self) -> dict[str, str]:
        return {"api_key": self.api_key}

    def normalize_sort(self, sort: Any = None) -> list[dict[str, Any]]:
        return normalize_sort(sort)

    def create_search_params(
        self,
        filter_conditions: dict[str, Any],
        query: str | dict[str, Any],
        sort: Any = None,
        **options: Any,
    ) -> dict[str, Any]:
        return search_params(filter_conditions, query, sort, **options)

    def create_token(
        self,
        user_id: str,
        exp: int | datetime | None = None,
        iat: int | datetime | None = None,
        **claims: Any,
    ) -> str:
        return user_token(self.api_secret, user_id, exp, iat, **claims)

    def verify_webhook(self, request_body: bytes, x_signature: str | bytes) -> bool:
        return webhook_signature_matches(self.api_secret, request_body, x_signature)
