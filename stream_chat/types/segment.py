from enum import Enum
from typing import Any, TypedDict

from stream_chat.types.base import Pager


class SegmentType(Enum):
    CHANNEL = "channel"
    USER = "user"


class SegmentUpdatableFields(TypedDict, total=False):
    name: str
    description: str
    filter: dict[str, Any]


class SegmentData(SegmentUpdatableFields, total=False):
    all_users: bool
    all_sender_channels: bool


class QuerySegmentsOptions(Pager, total=False):
    pass


class QuerySegmentTargetsOptions(Pager, total=False):
    pass
