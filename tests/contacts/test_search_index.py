"""contacts.search's substring filter is answered from an index (migration 0002), so search stays
usable with hundreds of thousands of contacts: a covering B-tree on SQLite, a trigram GIN index on
PostgreSQL. The behaviour is the one tests/contacts/test_read.py pins; these tests pin the index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, func, select

from omnicontacts.contacts import store as contacts_store
from omnicontacts.db import tables
from tests.contacts.builders import create, ok
from tests.support import Api

SEARCH = "omnichannel/contacts.search"


def sqlite_plan(conn: Connection, term: str) -> str:
    where = contacts_store.search_filter(term, False)
    compiled = select(func.count()).select_from(tables.contacts).where(*where).compile(conn)
    params: Any = tuple(compiled.construct_params()[k] for k in compiled.positiontup or ())
    return " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", params))


def test_sqlite_answers_the_substring_filter_from_a_covering_index(api: Api) -> None:
    if api.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL: see the trigram index test")
    create(api, "Grace Hopper", emails=["grace@navy.example"])
    with api.engine.begin() as conn:
        used = sqlite_plan(conn, "hopp")
    assert "COVERING INDEX ix_contacts_search" in used, used  # neither filter nor count reads a document


def test_postgresql_can_answer_the_substring_filter_from_a_trigram_index(api: Api) -> None:
    if api.engine.dialect.name != "postgresql":
        pytest.skip("SQLite: see the covering index test")
    create(api, "Grace Hopper", emails=["grace@navy.example"])
    with api.engine.begin() as conn:
        definition = conn.exec_driver_sql(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_contacts_search_trgm'"
        ).scalar()
        assert definition is not None and "gin_trgm_ops" in definition, definition
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # a tiny table: can it, not will it
        where = contacts_store.search_filter("hopp", False)[-1]  # the LIKE alone
        compiled = select(func.count()).select_from(tables.contacts).where(where).compile(conn)
        lines = conn.exec_driver_sql(f"EXPLAIN {compiled}", compiled.construct_params()).all()
    assert "ix_contacts_search_trgm" in " ".join(str(r[0]) for r in lines), lines


def test_a_contact_with_a_very_long_search_text_still_saves_and_is_found(api: Api) -> None:
    emails = [f"someone.with.a.long.address.{n}@example.com" for n in range(120)]  # ~5 kB
    contact_id = create(api, "Many Mails", emails=emails)
    body = ok(api.get(SEARCH, {"searchText": "address.119@"}))
    assert [c["_id"] for c in body["contacts"]] == [contact_id] and body["total"] == 1
