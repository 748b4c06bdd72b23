"""The shape of one history row (contacts-history.md §9): a fixed field list, the visitor token
removed everywhere it appears, and the computed `department`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Document = dict[str, Any]

FIELDS = (
    "_id",
    "fname",
    "ts",
    "v",
    "msgs",
    "servedBy",
    "closedAt",
    "closedBy",
    "closer",
    "tags",
    "source",
    "lastMessage",
    "verified",
    "closingMessage",
    "departmentId",
    "priorityWeight",
    "lm",
    "open",
    "onHold",
    "sessionId",
    "livechatData",
)

_WITHOUT_TOKEN = ("v", "lastMessage", "closingMessage")


def history_row(room: Mapping[str, Any], department: Document | None) -> Document:
    """`department`: `{_id, name}` of the room's department, None when it has none (or it is gone)."""
    row: Document = {}
    for key in FIELDS:
        value = room.get(key)
        if value is None:
            continue
        if key in _WITHOUT_TOKEN and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "token"}
        row[key] = value
    if department is not None and room.get("departmentId"):
        row["department"] = department
    return row
