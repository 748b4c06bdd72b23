"""The shared mechanism every endpoint runs through, in the spec's order (README §3):
authenticate (401) -> rate limit (429) -> validate (400 invalid-params) -> permissions (403) ->
handler. The request owns the transaction: commit on success, roll back on any error. Every
error becomes the Rocket.Chat envelope here and nowhere else."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response

from omnicontacts.api import envelope
from omnicontacts.api.endpoint import Call, Endpoint, Reply
from omnicontacts.api.pagination import PAGING_SETTINGS
from omnicontacts.api.querystring import parse_query
from omnicontacts.api.validation import meteor_check, validate
from omnicontacts.auth import service as auth
from omnicontacts.config import Config
from omnicontacts.db.engine import WRITE
from omnicontacts.errors import ApiError, Forbidden, Internal, NotFound, RateLimited, Unauthenticated
from omnicontacts.ratelimit import service as ratelimit

log = logging.getLogger("omnicontacts.api")

# Per-endpoint limits that differ from the default (platform.md §5)
VISITOR_RATE_LIMIT = 5
BYPASS_RATE_LIMIT = "api-bypass-rate-limit"
RATE_LIMIT_SETTINGS = (
    "API_Enable_Rate_Limiter",
    "API_Enable_Rate_Limiter_Limit_Calls_Default",
    "API_Enable_Rate_Limiter_Limit_Time_Default",
)
# Read with the caller in one round trip: the limiter's, and those every paged list reads.
PREFETCHED_SETTINGS = [*RATE_LIMIT_SETTINGS, *PAGING_SETTINGS]


@dataclass(frozen=True)
class Incoming:
    """What the threadpool side needs from the request (read on the event loop)."""

    method: str
    path_params: dict[str, str]
    headers: Headers
    cookies: dict[str, str]
    client_ip: str
    input: Any


def client_ip(request: Request) -> str:
    real = request.headers.get("x-real-ip")
    if real:
        return real.strip()
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded:
        return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


async def read_input(request: Request, endpoint: Endpoint) -> Any:
    if not endpoint.reads_body:
        return parse_query(request.url.query)
    raw = await request.body()
    content_type = request.headers.get("content-type", "")
    if "application/x-www-form-urlencoded" in content_type:
        return parse_query(raw.decode("utf-8", "replace"))
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return {}  # spec README §1: invalid JSON is treated as {}


class Pipeline:
    def __init__(self, engine: Engine, config: Config) -> None:
        self.engine = engine
        self.config = config
        self.postgres = engine.dialect.name == "postgresql"

    async def __call__(self, request: Request, endpoint: Endpoint) -> Response:
        try:
            incoming = Incoming(
                method=request.method,
                path_params={k: str(v) for k, v in request.path_params.items()},
                headers=request.headers,
                cookies=dict(request.cookies),
                client_ip=client_ip(request),
                input=await read_input(request, endpoint),
            )
        except Exception:  # a broken body stream: nothing reached the handler
            log.exception("could not read request")
            return envelope.failure(Internal())
        return await run_in_threadpool(self.run, endpoint, incoming)

    def run(self, endpoint: Endpoint, incoming: Incoming) -> Response:
        extra_headers: dict[str, str] = {}
        try:
            with self.engine.connect() as conn:
                context = self._authenticate(conn, endpoint, incoming)
                extra_headers = self._rate_limit(conn, endpoint, incoming, context)
                params = self._validate(endpoint, incoming.input)
                if endpoint.is_write:
                    conn.execution_options(**WRITE)
                elif endpoint.single_statement:
                    self._without_transaction(conn)
                with conn.begin():
                    call = Call(
                        conn=conn,
                        config=self.config,
                        params=params,
                        path=incoming.path_params,
                        headers=incoming.headers,
                        cookies=incoming.cookies,
                        client_ip=incoming.client_ip,
                        user=context.user,
                        token_hash=context.token_hash,
                        _settings=dict(context.settings),
                        _granted=dict(context.granted),
                    )
                    for permission in endpoint.permissions:
                        if not call.has_permission(permission):
                            raise Forbidden()
                    result = endpoint.handler(call)
            if isinstance(result, Reply):
                return envelope.JSONReply(result.body, result.status, extra_headers)
            return envelope.success(result, extra_headers)
        except ApiError as error:
            return envelope.failure(error, extra_headers)
        except Exception:
            log.exception("unexpected error in %s %s", endpoint.method, endpoint.full_path)
            return envelope.failure(Internal(), extra_headers)

    def _authenticate(self, conn: Connection, endpoint: Endpoint, incoming: Incoming) -> auth.RequestContext:
        """The caller, the rate limiter's and the paging settings, and the permissions this
        endpoint and the limiter check: one read, before anything else (401 comes first)."""
        user_id = token = None
        if endpoint.auth:
            user_id = incoming.headers.get("x-user-id")
            token = incoming.headers.get("x-auth-token")
            if not user_id or not token:
                raise Unauthenticated()
        self._without_transaction(conn)  # one statement (auth.store.preamble)
        with conn.begin():
            context = auth.request_context(
                conn,
                user_id=user_id,
                token=token,
                setting_ids=PREFETCHED_SETTINGS,
                permission_ids=[*endpoint.permissions, BYPASS_RATE_LIMIT],
            )
        self._with_transactions(conn)
        if endpoint.auth and context.user is None:
            raise Unauthenticated()
        return context

    def _without_transaction(self, conn: Connection) -> None:
        """For a single statement: on PostgreSQL, autocommit saves the BEGIN and COMMIT round
        trips (the statement is atomic and sees one snapshot anyway). SQLite's transactions cost
        no round trip; its connections keep their own BEGIN handling (db.engine)."""
        if self.postgres:
            conn.execution_options(isolation_level="AUTOCOMMIT")

    def _with_transactions(self, conn: Connection) -> None:
        if self.postgres:
            conn.execution_options(isolation_level=conn.default_isolation_level)

    def _rate_limit(
        self, conn: Connection, endpoint: Endpoint, incoming: Incoming, context: auth.RequestContext
    ) -> dict[str, str]:
        if self.config.test_mode:
            return {}  # no limiter is installed at all (README §10)
        enabled, calls, window = (context.settings[s] for s in RATE_LIMIT_SETTINGS)
        if not isinstance(calls, int) or not isinstance(window, int) or calls <= 0 or window <= 0:
            return {}
        if enabled is not True or context.granted.get(BYPASS_RATE_LIMIT):
            return {}
        limit = endpoint.rate_limit or calls
        conn.execution_options(**WRITE)
        with conn.begin():
            verdict = ratelimit.check(
                conn,
                client_ip=incoming.client_ip,
                method=endpoint.method,
                path=endpoint.full_path,
                limit=limit,
                window_ms=window,
            )
        conn.execution_options(sqlite_begin="")
        if not verdict.allowed:
            raise RateLimited(verdict.wait_seconds)
        return verdict.headers()

    def _validate(self, endpoint: Endpoint, data: Any) -> dict[str, Any]:
        if endpoint.meteor is not None:
            checked = meteor_check(dict(endpoint.meteor), data)
        elif endpoint.schema is not None:
            checked = validate(dict(endpoint.schema), data)
        else:
            checked = data
        return checked if isinstance(checked, dict) else {}


def not_found() -> Response:
    return envelope.failure(NotFound())


def method_table(endpoints: list[Endpoint]) -> Mapping[str, dict[str, Endpoint]]:
    by_path: dict[str, dict[str, Endpoint]] = {}
    for ep in endpoints:
        by_path.setdefault(ep.full_path, {})[ep.method] = ep
    return by_path
