"""The shared rate limiter (platform.md §5) and start-up behaviour (README §11)."""

from __future__ import annotations

import time

from sqlalchemy import Engine

from omnicontacts.bootstrap import prepare
from omnicontacts.settings_store import store as settings_store
from omnicontacts.users import store as users_store
from tests.conftest import make_config
from tests.support import Api


class TestRateLimiter:
    def test_default_limit_then_429_with_wait_and_headers(self, engine: Engine, database_url: str) -> None:
        with Api.start(engine, make_config(database_url, test_mode=False)) as api:
            for i in range(10):
                res = api.get("/api/info", as_=None, headers={"X-Real-IP": "10.9.9.9"})
                assert res.status_code == 200
                assert res.headers["x-ratelimit-limit"] == "10"
                assert res.headers["x-ratelimit-remaining"] == str(9 - i)
                assert int(res.headers["x-ratelimit-reset"]) > time.time() * 1000
            res = api.get("/api/info", as_=None, headers={"X-Real-IP": "10.9.9.9"})
            assert res.status_code == 429
            error = res.json()["error"]
            assert error.startswith("Error, too many requests. Please slow down. You must wait ")
            assert error.endswith(" seconds before trying this endpoint again. [error-too-many-requests]")
            seconds = int(error.split("wait ")[1].split(" ")[0])
            assert 0 < seconds <= 60
            # another client IP (first X-Forwarded-For entry) has its own window
            other = api.get("/api/info", as_=None, headers={"X-Forwarded-For": "10.1.1.1, 10.2.2.2"})
            assert other.status_code == 200

    def test_counters_are_shared_by_separate_app_instances(self, engine: Engine, database_url: str) -> None:
        config = make_config(database_url, test_mode=False)
        with Api.start(engine, config) as first, Api.start(engine, config) as second:
            for _ in range(5):
                assert first.get("/api/info", as_=None).status_code == 200
                assert second.get("/api/info", as_=None).status_code == 200
            assert first.get("/api/info", as_=None).status_code == 429

    def test_bypass_permission_and_disabled_setting_are_never_limited(
        self, engine: Engine, database_url: str
    ) -> None:
        with Api.start(engine, make_config(database_url, test_mode=False)) as api:
            admin = api.admin  # one login call
            for _ in range(12):
                assert api.get("me", as_=admin).status_code == 200
            api.set_setting("API_Enable_Rate_Limiter", False)
            for _ in range(12):
                assert api.get("/api/info", as_=None).status_code == 200

    def test_test_mode_installs_no_limiter(self, api: Api) -> None:
        for _ in range(15):
            res = api.get("/api/info", as_=None)
            assert res.status_code == 200
            assert "x-ratelimit-limit" not in res.headers

    def test_rate_limit_runs_after_auth_and_before_validation(
        self, engine: Engine, database_url: str
    ) -> None:
        with Api.start(engine, make_config(database_url, test_mode=False)) as api:
            plain = api.create_user()
            assert api.post("users.create", {}, as_=None).status_code == 401
            for _ in range(10):
                assert api.post("users.create", {}, as_=plain).status_code == 400
            assert api.post("users.create", {}, as_=plain).status_code == 429


class TestStartup:
    def test_overwrite_setting_forces_value_every_start(self, engine: Engine, database_url: str) -> None:
        config = make_config(
            database_url,
            overwrite_settings={"Livechat_accept_chats_with_no_agents": "TRUE", "API_Default_Count": "7abc"},
        )
        prepare(engine, config)
        with engine.connect() as conn:
            assert settings_store.get_value(conn, "Livechat_accept_chats_with_no_agents") is True
            assert settings_store.get_value(conn, "API_Default_Count") == 7

    def test_admin_pass_creates_admin_only_when_none_exists(self, engine: Engine, database_url: str) -> None:
        # the template has the TEST_MODE admin, so ADMIN_PASS is ignored
        assert prepare(engine, make_config(database_url, admin_pass="pw-1")) is None
        with engine.begin() as conn:
            users_store.delete_user(conn, "rocketchat.internal.admin.test")
        created = prepare(
            engine,
            make_config(
                database_url,
                test_mode=False,
                admin_pass="pw-2",
                admin_username="bad name!",
                admin_email="boss@example.com",
            ),
        )
        assert created is not None
        assert created["username"] == "admin"
        assert created["roles"] == ["admin"]
        assert created["emails"] == [{"address": "boss@example.com", "verified": False}]
        assert prepare(engine, make_config(database_url, test_mode=False, admin_pass="pw-3")) is None

    def test_test_admin_is_recreated_and_can_log_in(self, api: Api) -> None:
        me = api.get("me").json()
        assert me["_id"] == "rocketchat.internal.admin.test"
        assert me["name"] == "RocketChat Internal Admin Test"
        assert me["emails"] == [{"address": "rocketchat.internal.admin.test@rocket.chat", "verified": False}]

    def test_openapi_document_lists_every_route(self, api: Api) -> None:
        doc = api.get("openapi.json", as_=None).json()
        assert doc["openapi"].startswith("3.")
        assert "/api/v1/users.create" in doc["paths"]
        assert doc["paths"]["/api/v1/users.create"]["post"]["x-permissions"] == ["create-user"]
        assert api.get("docs", as_=None).status_code == 200
