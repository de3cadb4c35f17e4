from typing import Any, TypedDict

from stream_chat.types.base import Pager


class MessageTemplate(TypedDict, total=False):
    text: str
    attachments: list[dict[str, Any]]
    custom: dict[str, Any]


class ChannelTemplate(TypedDict, total=False):
    type: str
    id: str
    members: list[str]
    custom: dict[str, Any]


class CampaignData(TypedDict, total=False):
    message_template: MessageTemplate
    sender_id: str
    segment_ids: list[str]
    user_ids: list[str]
    create_channels: bool
    channel_template: ChannelTemplate
    name: str
    description: str
    skip_push: bool
    skip_webhook: bool


class QueryCampaignsOptions(Pager, total=False):
    pass
