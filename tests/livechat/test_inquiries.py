"""Inquiries and subscriptions (livechat.md §9, §11, §12.4)."""

from __future__ import annotations

from typing import Any

from tests.livechat.helpers import (
    FORBIDDEN,
    accept_without_agents,
    agent,
    coded,
    invalid,
    open_room,
    plain,
    register,
    stored_inquiry,
    stored_room,
)
from tests.support import Api

DETAILS = {"method": "livechat:takeInquiry"}


def queued_room(api: Api, token: str = "tok") -> dict[str, Any]:
    api.set_setting("Livechat_Routing_Method", "Manual_Selection")
    accept_without_agents(api)
    register(api, token, name="Ada")
    return open_room(api, token)


class TestGetInquiry:
    def test_unauthenticated_forbidden_invalid(self, api: Api) -> None:
        assert api.get("livechat/inquiries.getOne", {"roomId": "r"}, as_=None).status_code == 401
        assert (
            api.get("livechat/inquiries.getOne", {"roomId": "r"}, as_=api.create_user()).json() == FORBIDDEN
        )
        assert api.get("livechat/inquiries.getOne").json() == invalid("must have required property 'roomId'")

    def test_found_or_null(self, api: Api) -> None:
        assert api.get("livechat/inquiries.getOne", {"roomId": "r"}).json() == {
            "inquiry": None,
            "success": True,
        }
        room = queued_room(api)
        inquiry = api.get("livechat/inquiries.getOne", {"roomId": room["_id"]}).json()["inquiry"]
        assert (inquiry["rid"], inquiry["status"], inquiry["name"]) == (room["_id"], "queued", "Ada")


class TestTakeInquiry:
    PATH = "livechat/inquiries.take"

    def test_unauthenticated_forbidden_invalid(self, api: Api) -> None:
        assert api.post(self.PATH, {"inquiryId": "i"}, as_=None).status_code == 401
        assert api.post(self.PATH, {"inquiryId": "i"}, as_=api.create_user()).json() == FORBIDDEN
        assert api.post(self.PATH, {}).json() == invalid("must have required property 'inquiryId'")
        res = api.post(self.PATH, {"inquiryId": "i", "options": {"clientAction": "x"}})
        assert res.json() == invalid("must be boolean")

    def test_errors_in_order(self, api: Api) -> None:
        room = queued_room(api)
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None
        assert api.post(self.PATH, {"inquiryId": "i", "userId": "ghost"}).json() == plain(
            "The user is invalid"
        )
        assert api.post(self.PATH, {"inquiryId": "nope"}).json() == coded(
            "error-not-found", "Inquiry not found", DETAILS
        )
        res = api.post(self.PATH, {"inquiryId": inquiry["_id"]})  # the admin is no agent
        assert res.json() == coded(
            "error-agent-status-service-offline",
            "Agent status is offline or Omnichannel service is not active",
            DETAILS,
        )
        staff = agent(api)
        assert api.post(self.PATH, {"inquiryId": inquiry["_id"], "userId": staff.user_id}).json() == {
            "success": True
        }
        res = api.post(self.PATH, {"inquiryId": inquiry["_id"]}, as_=staff)
        assert res.json() == coded("error-inquiry-taken", "Inquiry already taken", DETAILS)

    def test_take_serves_the_room(self, api: Api) -> None:
        room = queued_room(api)
        staff = agent(api)
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None
        assert api.post(self.PATH, {"inquiryId": inquiry["_id"]}, as_=staff).json() == {"success": True}
        served = stored_room(api, room["_id"])
        assert served["servedBy"]["_id"] == staff.user_id and served["usersCount"] == 2
        taken = stored_inquiry(api, room["_id"])
        assert taken is not None and taken["status"] == "taken" and "takenAt" in taken
        assert "queuedAt" not in taken and "defaultAgent" not in taken
        sub = api.get("subscriptions.getOne", {"roomId": room["_id"]}, as_=staff).json()["subscription"]
        assert (sub["rid"], sub["name"], sub["fname"], sub["u"]["_id"]) == (
            room["_id"],
            "Ada",
            "Ada",
            staff.user_id,
        )

    def test_no_agents_setting_relaxes_presence(self, api: Api) -> None:
        room = queued_room(api)
        other = queued_room(api, "tok-2")
        offline = agent(api, online=False)
        api.post("livechat/agent.status", {"status": "available"}, as_=offline)  # available, still offline
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None
        assert api.post(self.PATH, {"inquiryId": inquiry["_id"]}, as_=offline).json() == {"success": True}
        api.set_setting("Livechat_accept_chats_with_no_agents", False)
        other_inquiry = stored_inquiry(api, other["_id"])
        assert other_inquiry is not None
        res = api.post(self.PATH, {"inquiryId": other_inquiry["_id"]}, as_=offline)
        assert res.json()["errorType"] == "error-agent-status-service-offline"


class TestListInquiries:
    PATH = "livechat/inquiries.list"

    def test_unauthenticated_forbidden_invalid(self, api: Api) -> None:
        assert api.get(self.PATH, as_=None).status_code == 401
        assert api.get(self.PATH, as_=agent(api, online=False)).json() == FORBIDDEN
        assert api.get(self.PATH, {"offset": "-1"}).json() == invalid("must be >= 0")

    def test_queued_first_and_paged(self, api: Api) -> None:
        first = queued_room(api, "a")
        staff = agent(api)
        inquiry = stored_inquiry(api, first["_id"])
        assert inquiry is not None
        api.post("livechat/inquiries.take", {"inquiryId": inquiry["_id"]}, as_=staff)
        second = queued_room(api, "b")
        body = api.get(self.PATH).json()
        assert [i["rid"] for i in body["inquiries"]] == [second["_id"], first["_id"]]
        assert (body["count"], body["offset"], body["total"]) == (2, 0, 2)
        page = api.get(self.PATH, {"sort": '{"ts":1}', "count": "1"}).json()
        assert [i["rid"] for i in page["inquiries"]] == [first["_id"]] and page["total"] == 2
        assert api.get(self.PATH, {"department": "none"}).json()["total"] == 0


class TestSubscriptionGetOne:
    def test_unauthenticated_invalid_and_null(self, api: Api) -> None:
        assert api.get("subscriptions.getOne", {"roomId": "r"}, as_=None).status_code == 401
        assert api.get("subscriptions.getOne").json() == invalid("must have required property 'roomId'")
        assert api.get("subscriptions.getOne", {"roomId": "r"}).json() == {
            "subscription": None,
            "success": True,
        }
