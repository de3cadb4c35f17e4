from stream_chat.base.campaign import BaseCampaign
from stream_chat.types.stream_response import StreamResponse


class Campaign(BaseCampaign[StreamResponse]):
    """A campaign of the sync client."""

    _merge_data_on_create = True
