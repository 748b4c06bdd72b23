"""roles.list, permissions.listAll / .update, settings/{_id} (spec platform.md §3, §4)."""

from __future__ import annotations

from omnicontacts.permissions.catalogue import PERMISSIONS
from tests.support import Api, error_of


class TestRolesList:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.get("roles.list", as_=None).status_code == 401

    def test_lists_seeded_roles(self, api: Api) -> None:
        roles = {r["_id"]: r for r in api.get("roles.list", as_=api.create_user()).json()["roles"]}
        assert set(roles) >= {
            "admin",
            "user",
            "bot",
            "app",
            "livechat-agent",
            "livechat-manager",
            "livechat-monitor",
            "moderator",
            "leader",
            "owner",
            "guest",
            "anonymous",
        }
        assert roles["admin"] | {"_updatedAt": None} == {
            "_id": "admin",
            "name": "admin",
            "description": "Admin",
            "scope": "Users",
            "protected": True,
            "mandatory2fa": False,
            "_updatedAt": None,
        }
        assert roles["moderator"]["scope"] == "Subscriptions"


class TestPermissionsListAll:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.get("permissions.listAll", as_=None).status_code == 401

    def test_unknown_key_is_invalid(self, api: Api) -> None:
        assert error_of(api.get("permissions.listAll", {"x": "1"})) == (
            "must NOT have additional properties [invalid-params]"
        )

    def test_invalid_date(self, api: Api) -> None:
        res = api.get("permissions.listAll", {"updatedSince": "not a date"})
        assert res.json() == {
            "success": False,
            "error": 'The "updatedSince" query parameter must be a valid date. [error-roomId-param-invalid]',
            "errorType": "error-roomId-param-invalid",
        }

    def test_lists_full_catalogue_for_any_user(self, api: Api) -> None:
        body = api.get("permissions.listAll", as_=api.create_user()).json()
        assert body["remove"] == []
        listed = {p["_id"]: p["roles"] for p in body["update"]}
        assert set(listed) == set(PERMISSIONS)
        assert set(listed["delete-livechat-contact"]) == {"livechat-manager", "admin"}

    def test_updated_since_filters(self, api: Api) -> None:
        assert (
            api.get("permissions.listAll", {"updatedSince": "2999-01-01T00:00:00.000Z"}).json()["update"]
            == []
        )
        api.post(
            "permissions.update", {"permissions": [{"_id": "view-statistics", "roles": ["admin", "bot"]}]}
        )
        since = api.get("permissions.listAll", {"updatedSince": "2001-01-01T00:00:00Z"}).json()["update"]
        assert "view-statistics" in {p["_id"] for p in since}


class TestPermissionsUpdate:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.post("permissions.update", {"permissions": []}, as_=None).status_code == 401

    def test_forbidden(self, api: Api) -> None:
        assert api.post("permissions.update", {"permissions": []}, as_=api.create_user()).status_code == 403

    def test_validation_messages(self, api: Api) -> None:
        cases = [
            ({}, "must have required property 'permissions'"),
            ({"permissions": [{"_id": "x"}]}, "must have required property 'roles'"),
            ({"permissions": [{"_id": "x", "roles": [], "y": 1}]}, "must NOT have additional properties"),
            (
                {"permissions": [{"_id": "x", "roles": ["a", "a"]}]},
                "must NOT have duplicate items (items ## 1 and 0 are identical)",
            ),
        ]
        for body, message in cases:
            assert error_of(api.post("permissions.update", body)) == f"{message} [invalid-params]"

    def test_unknown_permission_then_unknown_role(self, api: Api) -> None:
        res = api.post("permissions.update", {"permissions": [{"_id": "nope", "roles": ["nope"]}]})
        assert res.json() == {
            "success": False,
            "error": "Invalid permission",
            "errorType": "error-invalid-permission",
        }
        res = api.post("permissions.update", {"permissions": [{"_id": "view-statistics", "roles": ["nope"]}]})
        assert res.json() == {"success": False, "error": "Invalid role", "errorType": "error-invalid-role"}

    def test_removed_permission_takes_effect_on_next_request(self, api: Api) -> None:
        agent = api.create_user(["user", "livechat-agent"])
        assert api.get("settings/API_Default_Count", as_=agent).status_code == 403
        res = api.post(
            "permissions.update",
            {"permissions": [{"_id": "view-privileged-setting", "roles": ["admin", "livechat-agent"]}]},
        )
        assert res.status_code == 200
        assert {"_id": "view-privileged-setting", "roles": ["admin", "livechat-agent"]}.items() <= next(
            p for p in res.json()["permissions"] if p["_id"] == "view-privileged-setting"
        ).items()
        assert api.get("settings/API_Default_Count", as_=agent).status_code == 200
        api.post("permissions.update", {"permissions": [{"_id": "view-privileged-setting", "roles": []}]})
        assert api.get("settings/API_Default_Count", as_=agent).status_code == 403
        assert api.get("settings/API_Default_Count").status_code == 403  # admin lost it too


class TestSettings:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.get("settings/API_Default_Count", as_=None).status_code == 401
        assert api.post("settings/API_Default_Count", {"value": 1}, as_=None).status_code == 401

    def test_forbidden(self, api: Api) -> None:
        plain = api.create_user()
        assert api.get("settings/API_Default_Count", as_=plain).status_code == 403
        assert api.post("settings/API_Default_Count", {"value": 1}, as_=plain).status_code == 403

    def test_unknown_or_missing_value_is_empty_400(self, api: Api) -> None:
        for res in (
            api.get("settings/Nope"),
            api.post("settings/Nope", {"value": 1}),
            api.post("settings/API_Default_Count", {}),
            api.post("settings/API_Allow_Infinite_Count", {"value": {"a": 1}}),
        ):
            assert res.status_code == 400
            assert res.json() == {"success": False}

    def test_seeded_defaults(self, api: Api) -> None:
        assert api.get("settings/API_Default_Count").json() == {
            "_id": "API_Default_Count",
            "value": 50,
            "success": True,
        }
        assert api.get("settings/Livechat_Routing_Method").json()["value"] == "Auto_Selection"

    def test_set_converts_strings_and_applies_next_request(self, api: Api) -> None:
        assert api.post("settings/API_Allow_Infinite_Count", {"value": "false"}).json() == {"success": True}
        assert api.get("settings/API_Allow_Infinite_Count").json()["value"] is False
        api.post("settings/API_Default_Count", {"value": "25"})
        assert api.get("settings/API_Default_Count").json()["value"] == 25
