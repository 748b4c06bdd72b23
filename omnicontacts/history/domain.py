"""The shape of one history row (contacts-history.md §9): a fixed field list, the visitor token
removed everywhere it appears, and the computed `department`."""

from __future__ import annotations

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
_KEPT = frozenset(FIELDS)


def history_row(room: Document, department: Document | None) -> Document:
    """`room` is this request's own copy, freshly read (it is not kept anywhere else). Fields come
    in the document's order, as a MongoDB projection returns them. `department`: `{_id, name}` of
    the room's department, None when it has none (or it is gone)."""
    row = {key: value for key, value in room.items() if key in _KEPT and value is not None}
    for key in _WITHOUT_TOKEN:
        value = row.get(key)
        if isinstance(value, dict) and "token" in value:
            row[key] = {k: v for k, v in value.items() if k != "token"}
    if department is not None and room.get("departmentId"):
        row["department"] = department
    return row
