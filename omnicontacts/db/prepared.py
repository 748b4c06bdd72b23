"""`Prepared`: a read statement compiled once for a dialect and run on the connection's own DBAPI
cursor, for the hottest reads (one per request).

SQLAlchemy's per-call work around an already cached statement - the execution context, the
parameter and result processing, the result object - cost about 150 microseconds per call for
a 25-room history page on either engine (the SQLite query itself takes about 200, the PostgreSQL
round trip about 650): as much as a whole `/me` statement. `Prepared` does that work once, at
compile time: the SQL text, the order of the driver's parameters, the constant parameters with
SQLAlchemy's bind processors applied, and the result processors SQLAlchemy would run on each
column (e.g. JSON text into a dict on SQLite; psycopg hands over dicts itself). Each call then
binds the caller's values, runs the statement through `Connection._cursor_execute` - SQLAlchemy's
own path for a statement on a given cursor, so connection events fire, echo logs, and driver
errors are wrapped (and disconnects detected) as for any other statement - and returns plain
tuples. Expanding (IN-list) parameters are not supported: their SQL text depends on each call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.sql import Select

Processor = Callable[[Any], Any]


class Prepared:
    def __init__(self, stmt: Select[Any], dialect: Dialect) -> None:
        compiled = stmt.compile(dialect=dialect)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("expanding or literal-execute parameters are not supported")
        self.sql = str(compiled)
        self._positional = list(compiled.positiontup) if compiled.positiontup else None
        self._bind: dict[str, Processor] = dict(compiled._bind_processors)  # type: ignore[arg-type]
        self._constants: dict[str, Any] = {}
        self._required: set[str] = set()
        for name, bind in compiled.binds.items():
            if bind.required or bind.callable is not None:
                self._required.add(name)
            else:
                process = self._bind.get(name)
                self._constants[name] = process(bind.value) if process else bind.value
        self._results: list[tuple[int, Processor]] = []
        for index, column in enumerate(stmt.selected_columns):
            process = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if process is not None:
                self._results.append((index, process))

    def rows(self, conn: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row, as tuples of processed values in the statement's column order."""
        missing = self._required.difference(values)
        if missing:
            raise ValueError(f"no value for {sorted(missing)}")
        bind = self._bind
        params = dict(self._constants)
        for name, value in values.items():
            process = bind.get(name)
            params[name] = process(value) if process else value
        driver_params: Any = tuple(params[n] for n in self._positional) if self._positional else params
        cursor = conn.connection.cursor()
        try:
            conn._cursor_execute(cursor, self.sql, driver_params)
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        if not self._results:
            return [tuple(row) for row in fetched]
        out = []
        for row in fetched:
            processed = list(row)
            for index, process in self._results:
                processed[index] = process(processed[index])
            out.append(tuple(processed))
        return out
