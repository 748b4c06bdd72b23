"""The only place that talks SQL for contact history.

A page is read in two steps: first the room ids of the page, straight from the index
`ix_rooms_history (contact_id, closed_at DESC, id)` (or `ix_rooms_contact_ts` when sorting by
`ts`) - skipping `offset` entries there costs index entries, not documents - then the documents of
those ids only.

`total` comes from `contact_room_counts`, closed rooms per (contact, source type, source alias),
kept exact by `livechat.store` in the same transaction as every room write. A contact with 100,000
conversations therefore costs a handful of counter rows, not 100,000 index entries, and the
`source` filter (a substring of type or alias) is applied to those few rows. Filters the counters
cannot answer fall back to COUNT over the same index.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, String, bindparam, func, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from omnicontacts.db import sorting, tables
from omnicontacts.db.documents import Document
from omnicontacts.livechat.store import like_pattern

R = tables.rooms.c
C = tables.contacts.c
D = tables.departments.c
CRC = tables.contact_room_counts.c

# Paths that are plain, never-NULL columns for a closed room (sort allow-list; see db.sorting).
SORT_COLUMNS = {"_id": R.id, "closedAt": R.closed_at, "ts": R.ts}


@dataclass(frozen=True)
class HistoryQuery:
    """Which rooms a history request covers: one contact's closed rooms, optionally narrowed to
    a source. New filters (dates, agents, tags) add clauses in `where` (values bound by name, see
    `params`) and opt out of counters."""

    contact_id: str
    source: str = ""  # case-insensitive literal substring of source.type or source.alias

    def shape(self) -> tuple[bool, ...]:
        """What decides the SQL text (not the values): statements are built once per shape."""
        return (bool(self.source),)

    def where(self) -> list[ColumnElement[bool]]:
        return _where(self.shape())

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"contact_id": self.contact_id}
        if self.source:
            out["source"] = like_pattern(self.source.lower())
        return out

    def matches_counter(self, source_type: str, source_alias: str) -> bool:
        term = self.source.lower()
        return not term or term in source_type or term in source_alias

    def total(self, counters: list[tuple[str, str, int]]) -> int:
        return sum(n for source_type, alias, n in counters if self.matches_counter(source_type, alias))


def _where(shape: tuple[bool, ...]) -> list[ColumnElement[bool]]:
    (has_source,) = shape
    clauses: list[ColumnElement[bool]] = [R.contact_id == bindparam("contact_id"), R.closed_at.is_not(None)]
    if has_source:
        pattern: BindParameter[str] = bindparam("source", type_=String())
        clauses.append(
            or_(R.source_type.like(pattern, escape="\\"), R.source_alias.like(pattern, escape="\\"))
        )
    return clauses


# An enabled contact and its closed-room counters, in one statement (no counter row: no rooms).
_COUNTERS = (
    select(C.id, CRC.source_type, CRC.source_alias, CRC.closed)
    .select_from(tables.contacts.outerjoin(tables.contact_room_counts, CRC.contact_id == C.id))
    .where(C.id == bindparam("contact_id"), C.enabled.is_(True))
)


def closed_counters(conn: Connection, contact_id: str) -> list[tuple[str, str, int]] | None:
    """(source type, source alias, closed rooms) of an enabled contact; None when there is none."""
    rows = conn.execute(_COUNTERS, {"contact_id": contact_id}).all()
    if not rows:
        return None
    return [(row.source_type, row.source_alias, int(row.closed)) for row in rows if row.closed is not None]


def total(conn: Connection, query: HistoryQuery) -> int:
    return query.total(closed_counters(conn, query.contact_id) or [])


def count_by_scan(conn: Connection, query: HistoryQuery) -> int:
    """The same number as `total`, by counting index entries (used to check the counters)."""
    stmt = select(func.count()).select_from(tables.rooms).where(*query.where())
    return int(conn.execute(stmt, query.params()).scalar() or 0)


def page(
    conn: Connection, query: HistoryQuery, sort_keys: sorting.SortKeys, offset: int, limit: int | None
) -> list[tuple[Document, Document | None]]:
    """One page of rooms, each with its department (`{_id, name}`, None without one), in one
    statement: the ids of the page come from the index, then only those rows are read."""
    stmt = _page_statement(conn.dialect.name, tuple(sort_keys), query.shape(), limit is not None)
    params = {**query.params(), "offset": offset}
    if limit is not None:
        params["limit"] = limit
    return [
        (doc, {"_id": department_id, "name": name} if department_id is not None else None)
        for doc, department_id, name in conn.execute(stmt, params)
    ]


@lru_cache(maxsize=256)
def _page_statement(
    dialect: str, sort_keys: tuple[tuple[str, int], ...], shape: tuple[bool, ...], limited: bool
) -> Select[Any]:
    order = sorting.order_by(R.doc, sort_keys, dialect=dialect, columns=SORT_COLUMNS, id_column=R.id)
    ids = select(R.id).where(*_where(shape)).order_by(*order)
    if limited:
        ids = ids.limit(bindparam("limit"))
    ids = ids.offset(bindparam("offset")).correlate(None)
    return (
        select(R.doc, D.id, D.name)
        .select_from(tables.rooms.outerjoin(tables.departments, D.id == R.doc["departmentId"].as_string()))
        .where(R.id.in_(ids))
        .order_by(*order)
    )
