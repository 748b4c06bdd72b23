"""The only place that talks SQL for contact history.

A request is ONE statement (`read_page`): the contact (enabled, or no row at all), the page, and
the total.

- The page follows the index `ix_rooms_history (contact_id, closed_at DESC, id)` (or
  `ix_rooms_contact_ts` when sorting by `ts`). Its first pages (offset up to DIRECT_OFFSET) are
  read along it with their documents; deeper pages in two steps: first the page's room ids from
  the index - skipping `offset` entries there costs index entries, not documents - then the
  documents of those ids only. Each room comes with its department's name, joined on the room's
  copied-out `department_id` (the document itself is text on both engines, see tables.RoomDoc).
- `total` comes from `contact_room_counts`, closed rooms per (contact, source type, source
  alias), kept exact by `livechat.store` in the same transaction as every room write. A contact
  with 100,000 conversations therefore costs a handful of counter rows, not 100,000 index entries,
  and the `source` filter (a substring of type or alias) applies to those few rows with the very
  clause it applies to rooms. Filters the counters cannot answer would count over the index.

Statements are built and compiled once per shape (sort keys, which filters are present) and
cached, and run as `db.prepared.Prepared` statements (no per-call SQLAlchemy processing: this is
the request every contact-center screen makes): values are bound by name, never part of the SQL
text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, String, bindparam, func, or_, select, true
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.types import TypeEngine

from omnicontacts.db import sorting, tables
from omnicontacts.db.documents import Document
from omnicontacts.db.prepared import Prepared
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
    a source. New filters (dates, agents, tags) add clauses in `_rooms_where` (values bound by
    name, see `params`) and, when the counters cannot answer them, count over the index instead."""

    contact_id: str
    source: str = ""  # case-insensitive literal substring of source.type or source.alias

    def shape(self) -> tuple[bool, ...]:
        """What decides the SQL text (not the values): statements are built once per shape."""
        return (bool(self.source),)

    def where(self) -> list[ColumnElement[bool]]:
        return _rooms_where(self.shape())

    def params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"contact_id": self.contact_id}
        if self.source:
            out["source"] = like_pattern(self.source.lower())
        return out


Param = Callable[[str, TypeEngine[Any]], ColumnElement[Any]]


def _bound(name: str, type_: TypeEngine[Any]) -> ColumnElement[Any]:
    return bindparam(name, type_=type_)


def _opaque(name: str, type_: TypeEngine[Any]) -> ColumnElement[Any]:
    """A value the planner cannot look at when planning (`(SELECT $1)`, evaluated once when the
    statement runs). PostgreSQL plans a prepared statement for its values ("custom plans") while
    those look cheaper than the one plan for any value, and kept doing so for the history page
    at 240 µs of planning per request (pg_stat_statements: 6,740 plans in 7,692 calls under load).
    With nothing to gain from the values, it keeps one generic plan, which is the same plan:
    along the contact's index."""
    return select(bindparam(name, type_=type_)).scalar_subquery()


def _source_filter(
    shape: tuple[bool, ...],
    source_type: ColumnElement[str],
    source_alias: ColumnElement[str],
    param: Param = _bound,
) -> list[ColumnElement[bool]]:
    """The `source` filter, applied alike to the rooms and to the counters (both hold the same
    lower-cased copies of source type and alias)."""
    (has_source,) = shape
    clauses: list[ColumnElement[bool]] = []
    if has_source:
        pattern = param("source", String())
        clauses.append(or_(source_type.like(pattern, escape="\\"), source_alias.like(pattern, escape="\\")))
    return clauses


def _rooms_where(shape: tuple[bool, ...], param: Param = _bound) -> list[ColumnElement[bool]]:
    return [
        R.contact_id == param("contact_id", String()),
        R.closed_at.is_not(None),
        *_source_filter(shape, R.source_type, R.source_alias, param),
    ]


def _total(shape: tuple[bool, ...], param: Param = _bound) -> Select[Any]:
    return select(func.coalesce(func.sum(CRC.closed), 0)).where(
        CRC.contact_id == param("contact_id", String()),
        *_source_filter(shape, CRC.source_type, CRC.source_alias, param),
    )


@dataclass(frozen=True)
class HistoryPage:
    total: int
    rooms: list[tuple[Document, Document | None]]  # (room, its department `{_id, name}` or None)


def read_page(
    conn: Connection, query: HistoryQuery, sort_keys: sorting.SortKeys, offset: int, limit: int | None
) -> HistoryPage | None:
    """One page and the total, in ONE statement; None when no enabled contact has this id.

    The statement starts from the contact (one row, or none), left-joins the page (so an empty
    page still answers with the contact's row) and carries the total, summed from the counters, as
    an uncorrelated scalar subquery (evaluated once). Near the start of a history (`offset` up to
    DIRECT_OFFSET) the page's rooms are read straight along the index; further on, the page's room
    ids come from the index first (skipping `offset` entries costs index entries, not documents),
    then only those rows are read. Either way each room comes with its department."""
    direct = offset <= DIRECT_OFFSET
    stmt = _statement(conn.dialect, tuple(sort_keys), query.shape(), limit is not None, direct)
    params = {**query.params(), "offset": offset}
    if limit is not None:
        params["limit"] = limit
    rows = stmt.rows(conn, params)
    if not rows:
        return None
    return HistoryPage(
        total=int(rows[0][0]),
        rooms=[
            (doc, {"_id": department_id, "name": department_name} if department_id else None)
            for _, doc, department_id, department_name in rows
            if doc is not None
        ],
    )


def total(conn: Connection, query: HistoryQuery) -> int:
    """The counters' answer alone (tests compare it with `count_by_scan`)."""
    return int(conn.execute(_total(query.shape()), query.params()).scalar() or 0)


def count_by_scan(conn: Connection, query: HistoryQuery) -> int:
    """The same number as `total`, by counting index entries (used to check the counters)."""
    stmt = select(func.count()).select_from(tables.rooms).where(*query.where())
    return int(conn.execute(stmt, query.params()).scalar() or 0)


# Up to this offset a page is read along the index with its documents: the rooms skipped cost a
# row each (on PostgreSQL a heap visit), but the page needs no second lookup of its ids, which made
# a first page's statement about three times more expensive on PostgreSQL (0.07 ms against 0.20 ms
# executing, 10k rooms).
DIRECT_OFFSET = 100


@lru_cache(maxsize=256)
def _statement(
    dialect: Dialect,
    sort_keys: tuple[tuple[str, int], ...],
    shape: tuple[bool, ...],
    limited: bool,
    direct: bool,
) -> Prepared:
    """Compiled once per engine's dialect and shape; its columns: total, doc, department_id,
    department_name."""

    def order(doc: Any, columns: dict[str, Any]) -> list[Any]:
        return sorting.order_by(
            doc, sort_keys, dialect=dialect.name, columns=columns, id_column=columns["_id"]
        )

    param = _opaque if dialect.name == "postgresql" else _bound

    def paged(stmt: Select[Any]) -> Select[Any]:
        if limited:
            stmt = stmt.limit(param("limit", Integer()))
        return stmt.offset(param("offset", Integer()))

    columns = (R.id, R.ts, R.closed_at, R.doc, R.department_id)
    ordered = order(R.doc, SORT_COLUMNS)
    if direct:
        page = paged(select(*columns).where(*_rooms_where(shape, param)).order_by(*ordered)).subquery("page")
    else:
        ids = paged(select(R.id).where(*_rooms_where(shape, param)).order_by(*ordered)).correlate(None)
        page = select(*columns).where(R.id.in_(ids)).subquery("page")
    p = page.c
    statement = (
        select(
            _total(shape, param).scalar_subquery().label("total"),
            p.doc,
            D.id.label("department_id"),
            D.name.label("department_name"),
        )
        .select_from(
            tables.contacts.outerjoin(page, true()).outerjoin(tables.departments, D.id == p.department_id)
        )
        .where(C.id == param("contact_id", String()), C.enabled.is_(True))
        .order_by(*order(p.doc, {"_id": p.id, "closedAt": p.closed_at, "ts": p.ts}))
    )
    return Prepared(statement, dialect)
