"""livechat/users/{type} and livechat/agent.status (livechat.md §10)."""

from __future__ import annotations

from tests.livechat.helpers import FORBIDDEN, agent, invalid, plain, stored_user
from tests.support import Api

UNAUTHORIZED = {"success": False, "error": "unauthorized"}


class TestAddLivechatUser:
    def test_unauthenticated_forbidden_invalid(self, api: Api) -> None:
        assert api.post("livechat/users/agent", {"username": "x"}, as_=None).status_code == 401
        staff = agent(api, online=False)
        assert api.post("livechat/users/agent", {"username": "x"}, as_=staff).json() == FORBIDDEN
        assert api.post("livechat/users/agent", {}).json() == invalid(
            "must have required property 'username'"
        )

    def test_unknown_user_then_type(self, api: Api) -> None:
        assert api.post("livechat/users/agent", {"username": "ghost"}).json() == plain("error-invalid-user")
        user = api.create_user()
        assert api.post("livechat/users/boss", {"username": user.username}).json() == plain("Invalid type")

    def test_adds_roles_idempotently(self, api: Api) -> None:
        user = api.create_user()
        for _ in range(2):
            res = api.post("livechat/users/agent", {"username": user.username})
            assert res.json() == {"user": {"_id": user.user_id, "username": user.username}, "success": True}
        stored = stored_user(api, user.user_id)
        assert stored["roles"] == ["user", "livechat-agent"] and stored["statusLivechat"] == "available"
        api.post("livechat/users/manager", {"username": user.username})
        assert stored_user(api, user.user_id)["roles"] == ["user", "livechat-agent", "livechat-manager"]


class TestListLivechatUsers:
    def test_unauthenticated_and_unauthorized(self, api: Api) -> None:
        assert api.get("livechat/users/agent", as_=None).status_code == 401
        plain_user = api.create_user()
        for kind in ("agent", "manager"):
            res = api.get(f"livechat/users/{kind}", as_=plain_user)
            assert (res.status_code, res.json()) == (403, UNAUTHORIZED), kind
        staff = agent(api, online=False)  # edit-omnichannel-contact: may list agents, not managers
        assert api.get("livechat/users/agent", as_=staff).status_code == 200
        assert api.get("livechat/users/manager", as_=staff).json() == UNAUTHORIZED

    def test_invalid_and_type(self, api: Api) -> None:
        assert api.get("livechat/users/agent", {"x": "1"}).json() == invalid(
            "must NOT have additional properties"
        )
        assert api.get("livechat/users/boss").json() == plain("Invalid type")

    def test_filters_sort_and_page(self, api: Api) -> None:
        zed = agent(api, username="zed", online=False)
        amy = agent(api, username="amy")
        bob = agent(api, username="bob.smith", online=False)
        api.post("livechat/agent.status", {"status": "available", "agentId": zed.user_id})
        api.post("livechat/agent.status", {"status": "not-available", "agentId": bob.user_id})
        api.create_user(username="not.an.agent")
        body = api.get("livechat/users/agent").json()
        assert [u["username"] for u in body["users"]] == ["amy", "bob.smith", "zed"]  # by name
        assert (body["count"], body["offset"], body["total"]) == (3, 0, 3)
        first = body["users"][0]
        assert set(first) == {"_id", "username", "name", "status", "statusLivechat", "emails"}
        assert first["statusLivechat"] == "available" and first["status"] == "online"
        assert [u["_id"] for u in api.get("livechat/users/agent", {"text": "SMI"}).json()["users"]] == [
            bob.user_id
        ]
        available = api.get(
            "livechat/users/agent", {"onlyAvailable": "true", "excludeId": amy.user_id}
        ).json()
        assert [u["_id"] for u in available["users"]] == [zed.user_id] and available["total"] == 1
        page = api.get(
            "livechat/users/agent", {"sort": '{"username":-1}', "count": "1", "offset": "1"}
        ).json()
        assert [u["username"] for u in page["users"]] == ["bob.smith"] and page["total"] == 3
        assert api.get("livechat/users/manager").json()["total"] == 0


class TestGetLivechatUser:
    def test_unauthenticated_forbidden_not_found(self, api: Api) -> None:
        assert api.get("livechat/users/agent/x", as_=None).status_code == 401
        assert api.get("livechat/users/agent/x", as_=agent(api, online=False)).json() == FORBIDDEN
        assert api.get("livechat/users/agent/x").json() == plain("User not found")

    def test_role_or_null(self, api: Api) -> None:
        staff = agent(api)
        assert api.get(f"livechat/users/boss/{staff.user_id}").json() == plain("Invalid type")
        user = api.get(f"livechat/users/agent/{staff.user_id}").json()["user"]
        assert (user["_id"], user["statusLivechat"]) == (staff.user_id, "available")
        assert api.get(f"livechat/users/manager/{staff.user_id}").json() == {"user": None, "success": True}


class TestRemoveLivechatUser:
    def test_unauthenticated_forbidden_not_found(self, api: Api) -> None:
        assert api.delete("livechat/users/agent/x", as_=None).status_code == 401
        assert api.delete("livechat/users/agent/x", as_=agent(api, online=False)).json() == FORBIDDEN
        assert api.delete("livechat/users/agent/x").json() == {"success": False}

    def test_removes_the_role(self, api: Api) -> None:
        staff = agent(api)
        assert api.delete(f"livechat/users/boss/{staff.user_id}").json() == plain("Invalid type")
        assert api.delete(f"livechat/users/agent/{staff.user_id}").json() == {"success": True}
        assert stored_user(api, staff.user_id)["roles"] == ["user"]
        assert api.get(f"livechat/users/agent/{staff.user_id}").json()["user"] is None


class TestAgentStatus:
    PATH = "livechat/agent.status"

    def test_unauthenticated_forbidden_invalid(self, api: Api) -> None:
        assert api.post(self.PATH, {}, as_=None).status_code == 401
        assert api.post(self.PATH, {}, as_=api.create_user()).json() == FORBIDDEN
        assert api.post(self.PATH, {"status": "busy"}).json() == invalid(
            "must be equal to one of the allowed values"
        )

    def test_not_found_and_deactivated(self, api: Api) -> None:
        res = api.post(self.PATH, {})  # the admin is no agent
        assert (res.status_code, res.json()) == (404, plain("Agent not found"))
        res = api.post(self.PATH, {"agentId": "ghost"})
        assert (res.status_code, res.json()) == (404, plain("Agent not found"))
        body = {"username": "gone", "name": "Gone", "email": "gone@example.com", "password": "pw-123456"}
        created = api.post("users.create", {**body, "roles": ["livechat-agent"], "active": False}).json()
        res = api.post(self.PATH, {"agentId": created["user"]["_id"]})
        assert res.json() == plain("error-user-deactivated")

    def test_toggle_set_and_same(self, api: Api) -> None:
        staff = agent(api, online=False)
        assert api.post(self.PATH, {}, as_=staff).json() == {"status": "available", "success": True}
        assert api.post(self.PATH, {"status": None}, as_=staff).json() == {
            "status": "not-available",
            "success": True,
        }
        res = api.post(self.PATH, {"status": "not-available"}, as_=staff)
        assert res.json() == {"status": "not-available", "success": True}
        assert stored_user(api, staff.user_id)["statusLivechat"] == "not-available"

    def test_other_agent_needs_manage_livechat_agents(self, api: Api) -> None:
        staff = agent(api, online=False)
        other = agent(api, online=False)
        api.post(self.PATH, {"status": "available"}, as_=other)
        # the same status changes nothing, so no permission is needed
        assert api.post(self.PATH, {"agentId": other.user_id, "status": "available"}, as_=staff).json() == {
            "status": "available",
            "success": True,
        }
        res = api.post(self.PATH, {"agentId": other.user_id}, as_=staff)
        assert (res.status_code, res.json()) == (401, UNAUTHORIZED)
        res = api.post(self.PATH, {"agentId": other.user_id})  # the admin manages agents
        assert res.json() == {"status": "not-available", "success": True}
