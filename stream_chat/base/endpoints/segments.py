from collections.abc import Callable
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.request import Request
from stream_chat.types.segment import SegmentData, SegmentType, SegmentUpdatableFields
from stream_chat.types.stream_response import StreamResponse


class SegmentEndpoints(Endpoints[R]):
    """Segments: reusable lists of target users or channels for campaigns."""

    @endpoint
    def create_segment(
        self,
        segment_type: SegmentType | str,
        segment_id: str | None = None,
        data: SegmentData | None = None,
    ) -> R:
        return self._run(self._create_segment_request(segment_type, segment_id, data))

    def _create_segment_request(
        self,
        segment_type: SegmentType | str,
        segment_id: str | None,
        data: SegmentData | None,
        on_response: Callable[[StreamResponse], None] | None = None,
    ) -> Request:
        body: dict[str, Any] = {
            "type": segment_type.value if isinstance(segment_type, SegmentType) else segment_type
        }
        if segment_id is not None:
            body["id"] = segment_id
        if data is not None:
            body.update(data)
        return Request("POST", "segments", body=body, on_response=on_response)

    @endpoint
    def get_segment(self, segment_id: str) -> R:
        return self._run(Request("GET", f"segments/{segment_id}"))

    @endpoint
    def update_segment(self, segment_id: str, data: SegmentUpdatableFields) -> R:
        return self._run(Request("PUT", f"segments/{segment_id}", body=data))

    @endpoint
    def delete_segment(self, segment_id: str) -> R:
        return self._run(Request("DELETE", f"segments/{segment_id}"))

    @endpoint
    def query_segments(
        self,
        filter_conditions: dict[str, Any] | None = None,
        sort: list[Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> R:
        return self._run(
            Request("POST", "segments/query", body=cursor_query(filter_conditions, sort, options))
        )

    @endpoint
    def segment_target_exists(self, segment_id: str, target_id: str) -> R:
        return self._run(Request("GET", f"segments/{segment_id}/target/{target_id}"))

    @endpoint
    def add_segment_targets(self, segment_id: str, target_ids: list[str]) -> R:
        return self._run(
            Request("POST", f"segments/{segment_id}/addtargets", body={"target_ids": target_ids})
        )

    @endpoint
    def remove_segment_targets(self, segment_id: str, target_ids: list[str]) -> R:
        return self._run(
            Request("POST", f"segments/{segment_id}/deletetargets", body={"target_ids": target_ids})
        )

    @endpoint
    def query_segment_targets(
        self,
        segment_id: str,
        filter_conditions: dict[str, Any] | None = None,
        sort: list[Any] | None = None,
        options: dict[str, Any] | None = None,
    ) -> R:
        body = cursor_query(filter_conditions, sort, options)
        return self._run(Request("POST", f"segments/{segment_id}/targets/query", body=body))


def cursor_query(
    filter_conditions: dict[str, Any] | None, sort: list[Any] | None, options: Any
) -> dict[str, Any]:
    """Body of the cursor-paged queries: keys left out when not given, sort sent verbatim."""
    body: dict[str, Any] = {}
    if filter_conditions is not None:
        body["filter"] = filter_conditions
    if sort is not None:
        body["sort"] = sort
    if options:
        body.update(options)
    return body
