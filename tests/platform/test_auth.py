"""/api/info, login, logout, me, and the authentication rules of spec README §2."""

from __future__ import annotations

import base64
import hashlib

from sqlalchemy import select

from omnicontacts.db import tables
from tests.support import Api, error_of

UNAUTHENTICATED = {
    "success": False,
    "error": "You must be logged in to do this.",
    "status": "error",
    "message": "You must be logged in to do this.",
}
UNAUTHORIZED_LOGIN = {"success": False, "error": "Unauthorized", "status": "error", "message": "Unauthorized"}


class TestInfo:
    def test_info_needs_no_auth_and_reports_compatibility_version(self, api: Api) -> None:
        res = api.get("/api/info", as_=None)
        assert res.status_code == 200
        assert res.json() == {
            "version": "7.0",
            "minimumClientVersions": {"desktop": "3.9.6", "mobile": "4.39.0"},
            "success": True,
        }

    def test_json_responses_carry_exact_content_type_and_no_cache_headers(self, api: Api) -> None:
        for res in (api.get("/api/info", as_=None), api.get("me", as_=None)):
            assert res.headers["content-type"] == "application/json"
            assert res.headers["cache-control"] == "no-store"
            assert res.headers["pragma"] == "no-cache"

    def test_unknown_path_and_unsupported_method_are_resource_not_found(self, api: Api) -> None:
        for res in (api.get("no.such.endpoint"), api.delete("me"), api.get("/nothing/here", as_=None)):
            assert res.status_code == 404
            assert res.json() == {"success": False, "error": "Resource not found"}


class TestLogin:
    def test_wrong_password_unknown_user_and_missing_fields_give_the_same_401(self, api: Api) -> None:
        api.create_user(username="alice", password="right-pass")
        for body in (
            {"user": "alice", "password": "wrong"},
            {"user": "nobody", "password": "right-pass"},
            {"user": "alice"},
            {},
        ):
            res = api.post("login", body, as_=None)
            assert res.status_code == 401
            assert res.json() == UNAUTHORIZED_LOGIN

    def test_deactivated_user_cannot_log_in(self, api: Api) -> None:
        res = api.post(
            "users.create",
            {
                "username": "sleepy",
                "name": "S",
                "email": "s@example.com",
                "password": "pw-123456",
                "active": False,
            },
        )
        assert res.status_code == 200
        assert api.post("login", {"user": "sleepy", "password": "pw-123456"}, as_=None).status_code == 401

    def test_login_by_user_username_email_and_resume(self, api: Api) -> None:
        api.create_user(username="bob", password="bob-pass")
        forms = [
            {"user": "bob", "password": "bob-pass"},
            {"user": "BOB@example.com", "password": "bob-pass"},
            {"username": "Bob", "password": "bob-pass"},
            {"email": "bob@example.com", "password": "bob-pass", "code": "123456"},
        ]
        for body in forms:
            res = api.post("login", body, as_=None)
            assert res.status_code == 200, body
            payload = res.json()
            assert list(payload) == ["status", "data", "success"]
            assert payload["status"] == "success"
            assert len(payload["data"]["authToken"]) >= 43
            assert payload["data"]["me"]["username"] == "bob"
            assert "services" not in payload["data"]["me"]
        token = api.post("login", forms[0], as_=None).json()["data"]["authToken"]
        resumed = api.post("login", {"resume": token}, as_=None)
        assert resumed.status_code == 200
        assert resumed.json()["data"]["authToken"] != token

    def test_tokens_are_stored_only_as_base64_sha256(self, api: Api) -> None:
        creds = api.create_user(username="carol")
        expected = base64.b64encode(hashlib.sha256(creds.token.encode()).digest()).decode()
        with api.engine.connect() as conn:
            stored = (
                conn.execute(
                    select(tables.login_tokens.c.hashed_token).where(
                        tables.login_tokens.c.user_id == creds.user_id
                    )
                )
                .scalars()
                .all()
            )
            user_doc = conn.execute(
                select(tables.users.c.doc).where(tables.users.c.id == creds.user_id)
            ).scalar()
        assert expected in stored
        assert creds.token not in stored
        assert creds.token not in str(user_doc)
        password_hash = user_doc["services"]["password"]["bcrypt"]
        assert password_hash.startswith("$2") and "secret-pass-1" not in password_hash


class TestAuthentication:
    def test_missing_headers_unknown_user_or_foreign_token_give_401(self, api: Api) -> None:
        alice = api.create_user(username="alice2")
        bob = api.create_user(username="bob2")
        cases = [
            {},
            {"X-User-Id": alice.user_id},
            {"X-Auth-Token": alice.token},
            {"X-User-Id": "nobody", "X-Auth-Token": alice.token},
            {"X-User-Id": alice.user_id, "X-Auth-Token": bob.token},
        ]
        for headers in cases:
            res = api.get("me", as_=None, headers=headers)
            assert res.status_code == 401
            assert res.json() == UNAUTHENTICATED
            assert list(res.json()) == ["success", "error", "status", "message"]

    def test_header_names_are_case_insensitive(self, api: Api) -> None:
        alice = api.create_user(username="alice3")
        res = api.get("me", as_=None, headers={"x-user-id": alice.user_id, "X-AUTH-TOKEN": alice.token})
        assert res.status_code == 200

    def test_bad_parameters_without_auth_give_401_not_400(self, api: Api) -> None:
        res = api.post("users.create", {"bogus": 1}, as_=None)
        assert res.status_code == 401


class TestLogout:
    def test_logout_requires_auth(self, api: Api) -> None:
        assert api.post("logout", as_=None).status_code == 401

    def test_logout_revokes_only_the_token_used(self, api: Api) -> None:
        api.create_user(username="dave", password="dave-pass")
        first = api.login("dave", "dave-pass")
        second = api.login("dave", "dave-pass")
        res = api.post("logout", as_=first)
        assert res.status_code == 200
        assert res.json() == {"status": "success", "data": {"message": "You've been logged out!"}}
        assert api.get("me", as_=first).status_code == 401
        assert api.get("me", as_=second).status_code == 200

    def test_logout_also_accepts_get(self, api: Api) -> None:
        creds = api.create_user()
        assert api.get("logout", as_=creds).status_code == 200
        assert api.get("me", as_=creds).status_code == 401


class TestMe:
    def test_me_requires_auth(self, api: Api) -> None:
        assert api.get("me", as_=None).status_code == 401

    def test_me_returns_own_user_without_secrets(self, api: Api) -> None:
        creds = api.create_user(username="erin")
        res = api.get("me", as_=creds)
        assert res.status_code == 200
        body = res.json()
        for key in (
            "_id",
            "username",
            "name",
            "emails",
            "status",
            "statusDefault",
            "active",
            "roles",
            "utcOffset",
            "type",
            "_updatedAt",
            "email",
            "settings",
            "avatarUrl",
            "lastLogin",
        ):
            assert key in body, key
        assert body["_id"] == creds.user_id
        assert body["email"] == "erin@example.com"
        assert body["settings"] == {"preferences": {}}
        assert "services" not in body
        assert creds.token not in res.text
        assert list(body)[-1] == "success"

    def test_me_of_admin_shows_admin_role(self, api: Api) -> None:
        assert "admin" in api.get("me").json()["roles"]
        assert error_of(api.get("me", as_=None)) == "You must be logged in to do this."
