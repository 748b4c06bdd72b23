"""users.create / users.info / users.delete / users.setStatus (spec platform.md §2)."""

from __future__ import annotations

from typing import Any

from tests.support import Api, error_of

FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}


def new_user(**over: Any) -> dict[str, Any]:
    body = {"email": "new@example.com", "name": "New User", "password": "pw-123456", "username": "new.user"}
    body.update(over)
    return body


class TestUsersCreate:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.post("users.create", new_user(), as_=None).status_code == 401

    def test_forbidden_without_create_user(self, api: Api) -> None:
        plain = api.create_user()
        res = api.post("users.create", new_user(), as_=plain)
        assert res.status_code == 403
        assert res.json() == FORBIDDEN

    def test_invalid_params_win_over_forbidden(self, api: Api) -> None:
        plain = api.create_user()
        res = api.post("users.create", {}, as_=plain)
        assert res.status_code == 400
        assert res.json() == {
            "success": False,
            "error": "must have required property 'email' [invalid-params]",
            "errorType": "invalid-params",
        }

    def test_each_validation_message(self, api: Api) -> None:
        cases = [
            ({"name": "x", "password": "x", "username": "x"}, "must have required property 'email'"),
            ({"email": "a@b.co", "password": "x", "username": "x"}, "must have required property 'name'"),
            (new_user(extra=1), "must NOT have additional properties"),
            (new_user(name=5, username=["a"]), "must be string"),
            (new_user(active="maybe"), "must be boolean"),
            (new_user(roles="admin"), "must be array"),
            (new_user(customFields="x"), "must be object"),
        ]
        for body, message in cases:
            res = api.post("users.create", body)
            assert res.status_code == 400, body
            assert error_of(res) == f"{message} [invalid-params]", body

    def test_business_errors_in_order_with_details(self, api: Api) -> None:
        api.create_user(username="taken")
        cases = [
            (
                new_user(roles=["nope"]),
                "error-action-not-allowed",
                "The field Roles consist invalid role id",
                {"method": "insertOrUpdateUser", "action": "Assign_role"},
            ),
            (
                new_user(name="  "),
                "error-the-field-is-required",
                "The field Name is required",
                {"method": "insertOrUpdateUser", "field": "Name"},
            ),
            (
                new_user(username=" "),
                "error-the-field-is-required",
                "The field Username is required",
                {"method": "insertOrUpdateUser", "field": "Username"},
            ),
            (
                new_user(username="bad<name>"),
                "error-input-is-not-a-valid-field",
                "bad&lt;name&gt; is not a valid username",
                {"method": "insertOrUpdateUser", "input": "bad&lt;name&gt;", "field": "Username"},
            ),
            (
                new_user(username="TAKEN"),
                "error-field-unavailable",
                "TAKEN is already in use :(",
                {"method": "insertOrUpdateUser", "field": "TAKEN"},
            ),
            (
                new_user(email="taken@example.com"),
                "error-field-unavailable",
                "taken@example.com is already in use :(",
                {"method": "insertOrUpdateUser", "field": "taken@example.com"},
            ),
        ]
        for body, code, reason, details in cases:
            res = api.post("users.create", body)
            assert res.status_code == 400, body
            assert res.json() == {
                "success": False,
                "error": f"{reason} [{code}]",
                "errorType": code,
                "details": details,
            }, body

    def test_creates_user_with_defaults(self, api: Api) -> None:
        res = api.post("users.create", new_user(email="New@Example.com", requirePasswordChange=True))
        assert res.status_code == 200
        user = res.json()["user"]
        assert user["username"] == "new.user"
        assert user["emails"] == [{"address": "new@example.com", "verified": False}]
        assert user["status"] == "offline"
        assert user["active"] is True
        assert user["roles"] == ["user"]
        assert user["type"] == "user"
        assert user["requirePasswordChange"] is True
        assert len(user["_id"]) == 17
        assert "services" not in user
        assert api.login("new.user", "pw-123456").user_id == user["_id"]


class TestUsersInfo:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.get("users.info", {"username": "x"}, as_=None).status_code == 401

    def test_invalid_without_user_or_id(self, api: Api) -> None:
        res = api.get("users.info")
        assert res.status_code == 400
        assert res.json()["errorType"] == "invalid-params"

    def test_not_found(self, api: Api) -> None:
        res = api.get("users.info", {"username": "ghost"})
        assert res.status_code == 400
        assert res.json() == {"success": False, "error": "User not found."}

    def test_emails_and_roles_only_for_self_or_privileged(self, api: Api) -> None:
        alice = api.create_user(username="alice")
        api.create_user(username="bob")
        other = api.get("users.info", {"username": "bob"}, as_=alice).json()["user"]
        assert other["username"] == "bob"
        assert "emails" not in other and "roles" not in other
        own = api.get("users.info", {"userId": alice.user_id}, as_=alice).json()["user"]
        assert own["emails"][0]["address"] == "alice@example.com"
        by_admin = api.get("users.info", {"username": "bob"}).json()["user"]
        assert by_admin["roles"] == ["user"]


class TestUsersDelete:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.post("users.delete", {"username": "x"}, as_=None).status_code == 401

    def test_forbidden(self, api: Api) -> None:
        plain = api.create_user()
        assert api.post("users.delete", {"username": "x"}, as_=plain).status_code == 403

    def test_invalid(self, api: Api) -> None:
        assert api.post("users.delete", {}).json()["errorType"] == "invalid-params"

    def test_not_found(self, api: Api) -> None:
        res = api.post("users.delete", {"username": "ghost"})
        assert res.json() == {
            "success": False,
            "error": "Invalid user [error-invalid-user]",
            "errorType": "error-invalid-user",
        }

    def test_deletes_user_and_tokens(self, api: Api) -> None:
        victim = api.create_user(username="victim")
        assert api.post("users.delete", {"userId": victim.user_id}).json() == {"success": True}
        assert api.get("me", as_=victim).status_code == 401
        assert api.get("users.info", {"username": "victim"}).status_code == 400


class TestUsersSetStatus:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.post("users.setStatus", {"status": "online"}, as_=None).status_code == 401

    def test_invalid_status(self, api: Api) -> None:
        res = api.post("users.setStatus", {"status": "sleeping"})
        assert error_of(res) == "must be equal to one of the allowed values [invalid-params]"

    def test_changing_another_user_needs_edit_other_user_info(self, api: Api) -> None:
        alice = api.create_user()
        bob = api.create_user(username="bobby")
        res = api.post("users.setStatus", {"status": "away", "username": "bobby"}, as_=alice)
        assert res.json() == {
            "success": False,
            "error": "Not allowed [error-not-allowed]",
            "errorType": "error-not-allowed",
        }
        assert api.post("users.setStatus", {"status": "busy", "userId": bob.user_id}).status_code == 200
        assert api.get("me", as_=bob).json()["status"] == "busy"

    def test_sets_status_default_and_text(self, api: Api) -> None:
        alice = api.create_user()
        assert api.post("users.setStatus", {"status": "online", "message": "Here"}, as_=alice).json() == {
            "success": True
        }
        me = api.get("me", as_=alice).json()
        assert (me["status"], me["statusDefault"], me["statusText"]) == ("online", "online", "Here")
