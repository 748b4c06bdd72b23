"""Visitor messages, agent replies, the visitor's history and the transcript (livechat.md §6, §12)."""

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

SEND = "chat.sendMessage"


class TestVisitorMessage:
    PATH = "livechat/message"

    def test_invalid(self, api: Api) -> None:
        cases = [
            ({"token": "t", "rid": "r"}, "must have required property 'msg'"),
            (
                {"token": "t", "rid": "r", "msg": "m", "agent": {"agentId": "a"}},
                "must have required property 'username'",
            ),
            ({"token": "t", "rid": "r", "msg": "m", "x": 1}, "must NOT have additional properties"),
        ]
        for body, message in cases:
            assert api.post(self.PATH, body, as_=None).json() == invalid(message), body

    def test_refusals(self, api: Api) -> None:
        accept_without_agents(api)
        assert api.post(self.PATH, {"token": "t", "rid": "r", "msg": "m"}, as_=None).json() == plain(
            "invalid-token"
        )
        register(api, "tok")
        register(api, "other")
        theirs = open_room(api, "other")["_id"]
        res = api.post(self.PATH, {"token": "tok", "rid": theirs, "msg": "m"}, as_=None)
        assert res.json() == plain("invalid-room")
        rid = open_room(api, "tok")["_id"]
        api.set_setting("Livechat_enable_message_character_limit", True)
        api.set_setting("Livechat_message_character_limit", 3)
        res = api.post(self.PATH, {"token": "tok", "rid": rid, "msg": "four"}, as_=None)
        assert res.json() == plain("message-length-exceeds-character-limit")
        assert api.post(self.PATH, {"token": "tok", "rid": rid, "msg": "abc"}, as_=None).status_code == 200

    def test_saves_and_updates_room_and_inquiry(self, api: Api) -> None:
        accept_without_agents(api)
        visitor = register(api, "tok", name="Ada")
        rid = open_room(api, "tok")["_id"]
        res = api.post(
            self.PATH, {"token": "tok", "rid": rid, "msg": "hello", "_id": "client-id-1"}, as_=None
        )
        message = res.json()["message"]
        assert {k: v for k, v in message.items() if k not in ("ts", "_updatedAt")} == {
            "_id": "client-id-1",
            "rid": rid,
            "msg": "hello",
            "token": "tok",
            "u": {"_id": visitor["_id"], "username": visitor["username"], "name": "Ada"},
            "alias": "Ada",
        }
        room = stored_room(api, rid)
        assert (room["msgs"], room["lm"], room["v"]["lastMessageTs"]) == (1, message["ts"], message["ts"])
        assert room["lastMessage"] == message
        inquiry = stored_inquiry(api, rid)
        assert inquiry is not None and inquiry["message"] == "hello"


class TestAgentMessage:
    def test_unauthenticated_and_invalid(self, api: Api) -> None:
        assert api.post(SEND, {"message": {"rid": "r", "msg": "m"}}, as_=None).status_code == 401
        assert api.post(SEND, {"message": {"rid": "r"}}).json() == invalid(
            "must have required property 'msg'"
        )

    def test_refusals(self, api: Api) -> None:
        assert (
            api.post(SEND, {"message": {"rid": "nope", "msg": "m"}}).json()["errorType"]
            == "error-invalid-room"
        )
        accept_without_agents(api)
        register(api, "tok")
        rid = open_room(api, "tok")["_id"]
        other = agent(api, online=False)
        res = api.post(SEND, {"message": {"rid": rid, "msg": "m"}}, as_=other)
        assert (res.status_code, res.json()["errorType"]) == (400, "error-not-allowed")
        api.post("livechat/room.close", {"rid": rid, "token": "tok"}, as_=None)
        assert api.post(SEND, {"message": {"rid": rid, "msg": "m"}}).json() == plain("room-closed")

    def test_serving_agent_replies(self, api: Api) -> None:
        staff = agent(api)
        register(api, "tok")
        room = open_room(api, "tok")
        res = api.post(SEND, {"message": {"rid": room["_id"], "msg": "How can I help?"}}, as_=staff)
        message = res.json()["message"]
        assert message["u"] == {
            "_id": staff.user_id,
            "username": staff.username,
            "name": staff.username.title(),
        }
        assert "token" not in message and "t" not in message
        stored = stored_room(api, room["_id"])
        assert (stored["msgs"], stored["lastMessage"], stored["lm"]) == (
            room["msgs"] + 1,
            message,
            message["ts"],
        )


class TestVisitorHistory:
    def test_only_the_own_room(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        register(api, "other")
        rid = open_room(api, "tok")["_id"]
        assert api.get(f"livechat/messages.history/{rid}", {}, as_=None).json() == invalid(
            "must have required property 'token'"
        )
        assert api.get(f"livechat/messages.history/{rid}", {"token": "other"}, as_=None).json() == plain(
            "invalid-token"
        )

    def test_newest_first_with_limit(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        rid = open_room(api, "tok")["_id"]
        sent = [visitor_message(api, "tok", rid, f"m{i}") for i in range(3)]
        body = api.get(f"livechat/messages.history/{rid}", {"token": "tok"}, as_=None).json()
        assert [m["msg"] for m in body["messages"]] == ["m2", "m1", "m0"] and body["success"] is True
        limited = api.get(f"livechat/messages.history/{rid}", {"token": "tok", "limit": "2"}, as_=None).json()
        assert [m["msg"] for m in limited["messages"]] == ["m2", "m1"]
        before = api.get(f"livechat/messages.history/{rid}", {"token": "tok", "end": sent[2]["ts"]}, as_=None)
        assert "m2" not in [m["msg"] for m in before.json()["messages"]]


class TestTranscript:
    def path(self, rid: str) -> str:
        return f"livechat/{rid}/messages"

    def test_unauthenticated_forbidden_invalid_not_found(self, api: Api) -> None:
        assert api.get(self.path("r"), as_=None).status_code == 401
        assert api.get(self.path("r"), as_=api.create_user()).json() == FORBIDDEN
        assert api.get(self.path("r"), {"limit": "1"}).json() == invalid(
            "must NOT have additional properties"
        )
        assert api.get(self.path("r"), {"sort": "1"}).json()["errorType"] == "error-invalid-sort"
        assert api.get(self.path("r")).json() == plain("error-invalid-room")

    def test_conversation_only_oldest_first_without_tokens(self, api: Api) -> None:
        staff = agent(api)
        register(api, "tok")
        rid = open_room(api, "tok")["_id"]  # routing adds `command` and `uj`: left out
        visitor_message(api, "tok", rid, "100% sure? a_b")
        api.post(SEND, {"message": {"rid": rid, "msg": "Yes"}}, as_=staff)
        visitor_message(api, "tok", rid, "ok then")
        api.post("livechat/room.closeByUser", {"rid": rid, "comment": "closing"}, as_=staff)
        body = api.get(self.path(rid), {"sort": '{"ts":1}'}).json()
        assert [m["msg"] for m in body["messages"]] == ["100% sure? a_b", "Yes", "ok then", "closing"]
        assert body["messages"][-1]["t"] == "livechat-close"
        assert (body["count"], body["offset"], body["total"]) == (4, 0, 4)
        assert "tok" not in str(body["messages"]) and all("token" not in m for m in body["messages"])
        page = api.get(self.path(rid), {"offset": "1", "count": "2"}).json()
        assert [m["msg"] for m in page["messages"]] == ["Yes", "ok then"] and page["total"] == 4
        for term, expected in [
            ("YES", ["Yes"]),
            ("%", ["100% sure? a_b"]),
            ("_", ["100% sure? a_b"]),
            (".*", []),
        ]:
            found = api.get(self.path(rid), {"searchTerm": term}).json()
            assert [m["msg"] for m in found["messages"]] == expected, term
            assert found["total"] == len(expected)
