"""create_app(config): the ASGI application. Nothing connects at import time; each app owns its
engine (or borrows the caller's, as tests do)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from anyio import to_thread
from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Route

from omnicontacts.api import envelope, openapi
from omnicontacts.api.endpoint import Endpoint
from omnicontacts.api.pipeline import Pipeline, method_table, not_found
from omnicontacts.api.routes import ENDPOINTS
from omnicontacts.config import Config
from omnicontacts.db.engine import make_engine
from omnicontacts.errors import Internal

log = logging.getLogger("omnicontacts")


def _route(path: str, methods: dict[str, Endpoint], pipeline: Pipeline) -> Route:
    async def dispatch(request: Request) -> Response:
        endpoint = methods.get(request.method)
        if endpoint is None:
            return not_found()  # a known path with a method it does not support (README §1)
        return await pipeline(request, endpoint)

    return Route(path, dispatch, methods=["GET", "POST", "PUT", "DELETE", "PATCH"], name=path)


def request_threads(engine: Engine, config: Config) -> int:
    """Requests run at once per process: one per pooled connection (the engine's own pool size
    when it has a fixed-size pool, else the configured size)."""
    pool = engine.pool
    return pool.size() if isinstance(pool, QueuePool) else config.pool_size


def create_app(config: Config, engine: Engine | None = None) -> Starlette:
    owns_engine = engine is None
    db = engine if engine is not None else make_engine(config.database_url, pool_size=config.pool_size)
    pipeline = Pipeline(db, config)
    table = method_table(ENDPOINTS)
    # static paths before parameterised ones, so `livechat/users/agent` never reads as `{rid}`
    ordered = sorted(table.items(), key=lambda item: ("{" in item[0], item[0]))
    routes: list[BaseRoute] = [_route(path, methods, pipeline) for path, methods in ordered]
    document = openapi.build(ENDPOINTS)

    async def openapi_json(_: Request) -> Response:
        return envelope.JSONReply(document)

    async def docs(_: Request) -> Response:
        return HTMLResponse(openapi.DOCS_PAGE)

    routes.insert(0, Route("/api/v1/openapi.json", openapi_json, methods=["GET"]))
    routes.insert(0, Route("/api/v1/docs", docs, methods=["GET"]))

    async def http_error(_: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code in (404, 405):
            return not_found()
        return envelope.failure(Internal())

    async def server_error(_: Request, exc: Exception) -> Response:
        log.error("unhandled error", exc_info=exc)
        return envelope.failure(Internal())

    @contextlib.asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[dict[str, Any]]:
        # A request runs on a worker thread holding one pooled connection for its duration: as
        # many threads as connections, so requests beyond that wait on the event loop instead of
        # in the pool, and the pool never opens and closes extra connections under load.
        to_thread.current_default_thread_limiter().total_tokens = request_threads(db, config)
        yield {}
        if owns_engine:
            db.dispose()

    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: http_error, Exception: server_error},
        lifespan=lifespan,
    )
    app.state.engine = db
    app.state.config = config
    return app


def app_from_env() -> Starlette:
    """uvicorn factory for `omnicontacts serve` workers."""
    return create_app(Config.from_env())
