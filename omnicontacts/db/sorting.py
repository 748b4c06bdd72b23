"""ORDER BY for client-named document paths, MongoDB-style, on both engines.

Sort keys are untrusted (spec README §8): a key is either mapped through the fixed `columns`
allow-list of a store, or turned into a JSON path whose text goes to the database as a **bound
parameter** (`json_extract(doc, ?)` on SQLite, `doc #> ?` with a text[] on PostgreSQL). The client's
text never becomes SQL text.

MongoDB's order is reproduced: missing/null first when ascending (last when descending), then
numbers < strings < objects < arrays < booleans; strings by code point.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, ColumnElement, Numeric, Text, bindparam, case, cast, func, or_
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import UnaryExpression

SortKeys = Sequence[tuple[str, int]]


def _direction(expr: ColumnElement[Any], direction: int) -> UnaryExpression[Any]:
    return expr.asc().nulls_first() if direction > 0 else expr.desc().nulls_last()


def _sqlite_path(segments: list[str]) -> str | None:
    # SQLite's JSON path has no escape for a double quote or backslash inside a quoted label:
    # such a key can name no stored field, so it sorts as missing.
    if any('"' in seg or "\\" in seg for seg in segments):
        return None
    return "$" + "".join(f'."{seg}"' for seg in segments)


def order_by(
    doc: ColumnElement[Any],
    keys: SortKeys,
    *,
    dialect: str,
    columns: Mapping[str, ColumnElement[Any]],
    id_column: ColumnElement[Any],
) -> list[Any]:
    """ORDER BY clauses for `keys` (already validated: non-empty segments, ±1), with `_id`
    ascending appended as the final tie breaker unless already present. `columns` maps paths to
    plain columns that hold the same value and are never NULL in the caller's query."""
    clauses: list[Any] = []
    has_id = False
    for key, direction in keys:
        if key == "_id":
            has_id = True
        column = columns.get(key)
        if column is not None:
            # a mapped column is never NULL in the caller's query, so plain ASC/DESC is exact and
            # matches the column's index on both engines
            clauses.append(column.asc() if direction > 0 else column.desc())
            continue
        clauses.extend(_json_clauses(doc, key.split("."), direction, dialect))
    if not has_id:
        clauses.append(id_column.asc())
    return clauses


def _is_jsonb(doc: ColumnElement[Any]) -> bool:
    """Whether `doc` is stored as `jsonb` on PostgreSQL (tables.Doc) rather than `json`
    (tables.RoomDoc)."""
    mapping = getattr(doc.type, "_variant_mapping", {})
    return isinstance(mapping.get("postgresql", doc.type), JSONB)


def _json_clauses(doc: ColumnElement[Any], segments: list[str], direction: int, dialect: str) -> list[Any]:
    if dialect == "postgresql":
        path = bindparam(None, segments, type_=ARRAY(Text))
        value: ColumnElement[Any] = doc.op("#>")(path)
        text = doc.op("#>>", return_type=Text)(path)
        if _is_jsonb(doc):
            kind = func.jsonb_typeof(value)
        else:  # a `json` (text) document: the extracted value compares as jsonb, as everywhere else
            kind = func.json_typeof(value)
            value = cast(value, JSONB)
        rank = case(
            (kind == "number", 1),
            (kind == "string", 2),
            (kind == "object", 3),
            (kind == "array", 4),
            (kind == "boolean", 5),
            else_=0,
        )
        number = case((kind == "number", cast(text, Numeric)))
        string = case((kind == "string", text.collate("C")))
        return [_direction(e, direction) for e in (rank, number, string, value)]
    json_path = _sqlite_path(segments)
    if json_path is None:
        return []
    json_kind = func.json_type(doc, json_path)
    # (= ... OR = ... rather than IN: an IN list is an expanding parameter, rendered per call)
    rank = case(
        (or_(json_kind == "integer", json_kind == "real"), 1),
        (json_kind == "text", 2),
        (json_kind == "object", 3),
        (json_kind == "array", 4),
        (or_(json_kind == "true", json_kind == "false"), 5),
        else_=0,
    )
    extracted = func.json_extract(doc, json_path)
    return [_direction(rank, direction), _direction(extracted, direction)]
