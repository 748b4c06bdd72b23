"""A process serves as many requests at once as it has pooled connections: more concurrent
requests wait on the event loop for a worker thread, rather than each opening (and then closing)
a connection of its own or timing out in the pool."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import Engine, event

from omnicontacts.api.pipeline import Pipeline
from omnicontacts.app import create_app
from omnicontacts.config import Config
from omnicontacts.db.engine import make_engine
from tests.support import Api


def test_requests_beyond_the_pool_wait_for_a_connection_instead_of_opening_more(
    database_url: str, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = make_engine(database_url, pool_size=2)
    opened: list[int] = []
    busy, most = [0], [0]
    running, most_running = [0], [0]
    lock = threading.Lock()
    run = Pipeline.run

    def counted_run(self: Pipeline, *args: Any) -> Any:  # a request on its worker thread
        with lock:
            running[0] += 1
            most_running[0] = max(most_running[0], running[0])
        try:
            return run(self, *args)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(Pipeline, "run", counted_run)

    def connected(*_: Any) -> None:
        opened.append(1)

    def checkout(*_: Any) -> None:
        with lock:
            busy[0] += 1
            most[0] = max(most[0], busy[0])

    def checkin(*_: Any) -> None:
        with lock:
            busy[0] -= 1

    def slow(*_: Any) -> None:
        time.sleep(0.02)  # every statement holds its connection a while: requests overlap

    event.listen(engine, "connect", connected)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    event.listen(engine, "before_cursor_execute", slow)
    try:
        with Api.start(engine, config) as api:
            headers = api._headers(api.admin, None)
            with ThreadPoolExecutor(12) as pool:
                statuses = list(pool.map(lambda _: api.client.get("/api/v1/me", headers=headers).status_code,
                                         range(36)))  # fmt: skip
        assert statuses == [200] * 36
        assert most[0] <= 2 and len(opened) <= 2  # never more connections than the pool's
        assert most_running[0] <= 2  # the others waited for a thread, not inside the pool
    finally:
        engine.dispose()


def test_the_app_runs_one_request_thread_per_pooled_connection(database_url: str, config: Config) -> None:
    engine = make_engine(database_url, pool_size=3)
    try:
        from omnicontacts.app import request_threads

        assert request_threads(engine, config) == 3
        assert engine.pool.size() == 3  # type: ignore[attr-defined]
        assert create_app(config, engine) is not None
    finally:
        engine.dispose()
