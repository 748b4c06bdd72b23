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

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.engine import Connection

from omnicontacts.db import sorting, tables
from omnicontacts.db.documents import Document
from omnicontacts.livechat.store import departments, like_pattern, rooms_by_ids

R = tables.rooms.c
CRC = tables.contact_room_counts.c

# Paths that are plain, never-NULL columns for a closed room (sort allow-list; see db.sorting).
SORT_COLUMNS = {"_id": R.id, "closedAt": R.closed_at, "ts": R.ts}


@dataclass(frozen=True)
class HistoryQuery:
    """Which rooms a history request covers: one contact's closed rooms, optionally narrowed to
    a source. New filters (dates, agents, tags) add clauses in `where` and opt out of counters."""

    contact_id: str
    source: str = ""  # case-insensitive literal substring of source.type or source.alias

    def where(self) -> list[ColumnElement[bool]]:
        clauses: list[ColumnElement[bool]] = [R.contact_id == self.contact_id, R.closed_at.is_not(None)]
        if self.source:
            pattern = like_pattern(self.source.lower())
            clauses.append(
                or_(R.source_type.like(pattern, escape="\\"), R.source_alias.like(pattern, escape="\\"))
            )
        return clauses

    def matches_counter(self, source_type: str, source_alias: str) -> bool:
        term = self.source.lower()
        return not term or term in source_type or term in source_alias


def total(conn: Connection, query: HistoryQuery) -> int:
    rows = conn.execute(
        select(CRC.source_type, CRC.source_alias, CRC.closed).where(CRC.contact_id == query.contact_id)
    )
    return sum(int(row.closed) for row in rows if query.matches_counter(row.source_type, row.source_alias))


def count_by_scan(conn: Connection, query: HistoryQuery) -> int:
    """The same number as `total`, by counting index entries (used to check the counters)."""
    return int(
        conn.execute(select(func.count()).select_from(tables.rooms).where(*query.where())).scalar() or 0
    )


def page(
    conn: Connection, query: HistoryQuery, sort_keys: sorting.SortKeys, offset: int, limit: int | None
) -> list[Document]:
    order = sorting.order_by(
        R.doc, sort_keys, dialect=conn.dialect.name, columns=SORT_COLUMNS, id_column=R.id
    )
    stmt = select(R.id).where(*query.where()).order_by(*order)
    if limit is not None:
        stmt = stmt.limit(limit)
    if offset:
        stmt = stmt.offset(offset)
    ids = [row[0] for row in conn.execute(stmt)]
    docs = rooms_by_ids(conn, ids)
    return [docs[i] for i in ids if i in docs]


def departments_by_id(conn: Connection, ids: list[str]) -> dict[str, Document]:
    """One batched lookup for the computed `department` of a page."""
    return departments.get_many(conn, ids)
