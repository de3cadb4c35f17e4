"""Client-side shaping of query documents: sort normalisation, search payloads, timestamps."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any


def normalize_sort(
    sort: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """``{"f": -1}`` or ``[{"f": -1}]`` become ``[{"field": "f", "direction": -1}]``."""
    if sort is None:
        return []
    items = [sort] if isinstance(sort, Mapping) else sort
    normalized: list[dict[str, Any]] = []
    for item in items:
        if "field" in item and "direction" in item:
            normalized.append(dict(item))
        else:
            normalized.extend(
                {"field": field, "direction": direction} for field, direction in item.items()
            )
    return normalized


def search_params(
    filter_conditions: Mapping[str, Any],
    query: str | Mapping[str, Any],
    sort: Mapping[str, Any] | Iterable[Mapping[str, Any]] | None = None,
    **options: Any,
) -> dict[str, Any]:
    if "offset" in options and (sort or "next" in options):
        raise ValueError("cannot use offset with sort or next parameters")
    params = dict(options)
    if isinstance(query, str):
        params["query"] = query
    else:
        params["message_filter_conditions"] = query
    params["filter_conditions"] = filter_conditions
    if sort:
        params["sort"] = normalize_sort(sort)
    return params


def isoformat(value: str | datetime | None) -> str | None:
    """Datetimes travel as ``isoformat()`` (naive ones without a zone); strings and None as they are."""
    return value.isoformat() if isinstance(value, datetime) else value
