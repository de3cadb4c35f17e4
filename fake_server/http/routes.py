"""The routes table of the API: every area module's ROUTES, in one list."""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from fake_server.http import areas
from fake_server.http.routing import Route


def all_routes() -> list[Route]:
    routes: list[Route] = []
    for module_info in sorted(pkgutil.iter_modules(areas.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{areas.__name__}.{module_info.name}")
        routes.extend(getattr(module, "ROUTES", ()))
    return routes


@cache
def operation_names() -> frozenset[str]:
    """Every operation name the API serves (used to validate GET /rate_limits filters)."""
    return frozenset(r.operation for r in all_routes() if not r.public)
