"""POST livechat/room.closeByUser and POST livechat/room.close (livechat.md §8)."""

from __future__ import annotations

from tests.livechat.helpers import (
    FORBIDDEN,
    accept_without_agents,
    agent,
    invalid,
    open_room,
    plain,
    register,
    stored_inquiry,
    stored_room,
    visitor_message,
)
from tests.support import Api

BY_USER = "livechat/room.closeByUser"
BY_VISITOR = "livechat/room.close"


class TestCloseByUser:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.post(BY_USER, {"rid": "x"}, as_=None).status_code == 401

    def test_forbidden(self, api: Api) -> None:
        res = api.post(BY_USER, {"rid": "x"}, as_=api.create_user())
        assert (res.status_code, res.json()) == (403, FORBIDDEN)

    def test_invalid(self, api: Api) -> None:
        cases = [
            ({}, "must have required property 'rid'"),
            ({"rid": "x", "tags": "a"}, "must be array"),
            ({"rid": "x", "transcriptEmail": {}}, "must have required property 'sendToVisitor'"),
            (
                {"rid": "x", "transcriptEmail": {"sendToVisitor": True, "requestData": {"email": "a"}}},
                "must have required property 'subject'",
            ),
            ({"rid": "x", "other": 1}, "must NOT have additional properties"),
        ]
        for body, message in cases:
            assert api.post(BY_USER, body).json() == invalid(message), body

    def test_not_found_and_refusals(self, api: Api) -> None:
        assert api.post(BY_USER, {"rid": "missing", "comment": "x"}).json() == plain("error-invalid-room")
        accept_without_agents(api)
        register(api, "tok")
        rid = open_room(api, "tok")["_id"]
        stranger = agent(api, online=False)  # close-livechat-room, not subscribed, no close-others
        assert api.post(BY_USER, {"rid": rid, "comment": "x"}, as_=stranger).json() == plain(
            "error-not-authorized"
        )
        assert api.post(BY_USER, {"rid": rid}).json() == plain("error-comment-is-required")
        assert api.post(BY_USER, {"rid": rid, "comment": "  "}).json() == plain("error-comment-is-required")
        api.set_setting("Livechat_request_comment_when_closing_conversation", False)
        assert api.post(BY_USER, {"rid": rid}).json() == {"success": True}
        res = api.post(BY_USER, {"rid": rid, "comment": "again"})
        assert (res.status_code, res.json()) == (400, plain("error-room-already-closed"))

    def test_already_closed_room_loses_leftover_subscriptions(self, api: Api) -> None:
        from omnicontacts.livechat import store as livechat_store

        staff = agent(api)
        register(api, "tok")
        room = open_room(api, "tok")
        api.post(BY_VISITOR, {"rid": room["_id"], "token": "tok"}, as_=None)
        with api.engine.begin() as conn:  # a subscription left behind (e.g. by an older server)
            livechat_store.insert_subscription(
                conn, {"_id": "left-over", "rid": room["_id"], "u": {"_id": staff.user_id, "username": "x"}}
            )
        res = api.post(BY_USER, {"rid": room["_id"], "comment": "x"}, as_=staff)
        assert (res.status_code, res.json()) == (400, plain("error-room-already-closed"))
        assert (
            api.get("subscriptions.getOne", {"roomId": room["_id"]}, as_=staff).json()["subscription"] is None
        )

    def test_serving_agent_closes_with_tags(self, api: Api) -> None:
        staff = agent(api)
        register(api, "tok")
        room = open_room(api, "tok")
        api.post(
            "livechat/custom.field", {"token": "tok", "key": "x", "value": "y", "overwrite": True}, as_=None
        )
        body = {"rid": room["_id"], "comment": "Solved", "tags": ["b", "a", "b"], "forceClose": True}
        assert api.post(BY_USER, body, as_=staff).json() == {"success": True}
        closed = stored_room(api, room["_id"])
        assert "open" not in closed and closed["tags"] == ["b", "a"]
        assert (closed["closer"], closed["closedBy"]) == (
            "user",
            {"_id": staff.user_id, "username": staff.username},
        )
        assert closed["v"]["status"] == "offline"
        assert set(closed["metrics"]) == {"chatDuration", "serviceTimeDuration"}
        last = closed["lastMessage"]
        assert (last["t"], last["msg"], last["u"]) == (
            "livechat-close",
            "Solved",
            {"_id": staff.user_id, "username": staff.username},
        )
        assert last["groupable"] is False and last["transcriptRequested"] is False and "token" not in last
        assert closed["closingMessage"] == last and closed["lm"] == closed["closedAt"] == last["ts"]
        assert closed["msgs"] == room["msgs"] + 1
        assert stored_inquiry(api, room["_id"]) is None
        assert (
            api.get("subscriptions.getOne", {"roomId": room["_id"]}, as_=staff).json()["subscription"] is None
        )
        assert api.get("livechat/inquiries.getOne", {"roomId": room["_id"]}).json() == {
            "inquiry": None,
            "success": True,
        }


class TestCloseByVisitor:
    def test_invalid(self, api: Api) -> None:
        assert api.post(BY_VISITOR, {"rid": "x"}, as_=None).json() == invalid(
            "must have required property 'token'"
        )

    def test_refusals_in_order(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        register(api, "other")
        rid = open_room(api, "tok")["_id"]
        api.set_setting("Omnichannel_allow_visitors_to_close_conversation", False)
        res = api.post(BY_VISITOR, {"rid": rid, "token": "tok"}, as_=None)
        assert res.json() == plain("error-not-allowed-to-close-conversation")
        api.set_setting("Omnichannel_allow_visitors_to_close_conversation", True)
        assert api.post(BY_VISITOR, {"rid": rid, "token": "nope"}, as_=None).json() == plain("invalid-token")
        assert api.post(BY_VISITOR, {"rid": rid, "token": "other"}, as_=None).json() == plain("invalid-room")

    def test_visitor_closes_once(self, api: Api) -> None:
        accept_without_agents(api)
        visitor = register(api, "tok")
        rid = open_room(api, "tok")["_id"]
        visitor_message(api, "tok", rid, "bye")
        res = api.post(BY_VISITOR, {"rid": rid, "token": "tok"}, as_=None)
        assert res.json() == {"rid": rid, "comment": "Closed by visitor", "success": True}
        closed = stored_room(api, rid)
        assert (closed["closer"], closed["closedBy"]) == (
            "visitor",
            {"_id": visitor["_id"], "username": visitor["username"]},
        )
        assert closed["lastMessage"]["msg"] == "Closed by visitor" and closed["lastMessage"]["token"] == "tok"
        assert closed["msgs"] == 2 and "serviceTimeDuration" not in closed["metrics"]
        assert api.post(BY_VISITOR, {"rid": rid, "token": "tok"}, as_=None).json() == plain("room-closed")
        assert api.post(BY_USER, {"rid": rid, "comment": "x"}).json() == plain("error-room-already-closed")
        res = api.post("livechat/message", {"token": "tok", "rid": rid, "msg": "late"}, as_=None)
        assert res.json() == plain("room-closed")
