"""Import tasks: upload URLs, validation and application of import files
(endpoints-moderation-tasks §4, models §17).

Flow: :meth:`ImportRegistry.create_url` registers an upload slot and answers the URL the
fake serves (``<base_url>/_uploads/<uuid>/<filename>``, taking the file with a ``PUT``) plus
the storage path (``s3://stream-import/<api_key>/<uuid>/<filename>``); :meth:`create`
registers an import of an uploaded path and runs it; :meth:`get` / :meth:`list` read tasks.

State machine (§4.1; the fake never waits for a manual confirmation): ``uploaded`` →
``analyzing`` → ``analyze_failed`` (the file has problems: ``result.errors`` lists them, and
nothing is applied) or → ``importing`` → ``completed`` (or ``failed`` when applying an item
failed after the analysis; the items before it stay applied). Every transition adds a
``history`` entry ``{prev_state, next_state, created_at}``. ``create_import`` answers the task
as registered (state ``uploaded``, empty history — what the service answers); the work runs
right after, within the same request, so the first ``get_import`` shows the outcome.

``result``: ``{"stats": {"total": {users, devices, future_channel_bans, channels, members,
messages, reactions}, "created": {...}, "updated": {...}, "skipped": {...}}, "errors": [...]}``
(the spec gives ``errors`` and ``stats.total``; the other counters are the fake's).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote

from fake_server.domain.errors import input_error, not_found, payload_too_big
from fake_server.domain.export_files import ExportFiles
from fake_server.domain.ids import new_id
from fake_server.domain.import_file import MAX_FILE_BYTES, analyse
from fake_server.domain.query import page_limit, page_offset
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp
    from fake_server.domain.import_apply import FutureChannelBan

MODES: Final = ("insert", "upsert")
LIST_DEFAULT_LIMIT: Final = 25
LIST_MAX_LIMIT: Final = 100
MAX_FILENAME_LENGTH: Final = 255
BUCKET: Final = "stream-import"


@dataclass(slots=True)
class UploadSlot:
    id: str
    filename: str
    path: str
    created_at: datetime
    content: bytes | None = None
    content_type: str | None = None
    uploaded_at: datetime | None = None


@dataclass(slots=True)
class ImportTask:
    id: str
    path: str
    mode: str
    created_at: datetime
    updated_at: datetime
    state: str = "uploaded"
    size: int | None = None
    history: list[dict[str, str]] = field(default_factory=list)
    result: dict[str, Any] | None = None


class ImportRegistry:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.uploads: dict[str, UploadSlot] = {}
        self.by_path: dict[str, UploadSlot] = {}
        self.tasks: dict[str, ImportTask] = {}
        # (banned user, channel creator) → ban (see import_apply)
        self.future_channel_bans: dict[tuple[str, str], FutureChannelBan] = {}
        # The app has no attribute of its own for exports: their files live next to imports.
        self.export_files = ExportFiles()

    # -- upload URLs -------------------------------------------------------------------------------

    def create_url(self, body: dict[str, Any], base_url: str) -> dict[str, Any]:
        filename = body.get("filename")
        if not isinstance(filename, str) or not filename.strip():
            raise input_error("filename is a required field", filename="is required")
        if len(filename) > MAX_FILENAME_LENGTH or "/" in filename or "\\" in filename or filename in (".", ".."):
            raise input_error(
                f'filename "{filename}" is invalid: at most {MAX_FILENAME_LENGTH} characters, no path separators',
                filename="invalid",
            )
        slot_id = new_id()
        path = f"s3://{BUCKET}/{self._app.api_key}/{slot_id}/{filename}"
        slot = UploadSlot(id=slot_id, filename=filename, path=path, created_at=self._app.clock.now())
        self.uploads[slot_id] = slot
        self.by_path[path] = slot
        return {"upload_url": f"{base_url}/_uploads/{slot_id}/{quote(filename, safe='')}", "path": path}

    def receive_upload(self, slot_id: str, filename: str, content: bytes, content_type: str | None) -> UploadSlot:
        """Store the bytes PUT to an upload URL (a later PUT replaces them)."""
        slot = self.uploads.get(slot_id)
        if slot is None or slot.filename != filename:
            raise not_found("upload URL not found")
        if len(content) > MAX_FILE_BYTES:
            raise payload_too_big(f"import files are limited to {MAX_FILE_BYTES} bytes")
        slot.content = content
        slot.content_type = content_type
        slot.uploaded_at = self._app.clock.now()
        return slot

    # -- import tasks --------------------------------------------------------------------------------

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        path = body.get("path")
        if not isinstance(path, str) or not path:
            raise input_error("path is a required field", path="is required")
        mode = body.get("mode")
        if mode is None:
            raise input_error("mode is a required field", mode="is required")
        if mode not in MODES:
            raise input_error(f'mode must be "insert" or "upsert", got {mode!r}', mode="invalid")
        slot = self.by_path.get(path)
        if slot is None:
            raise input_error(f"path {path} is unknown: create it with POST /import_urls", path="unknown")
        if slot.content is None:
            raise input_error(f"nothing was uploaded to {path} yet", path="not uploaded")
        now = self._app.clock.now()
        task = ImportTask(
            id=new_id(), path=path, mode=str(mode), created_at=now, updated_at=now, size=len(slot.content)
        )
        self.tasks[task.id] = task
        answer = {"import_task": self.render(task)}
        self._run(task, slot.content)
        return answer

    def _move(self, task: ImportTask, state: str) -> None:
        now = self._app.clock.now()
        task.history.append({"prev_state": task.state, "next_state": state, "created_at": format_time(now)})
        task.state = state
        task.updated_at = now

    def _run(self, task: ImportTask, content: bytes) -> None:
        from fake_server.domain.import_apply import Applier

        self._move(task, "analyzing")
        analysis = analyse(self._app, content)
        totals = analysis.counts()
        if analysis.errors:
            task.result = {"errors": analysis.errors, "stats": {"total": totals}}
            self._move(task, "analyze_failed")
            return
        self._move(task, "importing")
        outcome = Applier(self._app, task.mode).run(analysis)
        task.result = {
            "errors": outcome.errors,
            "stats": {
                "total": totals,
                "created": outcome.created,
                "updated": outcome.updated,
                "skipped": outcome.skipped,
            },
        }
        self._move(task, "failed" if outcome.errors else "completed")

    def require(self, task_id: str) -> ImportTask:
        task = self.tasks.get(task_id)
        if task is None:
            raise not_found(f"import task {task_id} does not exist")
        return task

    def get(self, task_id: str) -> dict[str, Any]:
        return {"import_task": self.render(self.require(task_id))}

    def list(self, options: dict[str, Any]) -> dict[str, Any]:
        limit = page_limit(options.get("limit"), default=LIST_DEFAULT_LIMIT, maximum=LIST_MAX_LIMIT)
        offset = page_offset(options.get("offset"), maximum=1_000_000)
        newest = sorted(self.tasks.values(), key=lambda t: (t.created_at, t.id), reverse=True)
        return {"import_tasks": [self.render(t) for t in newest[offset : offset + limit]]}

    @staticmethod
    def render(task: ImportTask) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": task.id,
            "path": task.path,
            "mode": task.mode,
            "state": task.state,
            "history": [dict(entry) for entry in task.history],
            "created_at": format_time(task.created_at),
            "updated_at": format_time(task.updated_at),
        }
        if task.size is not None:
            out["size"] = task.size
        if task.result is not None:
            out["result"] = copy.deepcopy(task.result)
        return out
