"""Test helpers that speak HTTP to the app like a client (builders go through real endpoints)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine
from starlette.testclient import TestClient

from omnicontacts.app import create_app
from omnicontacts.config import Config

TEST_ADMIN = "rocketchat.internal.admin.test"
_names = itertools.count(1)


@dataclass(frozen=True)
class Creds:
    user_id: str
    token: str
    username: str

    def headers(self) -> dict[str, str]:
        return {"X-User-Id": self.user_id, "X-Auth-Token": self.token}


ADMIN = object()  # the default caller: the TEST_MODE admin


def url(path: str) -> str:
    return path if path.startswith("/") else "/api/v1/" + path


class Api:
    def __init__(self, client: TestClient, engine: Engine, config: Config) -> None:
        self.client = client
        self.engine = engine
        self.config = config
        self._admin: Creds | None = None

    @classmethod
    @contextmanager
    def start(cls, engine: Engine, config: Config) -> Iterator[Api]:
        app = create_app(config, engine)
        with TestClient(app, raise_server_exceptions=False) as client:
            yield cls(client, engine, config)

    # ---- callers ----------------------------------------------------------------------------
    @property
    def admin(self) -> Creds:
        if self._admin is None:
            self._admin = self.login(TEST_ADMIN, TEST_ADMIN)
        return self._admin

    def _headers(self, as_: Any, headers: dict[str, str] | None) -> dict[str, str]:
        out: dict[str, str] = {}
        if as_ is ADMIN:
            out.update(self.admin.headers())
        elif isinstance(as_, Creds):
            out.update(as_.headers())
        out.update(headers or {})
        return out

    def get(
        self,
        path: str,
        params: Any = None,
        *,
        as_: Any = ADMIN,
        headers: dict[str, str] | None = None,
        cookies: dict[str, str] | None = None,
    ) -> httpx.Response:
        if cookies:
            self.client.cookies.clear()
            for key, value in cookies.items():
                self.client.cookies.set(key, value)
        try:
            return self.client.get(url(path), params=params, headers=self._headers(as_, headers))
        finally:
            self.client.cookies.clear()

    def post(
        self,
        path: str,
        json: Any = None,
        *,
        as_: Any = ADMIN,
        headers: dict[str, str] | None = None,
        content: bytes | str | None = None,
    ) -> httpx.Response:
        if content is not None:
            return self.client.post(url(path), content=content, headers=self._headers(as_, headers))
        return self.client.post(url(path), json=json, headers=self._headers(as_, headers))

    def delete(self, path: str, *, as_: Any = ADMIN) -> httpx.Response:
        return self.client.delete(url(path), headers=self._headers(as_, None))

    # ---- builders ---------------------------------------------------------------------------
    def login(self, username: str, password: str) -> Creds:
        res = self.client.post(url("login"), json={"user": username, "password": password})
        assert res.status_code == 200, res.text
        data = res.json()["data"]
        return Creds(data["userId"], data["authToken"], username)

    def create_user(
        self,
        roles: list[str] | None = None,
        *,
        username: str | None = None,
        password: str = "secret-pass-1",
        **extra: Any,
    ) -> Creds:
        name = username or f"user{next(_names)}"
        body = {
            "username": name,
            "name": name.title(),
            "email": f"{name}@example.com",
            "password": password,
            "roles": roles or ["user"],
            **extra,
        }
        res = self.post("users.create", body)
        assert res.status_code == 200, res.text
        return self.login(name, password)

    def set_setting(self, setting_id: str, value: Any) -> None:
        res = self.post(f"settings/{setting_id}", {"value": value})
        assert res.status_code == 200, res.text


def error_of(res: httpx.Response) -> str:
    return str(res.json().get("error"))
