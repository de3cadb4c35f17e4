"""The query engine shared by every query endpoint of the fake: filters (conventions §10),
sorting (§11) and pagination (§8).

Typical use by an endpoint::

    schema = Schema(fields={...}, custom_get=lambda ch, key: ch.custom.get(key, MISSING))
    matches = compile_filter(schema, body.get("filter_conditions"))
    sorter = compile_sort(body.get("sort"), SORT_FIELDS, default=[("last_updated", -1)],
                          tiebreak=[("cid", 1)], custom_get=..., max_fields=5)
    limit = page_limit(body.get("limit"), default=10, maximum=30)
    offset = page_offset(body.get("offset"), maximum=1000)
    page = sorter([c for c in candidates if matches(c)])[offset:offset + limit]
"""

from .constraints import constraint_values
from .cursors import cursor_value, decode_cursor, encode_cursor, fingerprint, keyset_page, paged
from .dates import format_timestamp, parse_timestamp
from .filters import compile_filter
from .ordering import position_key
from .paging import page_limit, page_offset
from .schema import (
    ALL_OPERATORS,
    COMPARISONS,
    COMPARISONS_IN,
    COMPARISONS_IN_EXISTS,
    DEFAULT_CUSTOM_OPERATORS,
    EQ,
    EQ_IN,
    FIELD_OPERATORS,
    LOGICAL_OPERATORS,
    ORDERED_OPERATORS,
    Field,
    Schema,
)
from .sorting import Sorter, SortField, compile_sort
from .text import matches_autocomplete, matches_text_query, tokens
from .values import MISSING, FieldType, is_absent, json_equal, json_kind

__all__ = [
    "ALL_OPERATORS",
    "COMPARISONS",
    "COMPARISONS_IN",
    "COMPARISONS_IN_EXISTS",
    "DEFAULT_CUSTOM_OPERATORS",
    "EQ",
    "EQ_IN",
    "FIELD_OPERATORS",
    "LOGICAL_OPERATORS",
    "MISSING",
    "ORDERED_OPERATORS",
    "Field",
    "FieldType",
    "Schema",
    "SortField",
    "Sorter",
    "compile_filter",
    "compile_sort",
    "constraint_values",
    "cursor_value",
    "decode_cursor",
    "encode_cursor",
    "fingerprint",
    "format_timestamp",
    "is_absent",
    "json_equal",
    "json_kind",
    "keyset_page",
    "matches_autocomplete",
    "matches_text_query",
    "page_limit",
    "page_offset",
    "paged",
    "parse_timestamp",
    "position_key",
    "tokens",
]
