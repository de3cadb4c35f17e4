"""Files produced by export tasks, served back by the fake at the task's ``result.url``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

BUCKET = "stream-exports"


@dataclass(frozen=True, slots=True)
class ExportFile:
    kind: str  # "channels" or "users"
    task_id: str
    filename: str
    content: bytes
    content_type: str
    created_at: datetime


class ExportFiles:
    """Export files of one app, by (kind, file name)."""

    def __init__(self) -> None:
        self._files: dict[tuple[str, str], ExportFile] = {}

    def add(self, export: ExportFile) -> None:
        self._files[(export.kind, export.filename)] = export

    def get(self, kind: str, filename: str) -> ExportFile | None:
        return self._files.get((kind, filename))

    def __len__(self) -> int:
        return len(self._files)
