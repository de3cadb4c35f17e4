from enum import IntEnum
from typing import TypedDict


class SortOrder(IntEnum):
    """Sort direction; serialises as the integer the API expects."""

    ASC = 1
    DESC = -1


class SortParam(TypedDict):
    field: str
    direction: SortOrder


class Pager(TypedDict, total=False):
    limit: int
    next: str
    prev: str
