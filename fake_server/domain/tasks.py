"""Asynchronous tasks (GET /tasks/{id}): registry and lifecycle.

The fake runs the work of a task synchronously inside the call that starts it, so a task is
already ``completed`` (or ``failed``) when its id is first returned — compatible with every
polling client (models §16 recommends this).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from fake_server.domain.errors import not_found
from fake_server.domain.ids import new_id
from fake_server.domain.timefmt import format_time

if TYPE_CHECKING:
    from fake_server.domain.app import ChatApp


@dataclass(slots=True)
class Task:
    id: str
    kind: str
    created_at: datetime
    updated_at: datetime
    status: str = "waiting"
    result: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    history: list[str] = field(default_factory=list)


class TaskRegistry:
    def __init__(self, app: ChatApp) -> None:
        self._app = app
        self.by_id: dict[str, Task] = {}

    def start(self, kind: str) -> Task:
        """Register a task that is about to run (status ``running``)."""
        now = self._app.clock.now()
        task = Task(id=new_id(), kind=kind, created_at=now, updated_at=now, status="running")
        task.history.append("running")
        self.by_id[task.id] = task
        return task

    def complete(self, task: Task, result: dict[str, Any]) -> Task:
        task.status = "completed"
        task.result = result
        task.updated_at = self._app.clock.now()
        task.history.append("completed")
        return task

    def fail(self, task: Task, error_type: str, description: str) -> Task:
        task.status = "failed"
        task.error = {"type": error_type, "description": description}
        task.updated_at = self._app.clock.now()
        task.history.append("failed")
        return task

    def run(self, kind: str, result: dict[str, Any]) -> Task:
        """Record a task whose work is already done."""
        return self.complete(self.start(kind), result)

    def require(self, task_id: str) -> Task:
        task = self.by_id.get(task_id)
        if task is None:
            raise not_found(f"Can't find task with id {task_id}")
        return task

    @staticmethod
    def render(task: Task) -> dict[str, Any]:
        out: dict[str, Any] = {
            "task_id": task.id,
            "status": task.status,
            "created_at": format_time(task.created_at),
            "updated_at": format_time(task.updated_at),
        }
        if task.result is not None:
            out["result"] = task.result
        if task.error is not None:
            out["error"] = task.error
        return out
