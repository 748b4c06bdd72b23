"""What keeps history fast at scale, pinned as counts rather than timings (issue 5): a request
reads the caller, settings and permissions in one statement and the whole history page in one
more, whatever the contact's size, offset, filter or sort; an empty page still answers from the
counters; on PostgreSQL the two reads run outside a transaction (no BEGIN / COMMIT round trips)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event

from omnicontacts.history import store as history_store
from tests.history.builders import add_contact, add_department, add_rooms, room
from tests.support import Api

PATH = "omnichannel/contacts.history"


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The first word of every statement the application sends while the block runs; on
    PostgreSQL with `+autocommit` when the driver runs it outside a transaction (psycopg then
    sends no BEGIN before it and no COMMIT after it)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        word = statement.split(None, 1)[0].upper()
        if engine.dialect.name == "postgresql" and conn.connection.dbapi_connection.autocommit:
            word += "+autocommit"
        seen.append(word)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def reads(seen: list[str]) -> list[str]:
    """SELECTs, however they were sent (SQLite's BEGIN/COMMIT are statements of their own)."""
    return [s.split("+")[0] for s in seen if s not in ("BEGIN", "COMMIT")]


@pytest.fixture
def contact(api: Api) -> str:
    contact_id = add_contact(api.engine)
    add_department(api.engine, "dep-1", "Sales")
    rooms = [
        room(contact_id, f"2024-01-{day:02d}T10:00:00.000Z", **({"departmentId": "dep-1"} if day % 2 else {}))
        for day in range(1, 29)
    ]
    add_rooms(api.engine, rooms)
    return contact_id


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"offset": 20, "count": 5},
        {"sort": '{"ts": 1}'},
        {"sort": '{"source.type": -1, "fname": 1}'},
        {"source": "api"},
        {"offset": 500},  # past the end: an empty page still carries the total
    ],
)
def test_history_is_two_reads_whatever_the_page(api: Api, contact: str, extra: dict[str, Any]) -> None:
    _ = api.admin  # log in first: the login's own statements are not the request's
    with statements(api.engine) as seen:
        body = api.get(PATH, {"contactId": contact, **extra}).json()
    assert body["success"] is True and body["total"] == 28
    assert reads(seen) == ["SELECT", "SELECT"], seen


def test_unknown_contact_is_answered_by_the_same_single_page_read(api: Api) -> None:
    _ = api.admin
    with statements(api.engine) as seen:
        res = api.get(PATH, {"contactId": "no-such-contact"})
    assert res.status_code == 400 and res.json()["error"] == "error-contact-not-found"
    assert reads(seen) == ["SELECT", "SELECT"], seen


def test_me_is_one_read(api: Api) -> None:
    _ = api.admin
    with statements(api.engine) as seen:
        assert api.get("me").status_code == 200
    assert reads(seen) == ["SELECT"], seen


def test_postgresql_history_sends_no_transaction_control(api: Api, contact: str) -> None:
    if api.engine.dialect.name != "postgresql":
        pytest.skip("SQLite transactions cost no round trip; its connections BEGIN themselves")
    _ = api.admin
    with statements(api.engine) as seen:
        assert api.get(PATH, {"contactId": contact}).json()["total"] == 28
    assert seen == ["SELECT+autocommit", "SELECT+autocommit"], seen


def test_departments_come_with_the_page(api: Api, contact: str) -> None:
    body = api.get(PATH, {"contactId": contact, "count": 4}).json()
    departments = [row.get("department") for row in body["history"]]
    assert departments == [None, {"_id": "dep-1", "name": "Sales"}] * 2


@pytest.mark.parametrize("sort", [[("closedAt", -1)], [("ts", 1)], [("servedBy.username", 1), ("ts", -1)]])
def test_the_page_read_along_the_index_and_by_its_ids_agree(api: Api, sort: list[tuple[str, int]]) -> None:
    """Near the start a page is read along the index, further on by its ids first
    (history.store.DIRECT_OFFSET): both statements answer the same rooms, departments and total."""
    contact_id = add_contact(api.engine)
    add_department(api.engine, "dep-1", "Sales")
    agents = ["amy", "Bob", "zed"]
    add_rooms(
        api.engine,
        [
            room(
                contact_id,
                f"2024-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00.000Z",
                ts=f"2023-{1 + n % 12:02d}-01T00:00:00.000Z",
                servedBy={"_id": f"a{n % 3}", "username": agents[n % 3]},
                **({"departmentId": "dep-1"} if n % 2 else {}),
            )
            for n in range(40)
        ],
    )
    query = history_store.HistoryQuery(contact_id)
    with api.engine.connect() as conn:
        for offset, limit in ((0, 25), (10, 7), (35, 25), (0, None)):
            params = {**query.params(), "offset": offset, **({"limit": limit} if limit else {})}
            direct, by_ids = (
                history_store._statement(
                    conn.dialect, tuple(sort), query.shape(), limit is not None, form
                ).rows(conn, params)
                for form in (True, False)
            )
            assert direct == by_ids
            assert len(direct) == min(limit or 40, 40 - offset)
            assert direct[0][0] == 40
