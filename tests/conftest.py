"""Test fixtures: every storage-touching test runs on SQLite and on a real PostgreSQL server that
this run starts itself (tests/pgserver.py). Each test gets a fresh database cloned from a template
that was migrated and seeded once (SQLite: a file copy; PostgreSQL: CREATE DATABASE ... TEMPLATE)."""

from __future__ import annotations

import itertools
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("OMNICONTACTS_BCRYPT_ROUNDS", "4")  # fast hashes in tests only

import pytest
from sqlalchemy import Engine, text

from omnicontacts.bootstrap import prepare
from omnicontacts.config import Config
from omnicontacts.db.engine import make_engine
from tests import pgserver
from tests.support import Api

_counter = itertools.count()
_pg: pgserver.PgServer | None = None
_pg_missing_reported = False


def pytest_configure(config: pytest.Config) -> None:
    global _pg_missing_reported
    if pgserver.find_bindir() is None and not _pg_missing_reported and not hasattr(config, "workerinput"):
        _pg_missing_reported = True
        sys.stderr.write("PostgreSQL binaries not found (initdb/pg_ctl): running the SQLite engine only.\n")


def engines() -> list[str]:
    return ["sqlite", "postgresql"] if pgserver.find_bindir() is not None else ["sqlite"]


def make_config(url: str, **overrides: object) -> Config:
    base = {"database_url": url, "test_mode": True, "pool_size": 4}
    base.update(overrides)
    return Config(**base)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def pg_server() -> Iterator[pgserver.PgServer | None]:
    global _pg
    if pgserver.find_bindir() is None:
        yield None
        return
    _pg = pgserver.start_server()
    try:
        yield _pg
    finally:
        if _pg is not None:
            _pg.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    prepare(engine, make_config(f"sqlite:///{path}"))
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template(pg_server: pgserver.PgServer | None) -> str | None:
    if pg_server is None:
        return None
    admin = make_engine(pg_server.url("postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("CREATE DATABASE omni_template"))
    admin.dispose()
    engine = make_engine(pg_server.url("omni_template"))
    prepare(engine, make_config(pg_server.url("omni_template")))
    engine.dispose()
    return "omni_template"


@pytest.fixture(params=engines())
def engine_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(
    engine_name: str,
    tmp_path: Path,
    sqlite_template: Path,
    pg_server: pgserver.PgServer | None,
    pg_template: str | None,
) -> Iterator[str]:
    if engine_name == "sqlite":
        path = tmp_path / "db.sqlite3"
        shutil.copyfile(sqlite_template, path)
        yield f"sqlite:///{path}"
        return
    assert pg_server is not None and pg_template is not None
    name = f"t_{os.getpid()}_{next(_counter)}"
    admin = make_engine(pg_server.url("postgres"))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {pg_template}"))
    try:
        yield pg_server.url(name)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    db = make_engine(database_url, pool_size=4)
    yield db
    db.dispose()


@pytest.fixture
def config(database_url: str) -> Config:
    return make_config(database_url)


@pytest.fixture
def api(engine: Engine, config: Config) -> Iterator[Api]:
    with Api.start(engine, config) as client:
        yield client
