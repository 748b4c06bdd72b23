"""offset/count resolution (spec README §7) and the JSON `sort` parameter (README §8)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson

from omnicontacts.errors import Coded

SortKeys = list[tuple[str, int]]


@dataclass(frozen=True)
class Page:
    offset: int
    count: int  # resolved page size; 0 means no limit

    @property
    def limit(self) -> int | None:
        return self.count or None


PAGING_SCHEMA: dict[str, Any] = {
    "count": {"type": "number", "minimum": 0},
    "offset": {"type": "number", "minimum": 0},
}


PAGING_SETTINGS = ("API_Upper_Count_Limit", "API_Default_Count", "API_Allow_Infinite_Count")


def resolve_page(params: dict[str, Any], setting: Callable[[str], Any]) -> Page:
    upper = _positive_int(setting("API_Upper_Count_Limit"), 100)
    default = _positive_int(setting("API_Default_Count"), 50)
    offset = int(params.get("offset") or 0)
    raw_count = params.get("count")
    count = default if raw_count is None else int(raw_count)
    count = min(count, upper)
    if count == 0 and setting("API_Allow_Infinite_Count") is False:
        count = default
    return Page(offset=max(offset, 0), count=max(count, 0))


def _positive_int(value: Any, fallback: int) -> int:
    return (
        int(value)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        else fallback
    )


def invalid_sort(raw: str) -> Coded:
    return Coded(
        "error-invalid-sort",
        f'Invalid sort parameter provided: "{raw}"',
        {"helperMethod": "parseJsonQuery"},
    )


def parse_sort(raw: Any, default: SortKeys) -> SortKeys:
    """The caller's sort keys in text order, or `default` when absent, empty or `{}`."""
    if raw is None or raw == "":
        return list(default)
    text = str(raw)
    try:
        parsed = orjson.loads(text)
    except orjson.JSONDecodeError:
        raise invalid_sort(text) from None
    if not isinstance(parsed, dict):
        raise invalid_sort(text)
    keys: SortKeys = []
    for key, direction in parsed.items():
        if isinstance(direction, bool) or not isinstance(direction, int | float) or direction not in (1, -1):
            raise invalid_sort(text)
        if any(segment == "" for segment in key.split(".")):
            raise invalid_sort(text)
        keys.append((key, int(direction)))
    return keys or list(default)
