"""Tests of the fake's query engine: filters, sorting, limit/offset, cursors, keyset paging."""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from fake_server.domain.errors import APIError, input_error
from fake_server.domain.query import (
    FIELD_OPERATORS,
    MISSING,
    Field,
    FieldType,
    Schema,
    SortField,
    compile_filter,
    compile_sort,
    constraint_values,
    decode_cursor,
    encode_cursor,
    keyset_page,
    matches_autocomplete,
    matches_text_query,
    page_limit,
    page_offset,
    parse_timestamp,
    tokens,
)

Item = dict[str, Any]


def dt(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def getter(key: str) -> Callable[[Item], object]:
    return lambda item: item.get(key, MISSING)


def custom(item: Item, key: str) -> object:
    return item.get("custom", {}).get(key, MISSING)


def expect_input_error(excinfo: pytest.ExceptionInfo[APIError], fragment: str) -> None:
    error = excinfo.value
    assert (error.status, error.code) == (400, 4)
    assert fragment in error.detail, error.detail


# --------------------------------------------------------------------------------------------
# Filter fixtures
# --------------------------------------------------------------------------------------------

ITEMS: list[Item] = [
    {
        "id": "a",
        "name": "Robert",
        "score": 10,
        "active": True,
        "created_at": dt(2024, 1, 1),
        "teams": ["red", "blue"],
        "custom": {
            "color": "red",
            "size": 3,
            "flag": True,
            "tags": ["x", "y"],
            "details": {"color": "green", "dims": {"w": 2}},
        },
    },
    {
        "id": "b",
        "name": "Aaron Rogers",
        "score": 2.5,
        "active": False,
        "created_at": dt(2024, 2, 1, 12),
        "teams": ["blue"],
        "custom": {
            "color": "blue",
            "size": "3",
            "tags": ["y"],
            "details": {"color": "red"},
            "rank": None,
        },
    },
    {
        "id": "c",
        "name": None,
        "score": -1,
        "active": True,
        "created_at": dt(2023, 12, 31, 23, 59, 59),
        "teams": [],
        "custom": {
            "color": None,
            "size": 3.0,
            "items": [{"kind": "k1"}, {"kind": "k2"}, {"other": 1}],
        },
    },
    {"id": "d", "custom": {}},
]

ID_OPS = frozenset(
    {"$eq", "$ne", "$in", "$nin", "$gt", "$gte", "$lt", "$lte", "$exists", "$autocomplete"}
)

SCHEMA: Schema[Item] = Schema(
    fields={
        "id": Field("id", FieldType.STRING, ID_OPS, getter("id")),
        "name": Field("name", FieldType.STRING, FIELD_OPERATORS, getter("name")),
        "score": Field("score", FieldType.NUMBER, FIELD_OPERATORS, getter("score")),
        "active": Field("active", FieldType.BOOL, FIELD_OPERATORS, getter("active")),
        "created_at": Field("created_at", FieldType.DATE, FIELD_OPERATORS, getter("created_at")),
        "teams": Field("teams", FieldType.STRING_LIST, FIELD_OPERATORS, getter("teams")),
    },
    custom_get=custom,
)

STRICT_SCHEMA: Schema[Item] = Schema(fields=SCHEMA.fields)


def run(conditions: object, schema: Schema[Item] = SCHEMA) -> list[str]:
    predicate = compile_filter(schema, conditions)
    return [item["id"] for item in ITEMS if predicate(item)]


# --------------------------------------------------------------------------------------------
# Operators per field type
# --------------------------------------------------------------------------------------------

STRING_CASES = [
    ({"id": "a"}, ["a"]),
    ({"id": {"$eq": "a"}}, ["a"]),
    ({"id": {"$ne": "a"}}, ["b", "c", "d"]),
    ({"name": {"$ne": "Robert"}}, ["b", "c", "d"]),
    ({"id": {"$in": ["a", "c", "zz"]}}, ["a", "c"]),
    ({"id": {"$in": []}}, []),
    ({"id": {"$nin": ["a", "c"]}}, ["b", "d"]),
    ({"name": {"$nin": ["Robert"]}}, ["b", "c", "d"]),
    ({"id": {"$gt": "b"}}, ["c", "d"]),
    ({"id": {"$gte": "b"}}, ["b", "c", "d"]),
    ({"id": {"$lt": "b"}}, ["a"]),
    ({"id": {"$lte": "b"}}, ["a", "b"]),
    ({"id": {"$gte": "b", "$lt": "d"}}, ["b", "c"]),
    ({"name": {"$gt": "B"}}, ["a"]),
    ({"name": {"$exists": True}}, ["a", "b"]),
    ({"name": {"$exists": False}}, ["c", "d"]),
    ({"name": {"$autocomplete": "ro"}}, ["a", "b"]),
    ({"name": {"$autocomplete": "ROGERS"}}, ["b"]),
    ({"name": {"$autocomplete": "aaron ro"}}, ["b"]),
    ({"id": {"$autocomplete": "a"}}, ["a"]),
    ({"name": {"$q": "rogers aaron"}}, ["b"]),
    ({"name": {"$q": "rob"}}, ["a"]),
    ({"name": {"$q": "robert rogers"}}, []),
    ({"name": None}, ["c", "d"]),
    ({"name": {"$eq": None}}, ["c", "d"]),
    ({"name": {"$ne": None}}, ["a", "b"]),
    ({"name": {"$in": [None, "Robert"]}}, ["a", "c", "d"]),
    ({"name": "robert"}, []),
]

NUMBER_CASES = [
    ({"score": 10}, ["a"]),
    ({"score": 10.0}, ["a"]),
    ({"score": {"$ne": 10}}, ["b", "c", "d"]),
    ({"score": {"$gt": 2.5}}, ["a"]),
    ({"score": {"$gte": 2.5}}, ["a", "b"]),
    ({"score": {"$lt": 0}}, ["c"]),
    ({"score": {"$lte": 2.5}}, ["b", "c"]),
    ({"score": {"$gt": -5, "$lt": 5}}, ["b", "c"]),
    ({"score": {"$in": [2.5, -1]}}, ["b", "c"]),
    ({"score": {"$nin": [10]}}, ["b", "c", "d"]),
    ({"score": {"$exists": True}}, ["a", "b", "c"]),
    ({"score": None}, ["d"]),
]

BOOL_CASES = [
    ({"active": True}, ["a", "c"]),
    ({"active": False}, ["b"]),
    ({"active": {"$eq": True}}, ["a", "c"]),
    ({"active": {"$ne": True}}, ["b", "d"]),
    ({"active": {"$in": [False]}}, ["b"]),
    ({"active": {"$nin": [False]}}, ["a", "c", "d"]),
    ({"active": {"$exists": False}}, ["d"]),
]

DATE_CASES = [
    ({"created_at": "2024-01-01T00:00:00Z"}, ["a"]),
    ({"created_at": "2024-01-01T01:00:00+01:00"}, ["a"]),
    ({"created_at": "2023-12-31T19:00:00-05:00"}, ["a"]),
    ({"created_at": "2024-01-01T00:00:00"}, ["a"]),
    ({"created_at": "2024-01-01T00:00:00.000000Z"}, ["a"]),
    ({"created_at": "2024-02-01T12:00:00.000000999Z"}, ["b"]),
    ({"created_at": {"$gt": "2024-01-01T00:00:00Z"}}, ["b"]),
    ({"created_at": {"$gte": "2024-01-01T00:00:00Z"}}, ["a", "b"]),
    ({"created_at": {"$lt": "2024-01-01T00:00:00Z"}}, ["c"]),
    ({"created_at": {"$lte": "2024-01-01T00:00:00Z"}}, ["a", "c"]),
    ({"created_at": {"$gt": "2023-12-31T23:59:59.5Z"}}, ["a", "b"]),
    ({"created_at": {"$gte": "2024-01-01", "$lt": "2024-02-01T12:00:00.000001Z"}}, ["a", "b"]),
    ({"created_at": {"$in": ["2024-02-01T12:00:00Z", "2023-12-31T23:59:59Z"]}}, ["b", "c"]),
    ({"created_at": {"$nin": ["2024-02-01T12:00:00Z"]}}, ["a", "c", "d"]),
    ({"created_at": {"$ne": "2024-01-01T00:00:00Z"}}, ["b", "c", "d"]),
    ({"created_at": {"$exists": False}}, ["d"]),
    ({"created_at": None}, ["d"]),
]

STRING_LIST_CASES = [
    ({"teams": "blue"}, ["a", "b"]),
    ({"teams": {"$eq": "red"}}, ["a"]),
    ({"teams": {"$contains": "red"}}, ["a"]),
    ({"teams": {"$contains": "green"}}, []),
    ({"teams": {"$in": ["red", "green"]}}, ["a"]),
    ({"teams": {"$in": ["blue"]}}, ["a", "b"]),
    ({"teams": {"$nin": ["red"]}}, ["b", "c", "d"]),
    ({"teams": ["blue", "red"]}, ["a"]),
    ({"teams": ["red", "blue", "red"]}, ["a"]),
    ({"teams": ["blue"]}, ["b"]),
    ({"teams": {"$eq": ["red"]}}, []),
    ({"teams": {"$ne": "blue"}}, ["c", "d"]),
    ({"teams": {"$exists": True}}, ["a", "b", "c"]),
    ({"teams": {"$gt": "c"}}, ["a"]),
    ({"teams": {"$autocomplete": "bl"}}, ["a", "b"]),
    ({"teams": None}, ["d"]),
]

ANY_CASES = [
    ({"color": "red"}, ["a"]),
    ({"color": None}, ["c", "d"]),
    ({"color": {"$exists": True}}, ["a", "b"]),
    ({"color": {"$exists": False}}, ["c", "d"]),
    ({"color": {"$ne": "red"}}, ["b", "c", "d"]),
    ({"color": {"$gt": "blue"}}, ["a"]),
    ({"color": {"$autocomplete": "bl"}}, ["b"]),
    ({"color": {"$q": "red"}}, ["a"]),
    # compared by stored JSON type: 3 and 3.0 are numbers, "3" is a string
    ({"size": 3}, ["a", "c"]),
    ({"size": "3"}, ["b"]),
    ({"size": {"$gt": 2}}, ["a", "c"]),
    ({"size": {"$gt": "2"}}, ["b"]),
    ({"size": {"$in": [3]}}, ["a", "c"]),
    ({"size": {"$in": ["3", "4"]}}, ["b"]),
    ({"size": {"$nin": [3]}}, ["b", "d"]),
    ({"size": True}, []),
    ({"flag": True}, ["a"]),
    ({"flag": 1}, []),
    # arrays: any-element semantics, $contains, exact (ordered) array equality
    ({"tags": "y"}, ["a", "b"]),
    ({"tags": {"$contains": "x"}}, ["a"]),
    ({"tags": ["x", "y"]}, ["a"]),
    ({"tags": ["y", "x"]}, []),
    ({"tags": {"$in": ["x", "z"]}}, ["a"]),
    ({"tags": {"$nin": ["x"]}}, ["b", "c", "d"]),
    ({"tags": {"$autocomplete": "x"}}, ["a"]),
    # objects, dotted paths, arrays of objects
    ({"details": {"color": "red"}}, ["b"]),
    ({"details.color": "red"}, ["b"]),
    ({"details.color": {"$in": ["green", "red"]}}, ["a", "b"]),
    ({"details.dims.w": {"$gte": 2}}, ["a"]),
    ({"details.color": {"$exists": False}}, ["c", "d"]),
    ({"details.color.deeper": {"$exists": True}}, []),
    ({"items.kind": "k2"}, ["c"]),
    ({"items.kind": {"$exists": True}}, ["c"]),
    # MISSING vs null
    ({"rank": {"$exists": True}}, []),
    ({"rank": None}, ["a", "b", "c", "d"]),
    ({"unknown_custom": {"$exists": False}}, ["a", "b", "c", "d"]),
]

LOGIC_CASES = [
    ({}, ["a", "b", "c", "d"]),
    ({"name": {}}, ["a", "b", "c", "d"]),
    ({"active": True, "teams": "red"}, ["a"]),
    ({"$and": [{"active": True}, {"score": {"$gt": 0}}]}, ["a"]),
    ({"$or": [{"id": "b"}, {"teams": "red"}]}, ["a", "b"]),
    ({"$nor": [{"id": "a"}, {"active": False}]}, ["c", "d"]),
    ({"active": True, "$or": [{"id": "a"}, {"id": "b"}]}, ["a"]),
    (
        {"$or": [{"$and": [{"active": True}, {"$nor": [{"id": "a"}]}]}, {"id": "d"}]},
        ["c", "d"],
    ),
    (
        {"$and": [{"$or": [{"score": {"$lt": 0}}, {"color": "blue"}]}, {"$nor": [{"id": "c"}]}]},
        ["b"],
    ),
]


@pytest.mark.parametrize(
    ("conditions", "expected"),
    STRING_CASES
    + NUMBER_CASES
    + BOOL_CASES
    + DATE_CASES
    + STRING_LIST_CASES
    + ANY_CASES
    + LOGIC_CASES,
)
def test_filter_matches(conditions: dict[str, Any], expected: list[str]) -> None:
    assert run(conditions) == expected


def test_custom_fields_use_custom_ops() -> None:
    limited: Schema[Item] = Schema(
        fields=SCHEMA.fields, custom_get=custom, custom_ops=frozenset({"$eq", "$in"})
    )
    assert run({"color": {"$in": ["red", "blue"]}}, limited) == ["a", "b"]
    with pytest.raises(APIError) as excinfo:
        run({"color": {"$gt": "a"}}, limited)
    expect_input_error(excinfo, 'operator "$gt" is not allowed for field "color"')


def test_datetime_custom_values_compare_as_instants() -> None:
    schema: Schema[Item] = Schema(fields={}, custom_get=lambda item, key: item.get(key, MISSING))
    rows: list[Item] = [{"when": dt(2024, 3, 1)}, {"when": "2024-03-01T00:00:00Z"}, {"when": 5}]
    at = compile_filter(schema, {"when": "2024-03-01T01:00:00+01:00"})
    assert [at(row) for row in rows] == [True, False, False]
    after = compile_filter(schema, {"when": {"$gt": "2024-02-01T00:00:00Z"}})
    assert [after(row) for row in rows] == [True, True, False]


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------

ERROR_CASES: list[tuple[object, str]] = [
    (None, "filter_conditions must be an object"),
    ([], "filter_conditions must be an object"),
    ("id", "filter_conditions must be an object"),
    ({"$foo": []}, 'unknown operator "$foo"'),
    ({"id": {"$regex": "a"}}, 'unknown operator "$regex" for field "id"'),
    ({"id": {"$q": "a"}}, 'operator "$q" is not allowed for field "id"'),
    ({"id": {"$contains": "a"}}, 'operator "$contains" is not allowed for field "id"'),
    ({"id": 1}, "field `id` contains type number. expecting string"),
    ({"id": ["a", "b"]}, "field `id` contains type array. expecting string"),
    ({"id": {"$gt": 5}}, "field `id` contains type number. expecting string"),
    ({"id": {"$in": "a"}}, 'operator "$in" on field "id" expects an array'),
    ({"id": {"$nin": {"a": 1}}}, 'operator "$nin" on field "id" expects an array'),
    ({"id": {"$in": ["a", 1]}}, "field `id` contains type number. expecting string"),
    ({"name": {"$exists": "true"}}, 'operator "$exists" on field "name" only accepts a boolean'),
    ({"name": {"$exists": 1}}, 'operator "$exists" on field "name" only accepts a boolean'),
    ({"color": {"$exists": None}}, 'operator "$exists" on field "color" only accepts a boolean'),
    ({"$and": {"id": "a"}}, 'operator "$and" expects a non-empty array of filter objects'),
    ({"$or": []}, 'operator "$or" expects a non-empty array of filter objects'),
    ({"$nor": ["a"]}, 'operator "$nor" expects a non-empty array of filter objects'),
    ({"$and": [[]]}, 'operator "$and" expects a non-empty array of filter objects'),
    ({"$or": [{"id": 1}]}, "field `id` contains type number"),
    ({"active": "true"}, "field `active` contains type string. expecting boolean"),
    ({"active": None}, "field `active` contains type null. expecting boolean"),
    ({"active": {"$in": [1]}}, "field `active` contains type number. expecting boolean"),
    ({"score": {"$gt": "5"}}, "field `score` contains type string. expecting number"),
    ({"score": {"$gt": True}}, "field `score` contains type boolean. expecting number"),
    ({"score": {"$lt": None}}, "field `score` contains type null. expecting number"),
    (
        {"created_at": {"$gt": "yesterday"}},
        'field `created_at` contains invalid timestamp "yesterday"',
    ),
    ({"created_at": "2024-13-01T00:00:00Z"}, "invalid timestamp"),
    (
        {"created_at": {"$gt": 1700000000}},
        "field `created_at` contains type number. expecting timestamp",
    ),
    ({"created_at": {"$in": ["2024-01-01T00:00:00Z", "nope"]}}, 'invalid timestamp "nope"'),
    ({"name": {"$autocomplete": ""}}, 'operator "$autocomplete" on field "name" needs a non-empty'),
    ({"name": {"$autocomplete": "!!!"}}, "empty or symbols-only"),
    ({"name": {"$q": "  ?! "}}, 'operator "$q" on field "name" needs a non-empty'),
    ({"name": {"$autocomplete": 5}}, 'operator "$autocomplete" on field "name" expects a string'),
    (
        {"teams": {"$contains": ["a"]}},
        'operator "$contains" on field "teams" expects a single value',
    ),
    ({"teams": {"$contains": 1}}, "field `teams` contains type number. expecting string"),
    ({"teams": ["a", 1]}, "field `teams` contains type number. expecting string"),
    (
        {"color": {"$gt": None}},
        "field `color` contains type null. expecting number, string or timestamp",
    ),
    ({"color": {"$lte": [1]}}, "expecting number, string or timestamp"),
    (
        {"color": {"$contains": {"a": 1}}},
        'operator "$contains" on field "color" expects a single value',
    ),
    ({"id": {"$eq": "a", "x": 1}}, 'field "id" mixes operators with plain keys'),
    ({"$eq": "a"}, 'operator "$eq" must be applied to a field'),
    ({"id": {"$and": [{"id": "a"}]}}, 'operator "$and" cannot be applied to field "id"'),
]


@pytest.mark.parametrize(("conditions", "fragment"), ERROR_CASES)
def test_filter_errors(conditions: object, fragment: str) -> None:
    with pytest.raises(APIError) as excinfo:
        compile_filter(SCHEMA, conditions)
    expect_input_error(excinfo, fragment)


def test_unknown_field_without_custom_get() -> None:
    with pytest.raises(APIError) as excinfo:
        compile_filter(STRICT_SCHEMA, {"color": "red"})
    expect_input_error(
        excinfo, 'field "color" is not a supported filter field in filter_conditions'
    )
    with pytest.raises(APIError) as excinfo:
        compile_filter(STRICT_SCHEMA, {"$or": [{"id": "a"}, {"details.color": "red"}]})
    expect_input_error(excinfo, 'field "details.color" is not a supported filter field')


def test_schema_name_is_used_in_details() -> None:
    schema: Schema[Item] = Schema(fields=SCHEMA.fields, name="message_filter_conditions")
    with pytest.raises(APIError) as excinfo:
        compile_filter(schema, 5)
    expect_input_error(excinfo, "message_filter_conditions must be an object, got number")


def test_nesting_depth_is_bounded() -> None:
    conditions: dict[str, Any] = {"id": "a"}
    for _ in range(31):
        conditions = {"$and": [conditions]}
    assert run(conditions) == ["a"]
    for _ in range(5):
        conditions = {"$or": [conditions]}
    with pytest.raises(APIError) as excinfo:
        compile_filter(SCHEMA, conditions)
    expect_input_error(excinfo, "nested too deeply")


def test_schema_rejects_unknown_operators_at_definition() -> None:
    with pytest.raises(ValueError, match=r"\$like"):
        Field("x", FieldType.STRING, frozenset({"$eq", "$like"}), getter("x"))
    with pytest.raises(ValueError, match=r"\$and"):
        Schema(fields={}, custom_ops=frozenset({"$and"}))


# --------------------------------------------------------------------------------------------
# custom_match
# --------------------------------------------------------------------------------------------

CHANNELS: list[Item] = [
    {"cid": "m:1", "members": {"ann", "bob"}},
    {"cid": "m:2", "members": {"ann", "bob", "cy"}},
    {"cid": "m:3", "members": {"bob"}},
]


def members_schema(calls: list[tuple[str, object]]) -> Schema[Item]:
    def match(op: str, operand: object) -> Callable[[Item], bool] | None:
        calls.append((op, operand))
        if op != "$eq":
            return None  # default STRING_LIST semantics
        if not isinstance(operand, list) or not all(isinstance(u, str) for u in operand):
            raise input_error("members $eq expects an array of user ids")
        wanted = frozenset(operand)
        return lambda channel: channel["members"] == wanted

    return Schema(
        fields={
            "members": Field(
                "members",
                FieldType.STRING_LIST,
                frozenset({"$eq", "$in", "$nin"}),
                lambda channel: sorted(channel["members"]),
                custom_match=match,
            ),
            "cid": Field("cid", FieldType.STRING, frozenset({"$eq", "$in"}), getter("cid")),
        }
    )


def test_custom_match_exact_member_set_and_fallback() -> None:
    calls: list[tuple[str, object]] = []
    schema = members_schema(calls)

    def cids(conditions: object) -> list[str]:
        predicate = compile_filter(schema, conditions)
        return [channel["cid"] for channel in CHANNELS if predicate(channel)]

    assert cids({"members": ["bob", "ann"]}) == ["m:1"]
    assert cids({"members": {"$eq": ["bob"]}}) == ["m:3"]
    assert cids({"members": {"$in": ["cy"]}}) == ["m:2"]
    assert cids({"members": {"$nin": ["ann"]}}) == ["m:3"]
    assert cids({"members": {"$in": ["ann"]}, "cid": {"$in": ["m:2", "m:3"]}}) == ["m:2"]
    assert calls == [
        ("$eq", ["bob", "ann"]),
        ("$eq", ["bob"]),
        ("$in", ["cy"]),
        ("$nin", ["ann"]),
        ("$in", ["ann"]),
    ]


def test_custom_match_errors_and_operator_check_first() -> None:
    calls: list[tuple[str, object]] = []
    schema = members_schema(calls)
    with pytest.raises(APIError) as excinfo:
        compile_filter(schema, {"members": "ann"})
    expect_input_error(excinfo, "members $eq expects an array of user ids")
    with pytest.raises(APIError) as excinfo:
        compile_filter(schema, {"members": {"$contains": "ann"}})
    expect_input_error(excinfo, 'operator "$contains" is not allowed for field "members"')
    assert calls == [("$eq", "ann")]


# --------------------------------------------------------------------------------------------
# Compile once
# --------------------------------------------------------------------------------------------


def test_operands_are_parsed_once_at_compile_time(monkeypatch: pytest.MonkeyPatch) -> None:
    predicate = compile_filter(
        SCHEMA,
        {"created_at": {"$gte": "2024-01-01T00:00:00Z", "$in": ["2024-01-01T00:00:00Z"]}},
    )

    def boom(value: object) -> datetime | None:
        raise AssertionError("timestamp parsed during evaluation")

    from fake_server.domain.query import dates, operators

    monkeypatch.setattr(operators, "parse_timestamp", boom)
    monkeypatch.setattr(dates, "parse_timestamp", boom)
    assert [item["id"] for item in ITEMS if predicate(item)] == ["a"]


def test_getter_called_once_per_field_condition() -> None:
    calls: list[str] = []

    def counted(item: Item) -> object:
        calls.append(item["id"])
        return item.get("score", MISSING)

    schema: Schema[Item] = Schema(
        fields={"score": Field("score", FieldType.NUMBER, FIELD_OPERATORS, counted)}
    )
    predicate = compile_filter(schema, {"score": {"$gt": 0, "$lt": 100, "$ne": 5}})
    assert [predicate(item) for item in ITEMS] == [True, True, False, False]
    assert calls == ["a", "b", "c", "d"]


# --------------------------------------------------------------------------------------------
# Tokens, $autocomplete, $q
# --------------------------------------------------------------------------------------------


def test_tokens() -> None:
    assert tokens("Hello, World! foo_bar  42-x") == ["hello", "world", "foo", "bar", "42", "x"]
    assert tokens("Ärger ÜBER d'Artagnan") == ["ärger", "über", "d", "artagnan"]
    assert tokens("") == []
    assert tokens(" ?!. ") == []


@pytest.mark.parametrize(
    ("value", "query", "expected"),
    [
        ("Robert", "ro", True),
        ("Aaron Rogers", "ro", True),
        ("Aaron", "ro", False),
        ("Aaron Rogers", "RoG", True),
        ("Aaron Rogers", "aaron ro", True),
        ("Aaron Rogers", "rogers aa", False),
        ("Mary O'Brien", "o'br", True),
        ("Mary O'Brien", "brie", True),
        ("jane.doe@example.com", "example", True),
        ("jane.doe@example.com", "jane.d", True),
        ("Robert", "", False),
        ("Robert", "!!", False),
    ],
)
def test_matches_autocomplete(value: str, query: str, expected: bool) -> None:
    assert matches_autocomplete(value, query) is expected


@pytest.mark.parametrize(
    ("value", "query", "expected"),
    [
        ("Hello there, World!", "hello", True),
        ("Hello there, World!", "world hello", True),
        ("Hello there, World!", "wor hel", True),
        ("Hello there, World!", "hello-world", True),
        ("Hello there, World!", "hello planet", False),
        ("Hello there, World!", "ello", False),
        ("Hello", "", False),
        ("Hello", "?!", False),
    ],
)
def test_matches_text_query(value: str, query: str, expected: bool) -> None:
    assert matches_text_query(value, query) is expected


# --------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-04-09T20:58:52.154483Z", datetime(2024, 4, 9, 20, 58, 52, 154483, tzinfo=UTC)),
        ("2020-01-10T07:25:37.63256Z", datetime(2020, 1, 10, 7, 25, 37, 632560, tzinfo=UTC)),
        ("2024-10-15T10:12:00.402858186Z", datetime(2024, 10, 15, 10, 12, 0, 402858, tzinfo=UTC)),
        ("2024-05-01T10:00:00.123456", datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2024-05-01T12:00:00+02:00", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("2024-05-01T08:30:00-01:30", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
        ("2024-05-01T10:00:00", datetime(2024, 5, 1, 10, 0, tzinfo=UTC)),
        ("2024-02-30T00:00:00Z", None),
        ("2024-05-01T10:00:00+24:00", None),
        ("10:00:00", None),
        ("yesterday", None),
        ("", None),
        (1714557600, None),
    ],
)
def test_parse_timestamp(text: object, expected: datetime | None) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() == timedelta(0)


# --------------------------------------------------------------------------------------------
# Sorting
# --------------------------------------------------------------------------------------------

ROWS: list[Item] = [
    {"id": "1", "n": 5, "name": "b", "g": "x", "custom": {"details": {"size": 2}}},
    {"id": "2", "n": None, "name": "a", "g": "x", "custom": {"details": {"size": 1}}},
    {"id": "3", "n": 1, "name": None, "g": "y", "custom": {}},
    {"id": "4", "name": "c", "g": "y", "custom": {"details": {"size": None}}},
    {"id": "5", "n": 5, "name": "a", "g": "x", "custom": {"details": {"size": 3}}},
    {"id": "6", "n": 2.5, "name": "B", "g": "y", "custom": {"details": {}}},
]

SORT_FIELDS: dict[str, SortField[Item]] = {
    name: SortField(name, getter(name)) for name in ("id", "n", "name", "g", "at")
}


def sorted_ids(spec: object, rows: list[Item] = ROWS, **options: Any) -> list[str]:
    options.setdefault("default", [("id", 1)])
    sorter = compile_sort(spec, SORT_FIELDS, **options)
    return [row["id"] for row in sorter(rows)]


@pytest.mark.parametrize(
    ("spec", "tiebreak", "expected"),
    [
        ([{"field": "n", "direction": 1}], [("id", 1)], ["3", "6", "1", "5", "2", "4"]),
        ([{"field": "n", "direction": -1}], [("id", 1)], ["1", "5", "6", "3", "2", "4"]),
        ([{"field": "n", "direction": -1}], [("id", -1)], ["5", "1", "6", "3", "4", "2"]),
        ([{"field": "name", "direction": 1}], [("id", 1)], ["6", "2", "5", "1", "4", "3"]),
        ([{"field": "name", "direction": -1}], [("id", 1)], ["4", "1", "2", "5", "6", "3"]),
        (
            [{"field": "g", "direction": 1}, {"field": "n", "direction": -1}],
            [("id", 1)],
            ["1", "5", "2", "6", "3", "4"],
        ),
        (
            [{"field": "g", "direction": -1}, {"field": "name"}],
            [("id", 1)],
            ["6", "4", "3", "2", "5", "1"],
        ),
        ([{"field": "n", "direction": 1}], [], ["3", "6", "1", "5", "2", "4"]),
        ([{"field": "g", "direction": -1}], [], ["3", "4", "6", "1", "2", "5"]),
        ([{"field": "n", "direction": None}], [("id", -1)], ["3", "6", "5", "1", "4", "2"]),
    ],
)
def test_sort_orders(spec: object, tiebreak: list[tuple[str, int]], expected: list[str]) -> None:
    assert sorted_ids(spec, tiebreak=tiebreak) == expected


def test_sort_default_and_tiebreak() -> None:
    empties: tuple[object, ...] = (None, [])
    for empty in empties:
        assert sorted_ids(empty, default=[("n", -1)], tiebreak=[("id", -1)]) == [
            "5",
            "1",
            "6",
            "3",
            "4",
            "2",
        ]
    sorter = compile_sort(
        [{"field": "id", "direction": -1}], SORT_FIELDS, default=[("n", 1)], tiebreak=[("id", 1)]
    )
    assert sorter.order == (("id", -1),)
    sorter = compile_sort([], SORT_FIELDS, default=[("n", -1)], tiebreak=[("id", 1)])
    assert sorter.order == (("n", -1), ("id", 1))
    assert sorter.directions == (-1, 1)
    assert sorter.key(ROWS[3]) == (None, "4")


def test_sort_custom_fields_and_dotted_paths() -> None:
    ids = sorted_ids(
        [{"field": "details.size", "direction": -1}], tiebreak=[("id", 1)], custom_get=custom
    )
    assert ids == ["5", "1", "2", "3", "4", "6"]
    with pytest.raises(APIError) as excinfo:
        sorted_ids([{"field": "details.size"}])
    expect_input_error(excinfo, 'sort field "details.size" is not supported')


def test_sort_mixed_types_never_raise_and_use_fixed_rank() -> None:
    values: list[object] = [
        True,
        3,
        "abc",
        dt(2024, 1, 1),
        [1],
        {"a": 1},
        None,
        MISSING,
        False,
        2.5,
        "Z",
        datetime(2023, 1, 1),  # naive = UTC
        float("nan"),
    ]
    rows = [{"id": f"{i:02d}", "m": value} for i, value in enumerate(values)]
    fields = {"m": SortField[Item]("m", getter("m")), "id": SortField[Item]("id", getter("id"))}
    ascending = compile_sort(
        [{"field": "m", "direction": 1}], fields, default=[], tiebreak=[("id", 1)]
    )
    assert [row["id"] for row in ascending(rows)] == [
        "08",
        "00",
        "09",
        "01",
        "10",
        "02",
        "11",
        "03",
        "04",
        "05",
        "06",
        "07",
        "12",
    ]
    descending = compile_sort(
        [{"field": "m", "direction": -1}], fields, default=[], tiebreak=[("id", 1)]
    )
    assert [row["id"] for row in descending(rows)] == [
        "05",
        "04",
        "03",
        "11",
        "02",
        "10",
        "01",
        "09",
        "00",
        "08",
        "06",
        "07",
        "12",
    ]


def test_sort_datetimes_across_zones_and_stability() -> None:
    rows: list[Item] = [
        {"id": "a", "at": datetime(2024, 1, 1, 12, tzinfo=timezone(timedelta(hours=5)))},  # 07:00Z
        {"id": "b", "at": dt(2024, 1, 1, 8)},
        {"id": "c", "at": dt(2024, 1, 1, 7)},  # same instant as a
        {"id": "d", "at": dt(2024, 1, 1, 6)},
    ]
    assert sorted_ids([{"field": "at", "direction": 1}], rows) == ["d", "a", "c", "b"]
    assert sorted_ids([{"field": "at", "direction": -1}], rows) == ["b", "a", "c", "d"]
    original = list(rows)
    compile_sort([{"field": "at"}], SORT_FIELDS, default=[])(rows)
    assert rows == original  # input not mutated


SORT_ERROR_CASES: list[tuple[object, dict[str, Any], str]] = [
    ("created_at", {}, 'sort must be an array of {"field", "direction"} objects, got string'),
    ({"field": "n"}, {}, "sort must be an array"),
    ([1], {}, "got an element of type number"),
    ([{"direction": 1}], {}, 'each sort entry needs a non-empty string "field"'),
    ([{"field": ""}], {}, 'each sort entry needs a non-empty string "field"'),
    ([{"field": "n", "direction": 0}], {}, 'sort direction for field "n" must be 1 or -1'),
    ([{"field": "n", "direction": 2}], {}, "must be 1 or -1"),
    ([{"field": "n", "direction": "1"}], {}, "must be 1 or -1"),
    ([{"field": "n", "direction": True}], {}, "must be 1 or -1"),
    ([{"field": "n", "direction": -1.0}], {}, "must be 1 or -1"),
    ([{"field": "nope"}], {}, 'sort field "nope" is not supported'),
    ([{"field": "n"}, {"field": "id"}], {"max_fields": 1}, "sort accepts at most 1 field, got 2"),
    ([{"field": "n"}] * 6, {"max_fields": 5}, "sort accepts at most 5 fields, got 6"),
]


@pytest.mark.parametrize(("spec", "options", "fragment"), SORT_ERROR_CASES)
def test_sort_errors(spec: object, options: dict[str, Any], fragment: str) -> None:
    with pytest.raises(APIError) as excinfo:
        compile_sort(spec, SORT_FIELDS, default=[("id", 1)], **options)
    expect_input_error(excinfo, fragment)


def test_sort_misconfigured_default_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="nope"):
        compile_sort(None, SORT_FIELDS, default=[("nope", 1)])
    with pytest.raises(ValueError, match="zzz"):
        compile_sort(None, SORT_FIELDS, default=[("id", 1)], tiebreak=[("zzz", 1)])


# --------------------------------------------------------------------------------------------
# limit / offset
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 10), (MISSING, 10), (0, 10), (1, 1), (5, 5), (30, 30), ("15", 15)],
)
def test_page_limit_values(value: object, expected: int) -> None:
    assert page_limit(value, default=10, maximum=30) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (31, "limit must be 30 or less"),
        (-1, "limit must be 0 or greater"),
        (True, "limit must be an integer, got boolean"),
        (2.5, "limit must be an integer, got number"),
        (10.0, "limit must be an integer"),
        ("ten", "limit must be an integer, got string"),
        ([10], "limit must be an integer, got array"),
    ],
)
def test_page_limit_errors(value: object, fragment: str) -> None:
    with pytest.raises(APIError) as excinfo:
        page_limit(value, default=10, maximum=30)
    expect_input_error(excinfo, fragment)


def test_page_limit_custom_name() -> None:
    assert page_limit(100, name="member_limit", default=100, maximum=100) == 100
    with pytest.raises(APIError) as excinfo:
        page_limit(101, name="member_limit", default=100, maximum=100)
    expect_input_error(excinfo, "member_limit must be 100 or less")
    with pytest.raises(APIError) as excinfo:
        page_limit(-3, name="member_limit", default=100, maximum=100)
    expect_input_error(excinfo, "member_limit must be 0 or greater")


@pytest.mark.parametrize(
    ("value", "expected"), [(None, 0), (0, 0), (7, 7), (1000, 1000), ("20", 20)]
)
def test_page_offset_values(value: object, expected: int) -> None:
    assert page_offset(value, maximum=1000) == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (1001, "offset must be 1000 or less"),
        (-5, "offset must be 0 or greater"),
        (False, "offset must be an integer"),
        (1.5, "offset must be an integer"),
    ],
)
def test_page_offset_errors(value: object, fragment: str) -> None:
    with pytest.raises(APIError) as excinfo:
        page_offset(value, maximum=1000)
    expect_input_error(excinfo, fragment)


# --------------------------------------------------------------------------------------------
# Cursors
# --------------------------------------------------------------------------------------------


def test_cursor_round_trip() -> None:
    moment = datetime(2024, 5, 1, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=2)))
    values: dict[str, object] = {
        "s": "x",
        "n": 1,
        "f": 2.5,
        "b": True,
        "none": None,
        "missing": MISSING,
        "dt": moment,
        "list": [1, moment, ("a", "b")],
        "nested": {"when": moment},
    }
    cursor = encode_cursor(values)
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    decoded = decode_cursor(cursor)
    assert decoded == {
        "s": "x",
        "n": 1,
        "f": 2.5,
        "b": True,
        "none": None,
        "missing": None,
        "dt": moment,
        "list": [1, moment, ["a", "b"]],
        "nested": {"when": moment},
    }
    restored = decoded["dt"]
    assert isinstance(restored, datetime) and restored.utcoffset() == timedelta(0)
    assert encode_cursor(dict(reversed(list(values.items())))) == cursor  # canonical
    assert decode_cursor(cursor + "=" * (-len(cursor) % 4)) == decoded  # padding tolerated


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()


@pytest.mark.parametrize(
    "cursor",
    [
        None,
        5,
        "",
        "!!!",
        "abc",
        "a",
        "ab+/",
        _b64("[1, 2]"),
        _b64("not json"),
        _b64('{"a": NaN}'),
        _b64('{"$dt": "bad"}'),
        _b64('{"x": {"$dt": "2024-99-99T00:00:00Z"}}'),
        base64.urlsafe_b64encode(b"\xff\xfe{}").decode(),
        _b64("[" * 5000 + "]" * 5000),
        "A" * 9000,
    ],
)
def test_decode_cursor_garbage(cursor: object) -> None:
    with pytest.raises(APIError) as excinfo:
        decode_cursor(cursor)
    expect_input_error(excinfo, "invalid cursor")


# --------------------------------------------------------------------------------------------
# Keyset pagination
# --------------------------------------------------------------------------------------------


def walk_forward(
    items: list[Item], key: Callable[[Item], tuple[object, ...]], limit: int, **options: Any
) -> tuple[list[list[Item]], str | None]:
    pages: list[list[Item]] = []
    cursor: str | None = None
    last_prev: str | None = None
    while True:
        page, nxt, prev = keyset_page(
            items, key=key, limit=limit, next_cursor=cursor, prev_cursor=None, **options
        )
        if not pages:
            assert prev is None
        else:
            assert prev is not None
        pages.append(page)
        last_prev = prev
        if nxt is None:
            return pages, last_prev
        cursor = nxt


def make_records(count: int, seed: int = 7) -> list[Item]:
    base = dt(2024, 1, 1)
    records = [
        {"id": f"r{i:04d}", "created_at": base + timedelta(seconds=i // 3)} for i in range(count)
    ]
    random.Random(seed).shuffle(records)
    return records


def test_keyset_forward_and_backward_through_1000_items() -> None:
    fields = {
        "created_at": SortField[Item]("created_at", getter("created_at")),
        "id": SortField[Item]("id", getter("id")),
    }
    sorter = compile_sort(None, fields, default=[("created_at", -1)], tiebreak=[("id", 1)])
    ordered = sorter(make_records(1000))
    assert len({row["id"] for row in ordered}) == 1000

    options = {"directions": sorter.directions}
    pages, last_prev = walk_forward(ordered, sorter.key, 37, **options)
    assert len(pages) == 28
    assert [len(page) for page in pages] == [37] * 27 + [1]
    assert [row["id"] for page in pages for row in page] == [row["id"] for row in ordered]

    # Backwards from the last page using prev cursors: no gaps, no duplicates.
    collected: list[Item] = list(pages[-1])
    cursor = last_prev
    while cursor is not None:
        page, nxt, prev = keyset_page(
            ordered, key=sorter.key, limit=37, next_cursor=None, prev_cursor=cursor, **options
        )
        assert len(page) == 37 or prev is None
        assert nxt is not None
        collected = page + collected
        cursor = prev
    assert [row["id"] for row in collected] == [row["id"] for row in ordered]


def test_keyset_with_absent_and_mixed_values_descending() -> None:
    values: list[object] = [None, 3, "b", 1.5, MISSING, True, "a", 3, None, dt(2024, 1, 1)]
    rows = [{"id": f"{i}", "v": value} for i, value in enumerate(values)]
    fields = {"v": SortField[Item]("v", getter("v")), "id": SortField[Item]("id", getter("id"))}
    sorter = compile_sort(
        [{"field": "v", "direction": -1}], fields, default=[], tiebreak=[("id", -1)]
    )
    ordered = sorter(rows)
    assert [row["id"] for row in ordered] == ["9", "2", "6", "7", "1", "3", "5", "8", "4", "0"]
    for limit in (1, 2, 3, 4, 10, 11):
        pages, _ = walk_forward(ordered, sorter.key, limit, directions=sorter.directions)
        assert [row["id"] for page in pages for row in page] == [row["id"] for row in ordered]


def test_keyset_default_directions_are_ascending() -> None:
    items = [(i, f"k{i:03d}") for i in range(50)]
    first, nxt, prev = keyset_page(
        items, key=lambda t: (t[0],), limit=20, next_cursor=None, prev_cursor=""
    )
    assert first == items[:20] and prev is None and nxt is not None
    second, nxt2, prev2 = keyset_page(
        items, key=lambda t: (t[0],), limit=20, next_cursor=nxt, prev_cursor=None
    )
    assert second == items[20:40] and prev2 is not None and nxt2 is not None
    third, nxt3, _ = keyset_page(
        items, key=lambda t: (t[0],), limit=20, next_cursor=nxt2, prev_cursor=None
    )
    assert third == items[40:] and nxt3 is None
    # A previous-cursor passed in the "next" slot (search style) goes backwards.
    back, _, back_prev = keyset_page(
        items, key=lambda t: (t[0],), limit=20, next_cursor=prev2, prev_cursor=None
    )
    assert back == items[:20] and back_prev is None


def test_keyset_is_logarithmic() -> None:
    items = list(range(200_000))
    calls = 0

    def key(value: int) -> tuple[object, ...]:
        nonlocal calls
        calls += 1
        return (value,)

    _, nxt, _ = keyset_page(items, key=key, limit=10, next_cursor=None, prev_cursor=None)
    page = [0]
    for _ in range(5):
        page, nxt, _ = keyset_page(items, key=key, limit=10, next_cursor=nxt, prev_cursor=None)
    assert page == list(range(50, 60))
    calls = 0
    keyset_page(items, key=key, limit=10, next_cursor=nxt, prev_cursor=None)
    assert calls <= 25


def test_keyset_boundary_item_deleted_and_empty_pages() -> None:
    items = [(i,) for i in range(10)]

    def key(item: tuple[int]) -> tuple[object, ...]:
        return item

    page, nxt, _ = keyset_page(items, key=key, limit=4, next_cursor=None, prev_cursor=None)
    assert page == items[:4]
    without_boundary = [item for item in items if item != (3,)]
    page, _, _ = keyset_page(without_boundary, key=key, limit=4, next_cursor=nxt, prev_cursor=None)
    assert page == [(4,), (5,), (6,), (7,)]

    # Everything after the boundary disappeared: empty page, with a way back.
    truncated = items[:4]
    page, nxt_empty, prev_empty = keyset_page(
        truncated, key=key, limit=3, next_cursor=nxt, prev_cursor=None
    )
    assert page == [] and nxt_empty is None and prev_empty is not None
    page, nxt_back, prev_back = keyset_page(
        truncated, key=key, limit=3, next_cursor=None, prev_cursor=prev_empty
    )
    assert page == [(1,), (2,), (3,)]  # includes the boundary item
    assert nxt_back is None and prev_back is not None

    # Everything before a prev boundary disappeared.
    _, _, prev = keyset_page(items, key=key, limit=4, next_cursor=nxt, prev_cursor=None)
    tail = items[4:]
    page, nxt_empty, prev_empty = keyset_page(
        tail, key=key, limit=3, next_cursor=None, prev_cursor=prev
    )
    assert page == [] and prev_empty is None and nxt_empty is not None
    page, _, _ = keyset_page(tail, key=key, limit=3, next_cursor=nxt_empty, prev_cursor=None)
    assert page == [(4,), (5,), (6,)]

    assert keyset_page([], key=key, limit=3, next_cursor=None, prev_cursor=None) == ([], None, None)


def test_keyset_errors() -> None:
    items = [(i, str(i)) for i in range(10)]

    def key(item: tuple[int, str]) -> tuple[object, ...]:
        return item

    _, nxt, _ = keyset_page(
        items, key=key, limit=3, next_cursor=None, prev_cursor=None, context={"f": 1}
    )
    assert nxt is not None
    page, _, _ = keyset_page(
        items, key=key, limit=3, next_cursor=nxt, prev_cursor=None, context={"f": 1}
    )
    assert page == items[3:6]

    with pytest.raises(APIError) as excinfo:
        keyset_page(items, key=key, limit=3, next_cursor=nxt, prev_cursor=None, context={"f": 2})
    expect_input_error(excinfo, "invalid cursor: it was issued for a different query")
    with pytest.raises(APIError) as excinfo:
        keyset_page(items, key=key, limit=3, next_cursor=nxt, prev_cursor=nxt)
    expect_input_error(excinfo, "next and prev cannot be used together")
    with pytest.raises(APIError) as excinfo:
        keyset_page(items, key=lambda item: (item[0],), limit=3, next_cursor=nxt, prev_cursor=None)
    expect_input_error(excinfo, "invalid cursor: it does not belong to this sort order")
    with pytest.raises(APIError) as excinfo:
        keyset_page(items, key=key, limit=3, next_cursor="garbage!", prev_cursor=None)
    expect_input_error(excinfo, "invalid cursor")
    with pytest.raises(APIError) as excinfo:
        keyset_page(items, key=key, limit=3, next_cursor=encode_cursor({"a": 1}), prev_cursor=None)
    expect_input_error(excinfo, "invalid cursor: not a pagination cursor")
    with pytest.raises(ValueError):
        keyset_page(items, key=key, limit=0, next_cursor=None, prev_cursor=None)


# --------------------------------------------------------------------------------------------
# constraint_values
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "expected"),
    [
        ({"cid": "m:a"}, {"m:a"}),
        ({"cid": {"$eq": "x"}}, {"x"}),
        ({"cid": {"$in": ["x", "y"]}}, {"x", "y"}),
        ({"cid": {"$in": []}}, set()),
        ({"cid": {"$eq": "a", "$in": ["a", "b"]}}, {"a"}),
        ({"members": ["u1", "u2"]}, {"u1", "u2"}),
        ({"members": {"$eq": ["u1"]}}, {"u1"}),
        ({"$and": [{"type": "messaging"}, {"cid": {"$in": ["a", "b"]}}]}, {"a", "b"}),
        ({"$and": [{"$and": [{"cid": "deep"}]}]}, {"deep"}),
        ({"cid": {"$in": ["a", "b", "c"]}, "$and": [{"cid": {"$in": ["a", "b"]}}]}, {"a", "b"}),
        ({"$or": [{"cid": "a"}, {"cid": {"$in": ["b", "c"]}}]}, {"a", "b", "c"}),
        ({"cid": {"$gte": "a", "$in": ["q"]}}, {"q"}),
    ],
)
def test_constraint_values_found(conditions: object, expected: set[str]) -> None:
    found = constraint_values(conditions, "members" if "members" in str(conditions) else "cid")
    assert found == frozenset(expected)


@pytest.mark.parametrize(
    "conditions",
    [
        None,
        [],
        {},
        {"type": "messaging"},
        {"members": []},
        {"cid": None},
        {"cid": 5},
        {"cid": {"$in": ["a", None]}},
        {"cid": {"$eq": None}},
        {"cid": {"$gt": "a"}},
        {"cid": {"$ne": "a"}},
        {"cid": {"$nin": ["a"]}},
        {"cid": {}},
        {"cid": {"plain": "object"}},
        {"$nor": [{"cid": "a"}]},
        {"$or": [{"cid": "a"}, {"type": "x"}]},
    ],
)
def test_constraint_values_none(conditions: object) -> None:
    assert constraint_values(conditions, "cid") is None


def test_constraint_values_are_sound_for_matches() -> None:
    filters: list[dict[str, Any]] = [
        {"id": "a"},
        {"id": {"$in": ["a", "b", "zz"]}},
        {"$and": [{"active": True}, {"id": {"$in": ["a", "c"]}}]},
        {"$or": [{"id": "b"}, {"id": {"$in": ["c"]}}]},
        {"teams": {"$in": ["red", "green"]}},
        {"teams": ["blue", "red"]},
        {"teams": "blue", "$and": [{"teams": {"$in": ["red", "x", "y"]}}]},
    ]
    for conditions in filters:
        predicate = compile_filter(SCHEMA, conditions)
        for field in ("id", "teams"):
            allowed = constraint_values(conditions, field)
            if allowed is None:
                continue
            for item in ITEMS:
                if not predicate(item):
                    continue
                value = item.get(field)
                values = set(value) if isinstance(value, list) else {value}
                assert values & allowed, (conditions, field, item["id"])


def test_filter_on_serialised_json_round_trip() -> None:
    conditions = json.loads(
        '{"$or": [{"created_at": {"$gte": "2024-02-01T00:00:00Z"}}, {"score": -1}]}'
    )
    assert run(conditions) == ["b", "c"]
