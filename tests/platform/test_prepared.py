"""`db.prepared.Prepared`: a statement compiled once and run on the driver's cursor answers
exactly what `Connection.execute` answers, on both engines, and behaves like any other statement
for events and errors."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, Integer, bindparam, cast, event, func, literal, select
from sqlalchemy.exc import DBAPIError

from omnicontacts.db import tables
from omnicontacts.db.prepared import Prepared

S = tables.settings.c


def _statement() -> Any:
    # a JSON column, a JSON path (a constant with a bind processor), a bound value used twice
    return (
        select(S.id, S.doc, S.doc["value"].label("value"), literal(7).label("seven"))
        .where(S.id >= bindparam("first"), S.id != bindparam("first") + "x")
        .order_by(S.id)
        .limit(bindparam("limit"))
    )


def test_rows_equal_what_connection_execute_returns(engine: Engine) -> None:
    prepared = Prepared(_statement(), engine.dialect)
    with engine.connect() as conn:
        expected = [tuple(row) for row in conn.execute(_statement(), {"first": "API", "limit": 5})]
        got = prepared.rows(conn, {"first": "API", "limit": 5})
    assert len(got) == 5 and got == expected
    assert all(isinstance(row[1], dict) and row[1]["_id"] == row[0] for row in got)  # decoded documents


def test_statements_pass_through_connection_events(engine: Engine) -> None:
    prepared = Prepared(_statement(), engine.dialect)
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with engine.connect() as conn:
            prepared.rows(conn, {"first": "A", "limit": 1})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert seen == [prepared.sql]


def test_driver_errors_are_raised_as_sqlalchemy_errors(engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        failing = select(cast(bindparam("value"), Integer))
    else:
        failing = select(func.json_extract(bindparam("value"), "$.a"))  # malformed JSON
    prepared = Prepared(failing, engine.dialect)
    with engine.connect() as conn, pytest.raises(DBAPIError):
        prepared.rows(conn, {"value": "not a number, not JSON"})


def test_a_missing_value_is_refused_before_anything_is_sent(engine: Engine) -> None:
    prepared = Prepared(_statement(), engine.dialect)
    with engine.connect() as conn, pytest.raises(ValueError, match="limit"):
        prepared.rows(conn, {"first": "A"})


def test_expanding_parameters_are_refused_at_compile_time(engine: Engine) -> None:
    with pytest.raises(ValueError, match="expanding"):
        Prepared(select(S.id).where(S.id.in_(bindparam("ids", expanding=True))), engine.dialect)
    with pytest.raises(ValueError, match="expanding"):
        Prepared(select(S.id).where(S.id.in_(["a", "b"])), engine.dialect)
