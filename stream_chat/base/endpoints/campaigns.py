from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.endpoints.segments import cursor_query
from stream_chat.base.query import isoformat
from stream_chat.base.request import Request
from stream_chat.types.campaign import CampaignData
from stream_chat.types.stream_response import StreamResponse


class CampaignEndpoints(Endpoints[R]):
    """Campaigns: one templated message sent on behalf of a user to many targets."""

    @endpoint
    def create_campaign(
        self, campaign_id: str | None = None, data: CampaignData | None = None
    ) -> R:
        return self._run(self._create_campaign_request(campaign_id, data))

    def _create_campaign_request(
        self,
        campaign_id: str | None,
        data: CampaignData | None,
        on_response: Callable[[StreamResponse], None] | None = None,
    ) -> Request:
        # "id" is always sent, as null when the server should generate one.
        body: dict[str, Any] = {"id": campaign_id, **(data or {})}
        return Request("POST", "campaigns", body=body, on_response=on_response)

    @endpoint
    def get_campaign(self, campaign_id: str | None) -> R:
        return self._run(Request("GET", f"campaigns/{campaign_id}"))

    @endpoint
    def update_campaign(self, campaign_id: str | None, data: CampaignData) -> R:
        return self._run(Request("PUT", f"campaigns/{campaign_id}", body=data))

    @endpoint
    def delete_campaign(self, campaign_id: str | None, **options: Any) -> R:
        return self._run(Request("DELETE", f"campaigns/{campaign_id}", options))

    @endpoint
    def query_campaigns(
        self,
        filter_conditions: dict[str, Any] | None = None,
        sort: list[Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> R:
        return self._run(
            Request("POST", "campaigns/query", body=cursor_query(filter_conditions, sort, options))
        )

    @endpoint
    def start_campaign(
        self,
        campaign_id: str | None,
        scheduled_for: str | datetime | None = None,
        stop_at: str | datetime | None = None,
    ) -> R:
        body: dict[str, Any] = {}
        if scheduled_for is not None:
            body["scheduled_for"] = isoformat(scheduled_for)
        if stop_at is not None:
            body["stop_at"] = isoformat(stop_at)
        return self._run(Request("POST", f"campaigns/{campaign_id}/start", body=body))

    @endpoint
    def stop_campaign(self, campaign_id: str | None) -> R:
        return self._run(Request("POST", f"campaigns/{campaign_id}/stop", body={}))

    @endpoint
    def test_campaign(self, campaign_id: str | None, users: Iterable[str]) -> R:
        return self._run(
            Request("POST", f"campaigns/{campaign_id}/test", body={"users": list(users)})
        )
