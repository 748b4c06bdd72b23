"""What one route-table entry declares, and what a handler receives."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection
from starlette.datastructures import Headers

from omnicontacts.config import Config

Document = dict[str, Any]


@dataclass(frozen=True)
class Reply:
    """A handler result sent as is (no `success` appended), for the few Rocket.Chat routes whose
    body is not the usual envelope (e.g. logout)."""

    body: Mapping[str, Any]
    status: int = 200


@dataclass
class Call:
    """One request as a handler sees it: the open transaction, the caller, validated input."""

    conn: Connection
    config: Config
    params: dict[str, Any]
    path: dict[str, str]
    headers: Headers
    cookies: Mapping[str, str]
    client_ip: str
    user: Document | None = None
    token_hash: str | None = None
    _settings: dict[str, Any] = field(default_factory=dict)  # what the pipeline read already
    _granted: dict[str, bool] = field(default_factory=dict)  # the caller's, likewise
    _all_settings: bool = False

    def setting(self, setting_id: str) -> Any:
        """A setting's current value. The pipeline reads the common ones with the caller; on the
        first other one, all settings are read in one query. Both are kept for this request
        only, so a change applies to the next request in every process."""
        if setting_id not in self._settings and not self._all_settings:
            from omnicontacts.settings_store import store as settings_store

            self._settings.update(settings_store.all_values(self.conn))
            self._all_settings = True
        return self._settings.get(setting_id)

    def has_permission(self, permission: str, user: Document | None = None) -> bool:
        from omnicontacts.permissions import service as permissions

        target = self.user if user is None else user
        if target is None:
            return False
        if user is not None and user is not self.user:
            return permissions.user_has(self.conn, target, permission)
        if permission not in self._granted:
            self._granted[permission] = permissions.user_has(self.conn, target, permission)
        return self._granted[permission]

    @property
    def me(self) -> Document:
        assert self.user is not None, "authenticated route"
        return self.user


Handler = Callable[[Call], "Mapping[str, Any] | Reply"]


@dataclass(frozen=True)
class Endpoint:
    """One route as Rocket.Chat declares it: `{authRequired, permissionsRequired, validateParams}`."""

    method: str
    path: str  # relative to /api/v1, or absolute when it starts with /api/
    handler: Handler
    auth: bool = True
    permissions: tuple[str, ...] = ()
    schema: Mapping[str, Any] | None = None  # AJV-style JSON Schema of the query (GET) or body
    meteor: Mapping[str, Any] | None = None  # Meteor check() shape instead of `schema`
    rate_limit: int | None = None  # calls per window, when not the default
    summary: str = ""
    tag: str = "platform"
    writes: bool | None = None  # default: every method but GET writes
    # The handler reads with ONE statement, atomic and consistent by itself: it needs no
    # transaction of its own, and on PostgreSQL runs without one (no BEGIN / COMMIT round trips).
    single_statement: bool = False

    @property
    def is_write(self) -> bool:
        """Writing requests take SQLite's write lock up front (BEGIN IMMEDIATE), so concurrent
        writers wait for each other instead of failing on a lock upgrade."""
        return self.writes if self.writes is not None else self.method != "GET"

    @property
    def full_path(self) -> str:
        return self.path if self.path.startswith("/api/") else "/api/v1/" + self.path

    @property
    def reads_body(self) -> bool:
        return self.method in ("POST", "PUT")
