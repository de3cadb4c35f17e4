from collections.abc import Iterable
from datetime import datetime
from typing import Any

from stream_chat.base.coroutines import endpoint
from stream_chat.base.endpoints.base import Endpoints, R
from stream_chat.base.query import isoformat
from stream_chat.base.request import Request


class TaskEndpoints(Endpoints[R]):
    """Background work: channel exports, imports and task status."""

    @endpoint
    def export_channel(
        self,
        channel_type: str,
        channel_id: str,
        messages_since: str | datetime | None = None,
        messages_until: str | datetime | None = None,
        **options: Any,
    ) -> R:
        channel = {
            "id": channel_id,
            "type": channel_type,
            "messages_since": isoformat(messages_since),
            "messages_until": isoformat(messages_until),
        }
        return self.export_channels([channel], **options)

    @endpoint
    def export_channels(self, channels: Iterable[dict[str, Any]], **options: Any) -> R:
        return self._run(
            Request("POST", "export_channels", body={"channels": list(channels), **options})
        )

    @endpoint
    def get_export_channel_status(self, task_id: str) -> R:
        return self._run(Request("GET", f"export_channels/{task_id}"))

    @endpoint
    def get_task(self, task_id: str) -> R:
        return self._run(Request("GET", f"tasks/{task_id}"))

    @endpoint
    def create_import_url(self, filename: str) -> R:
        return self._run(Request("POST", "import_urls", body={"filename": filename}))

    @endpoint
    def create_import(self, path: str, mode: str = "upsert") -> R:
        return self._run(Request("POST", "imports", body={"path": path, "mode": mode}))

    @endpoint
    def get_import(self, id: str) -> R:
        return self._run(Request("GET", f"imports/{id}"))

    @endpoint
    def list_imports(self, options: dict[str, Any] | None = None) -> R:
        return self._run(Request("GET", "imports", options))
