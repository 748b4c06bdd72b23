"""`Collection`: a document table with copied-out columns (see tables.py).

Stores build their queries with these few methods; the copy of filterable fields from the document
into plain columns happens only here, in `extract`, on every insert and replace.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from omnicontacts.ids import now_iso

Document = dict[str, Any]
Extract = Callable[[Document], dict[str, Any]]


class Collection:
    def __init__(self, table: Table, extract: Extract) -> None:
        self.table = table
        self.extract = extract
        self.c = table.c
        # Statements built once: the hot paths (get / insert / replace) skip SQLAlchemy's
        # per-call statement construction and cache-key work.
        self._get = select(table.c.doc).where(table.c.id == bindparam("pk"))
        self._get_for_update = self._get.with_for_update()
        self._insert = insert(table)
        self._update = update(table).where(table.c.id == bindparam("pk"))

    def _row(self, doc: Document) -> dict[str, Any]:
        return {"id": doc["_id"], **self.extract(doc), "doc": doc}

    # ---- reads -------------------------------------------------------------------------------
    def get(self, conn: Connection, doc_id: str, *, for_update: bool = False) -> Document | None:
        stmt = self._get_for_update if for_update else self._get
        found: Document | None = conn.execute(stmt, {"pk": doc_id}).scalar()
        return found

    def get_many(self, conn: Connection, ids: Iterable[str]) -> dict[str, Document]:
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return {}
        rows = conn.execute(select(self.c.id, self.c.doc).where(self.c.id.in_(wanted)))
        return {row.id: row.doc for row in rows}

    def find(
        self,
        conn: Connection,
        *where: ColumnElement[bool],
        order_by: Sequence[Any] = (),
        limit: int | None = None,
        offset: int | None = None,
        for_update: bool = False,
    ) -> list[Document]:
        stmt = select(self.c.doc).where(*where).order_by(*order_by)
        if limit is not None:
            stmt = stmt.limit(limit)
        if offset:
            stmt = stmt.offset(offset)
        if for_update:
            stmt = stmt.with_for_update()
        return [row[0] for row in conn.execute(stmt)]

    def find_one(
        self, conn: Connection, *where: ColumnElement[bool], order_by: Sequence[Any] = ()
    ) -> Document | None:
        found = self.find(conn, *where, order_by=order_by, limit=1)
        return found[0] if found else None

    def count(self, conn: Connection, *where: ColumnElement[bool]) -> int:
        total = conn.execute(select(func.count()).select_from(self.table).where(*where)).scalar()
        return int(total or 0)

    # ---- writes ------------------------------------------------------------------------------
    def insert(self, conn: Connection, doc: Document) -> Document:
        doc["_updatedAt"] = now_iso()
        conn.execute(self._insert, self._row(doc))
        return doc

    def insert_many(self, conn: Connection, docs: Sequence[Document], *, touch: bool = True) -> None:
        if not docs:
            return
        if touch:
            stamp = now_iso()
            for doc in docs:
                doc["_updatedAt"] = stamp
        conn.execute(self._insert, [self._row(doc) for doc in docs])

    def replace(self, conn: Connection, doc: Document) -> Document:
        doc["_updatedAt"] = now_iso()
        row = {**self.extract(doc), "doc": doc, "pk": doc["_id"]}
        conn.execute(self._update, row)
        return doc

    def delete(self, conn: Connection, *where: ColumnElement[bool]) -> int:
        return int(conn.execute(delete(self.table).where(*where)).rowcount or 0)


def set_path(doc: Document, path: str, value: Any) -> None:
    """Mongo-style `$set` of a dot path in a plain dict."""
    parts = path.split(".")
    target = doc
    for part in parts[:-1]:
        nxt = target.get(part)
        if not isinstance(nxt, dict):
            nxt = {}
            target[part] = nxt
        target = nxt
    target[parts[-1]] = value


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    target: Any = doc
    for part in path.split("."):
        if not isinstance(target, Mapping) or part not in target:
            return None
        target = target[part]
    return target
