"""The only place that talks SQL for contacts.

Besides the document, a contact writes lookup keys to `contact_keys` (each e-mail, each phone,
each channel's visitor id), so "which contact has this visitor / e-mail / phone" is an index
lookup. Contact writes go through `insert` / `replace` here, which refresh the keys.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, delete, insert, select, update
from sqlalchemy.engine import Connection

from omnicontacts.db import sorting, tables
from omnicontacts.db.documents import Collection, Document
from omnicontacts.ids import now_iso
from omnicontacts.livechat.store import like_pattern

SEP = "\x1f"
KEY_LENGTH = 512  # contact_keys.value keeps this many characters; lookups compare the same prefix


def _search_text(doc: Document) -> str:
    parts = [str(doc.get("name") or "")]
    parts += [str(e.get("address", "")) for e in doc.get("emails") or []]
    parts += [str(p.get("phoneNumber", "")) for p in doc.get("phones") or []]
    return SEP.join(parts).lower()


def _columns(doc: Document) -> dict[str, Any]:
    unknown = doc.get("unknown")
    return {
        "enabled": doc.get("enabled") is not False,
        "unknown": unknown if isinstance(unknown, bool) else None,
        "name": doc.get("name"),
        "pre_registration": doc.get("preRegistration") is True,
        "created_at": doc.get("createdAt"),
        "search_text": _search_text(doc),
    }


_contacts = Collection(tables.contacts, _columns)
C = tables.contacts.c
K = tables.contact_keys.c


def _keys(doc: Document) -> set[tuple[str, str]]:
    keys = {("email", str(e["address"])) for e in doc.get("emails") or [] if e.get("address")}
    keys |= {("phone", str(p["phoneNumber"])) for p in doc.get("phones") or [] if p.get("phoneNumber")}
    for channel in doc.get("channels") or []:
        visitor_id = (channel.get("visitor") or {}).get("visitorId")
        if visitor_id:
            keys.add(("visitor", str(visitor_id)))
    return keys


def _write_keys(conn: Connection, doc: Document) -> None:
    conn.execute(delete(tables.contact_keys).where(K.contact_id == doc["_id"]))
    keys = _keys(doc)
    if keys:
        conn.execute(
            insert(tables.contact_keys),
            [
                {"kind": kind, "value": value[:KEY_LENGTH], "contact_id": doc["_id"]}
                for kind, value in sorted(keys)
            ],
        )


def get(conn: Connection, contact_id: str, *, for_update: bool = False) -> Document | None:
    return _contacts.get(conn, contact_id, for_update=for_update)


def get_enabled(conn: Connection, contact_id: str, *, for_update: bool = False) -> Document | None:
    doc = _contacts.get(conn, contact_id, for_update=for_update)
    return doc if doc is not None and doc.get("enabled") is not False else None


def get_many(conn: Connection, ids: list[str]) -> dict[str, Document]:
    return _contacts.get_many(conn, ids)


def insert_contact(conn: Connection, doc: Document) -> Document:
    _contacts.insert(conn, doc)
    _write_keys(conn, doc)
    return doc


def insert_contacts(conn: Connection, docs: list[Document], *, touch: bool = True) -> None:
    """Bulk insert (demo data, benchmarks), keys included."""
    _contacts.insert_many(conn, docs, touch=touch)
    rows = [
        {"kind": k, "value": v[:KEY_LENGTH], "contact_id": d["_id"]}
        for d in docs
        for k, v in sorted(_keys(d))
    ]
    if rows:
        conn.execute(insert(tables.contact_keys), rows)


def replace_contact(conn: Connection, doc: Document) -> Document:
    _contacts.replace(conn, doc)
    _write_keys(conn, doc)
    return doc


def ids_with_key(conn: Connection, kind: str, value: str) -> list[str]:
    """Contacts whose key of this kind starts like `value`: exact for values up to KEY_LENGTH
    characters; longer ones are candidates the caller confirms on the document."""
    rows = conn.execute(
        select(K.contact_id).where(K.kind == kind, K.value == value[:KEY_LENGTH]).order_by(K.contact_id)
    )
    return [row[0] for row in rows]


def _holds(doc: Document, kind: str, value: str) -> bool:
    return (kind, value) in _keys(doc)


def contacts_with_key(conn: Connection, kind: str, value: str, *, for_update: bool = False) -> list[Document]:
    """Contacts holding an e-mail / phone / visitor key (exact match), oldest first."""
    ids = ids_with_key(conn, kind, value)
    if not ids:
        return []
    found = _contacts.find(conn, C.id.in_(ids), order_by=[C.created_at, C.id], for_update=for_update)
    return found if len(value) <= KEY_LENGTH else [doc for doc in found if _holds(doc, kind, value)]


def exists_with_key(conn: Connection, kind: str, value: str) -> bool:
    """Any contact, disabled ones included, holding this e-mail / phone / visitor key exactly."""
    if len(value) <= KEY_LENGTH:
        return bool(ids_with_key(conn, kind, value))
    return bool(contacts_with_key(conn, kind, value))


def exists(conn: Connection, contact_id: str) -> bool:
    return conn.execute(select(C.id).where(C.id == contact_id)).first() is not None


def disable(conn: Connection, doc: Document) -> bool:
    """Write the disabled shell of an enabled contact (contacts.delete); False when the row was
    not an enabled contact any more, so nothing was written."""
    doc["_updatedAt"] = now_iso()
    result = conn.execute(
        update(tables.contacts)
        .where(C.id == doc["_id"], C.enabled.is_(True))
        .values(**_columns(doc), doc=doc)
    )
    if not result.rowcount:
        return False
    _write_keys(conn, doc)
    return True


def search_filter(search_text: str | None, unknown: bool) -> list[ColumnElement[bool]]:
    """contacts.search: enabled, `unknown` equal, literal case-insensitive substring of name,
    an e-mail or a phone (stored lower-cased in `search_text`)."""
    where: list[ColumnElement[bool]] = [C.enabled.is_(True), C.unknown.is_(unknown)]
    if search_text:
        if SEP in search_text:
            where.append(C.id.is_(None))  # cannot match a single field
        else:
            where.append(C.search_text.like(like_pattern(search_text.lower()), escape="\\"))
    return where


# Paths that are plain, never-NULL columns (sort allow-list; see db.sorting). `name` is not one:
# it may be missing, and it must sort by code point on PostgreSQL whatever the database collation.
SORT_COLUMNS: dict[str, Any] = {"_id": C.id}
DOC_COLUMN = C.doc
ID_COLUMN = C.id


def search(
    conn: Connection,
    where: list[ColumnElement[bool]],
    sort_keys: sorting.SortKeys,
    offset: int,
    limit: int | None,
) -> tuple[list[Document], int]:
    """One page of contacts matching `where` in MongoDB order of `sort_keys` (`_id` appended as
    the tie breaker), and the number of all matches."""
    order = sorting.order_by(
        DOC_COLUMN, sort_keys, dialect=conn.dialect.name, columns=SORT_COLUMNS, id_column=ID_COLUMN
    )
    return (
        _contacts.find(conn, *where, order_by=order, limit=limit, offset=offset),
        _contacts.count(conn, *where),
    )
