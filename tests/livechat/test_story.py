"""One conversation end to end, the way the clients drive it: an agent goes online, a visitor
registers and chats in the widget, the agent closes with tags, the visitor comes back over the API.
Then the stored rooms, contacts, channels and lastChat are checked field by field (livechat.md
§1.2, §4.3, §5, §8.1)."""

from __future__ import annotations

from tests.livechat.helpers import (
    WIDGET,
    agent,
    register,
    room_messages,
    stored_contact,
    stored_inquiry,
    stored_room,
    stored_user,
    stored_visitor,
    visitor_message,
)
from tests.support import Api


def test_a_whole_conversation_and_a_second_one(api: Api) -> None:
    # the agent logs in, goes online and available
    staff = agent(api, username="maria")

    # the visitor registers and opens a widget room: it is routed to the only online agent
    visitor = register(api, "story-token", name="Ada", email=" Ada@Example.com ")
    assert visitor["username"] == "guest-2"
    res = api.get("livechat/room", {"token": "story-token"}, as_=None, cookies=WIDGET)
    assert res.json()["newRoom"] is True
    first = res.json()["room"]
    assert first["source"] == {"type": "widget", "destination": "testserver"}
    assert first["servedBy"]["_id"] == staff.user_id

    # both sides talk
    hello = visitor_message(api, "story-token", first["_id"], "Hi, my invoice is wrong")
    reply = api.post("chat.sendMessage", {"message": {"rid": first["_id"], "msg": "Let me check"}}, as_=staff)
    assert reply.status_code == 200, reply.text
    thanks = visitor_message(api, "story-token", first["_id"], "Thanks!")

    # the agent closes with tags
    body = {"rid": first["_id"], "comment": "Invoice fixed", "tags": ["billing", "vip"]}
    assert api.post("livechat/room.closeByUser", body, as_=staff).json() == {"success": True}

    # a closed room accepts no message and cannot be closed twice
    late = api.post("livechat/message", {"token": "story-token", "rid": first["_id"], "msg": "x"}, as_=None)
    assert late.json() == {"success": False, "error": "room-closed"}
    again = api.post("livechat/room.closeByUser", {**body, "comment": "again"}, as_=staff)
    assert again.json() == {"success": False, "error": "error-room-already-closed"}

    # the visitor comes back over the API: a new room, a new source type
    res = api.get("livechat/room", {"token": "story-token"}, as_=None)
    assert res.json()["newRoom"] is True
    second = res.json()["room"]
    assert second["source"] == {"type": "api"}
    assert second["servedBy"]["_id"] == staff.user_id

    # ---- the first room, as stored ----
    closed = stored_room(api, first["_id"])
    assert "open" not in closed
    assert closed["tags"] == ["billing", "vip"]
    assert (closed["closer"], closed["closedBy"]) == ("user", {"_id": staff.user_id, "username": "maria"})
    assert closed["v"] == {
        "_id": visitor["_id"],
        "username": "guest-2",
        "token": "story-token",
        "status": "offline",
        "lastMessageTs": thanks["ts"],
    }
    assert closed["fname"] == "Ada" and closed["contactId"] == first["contactId"]
    assert closed["servedBy"] == first["servedBy"] and closed["usersCount"] == 2
    assert closed["closedAt"] >= thanks["ts"] >= hello["ts"]
    assert isinstance(closed["metrics"]["chatDuration"], float) and closed["metrics"]["chatDuration"] >= 0
    assert 0 <= closed["metrics"]["serviceTimeDuration"] <= closed["metrics"]["chatDuration"]
    closing = closed["lastMessage"]
    assert (closing["t"], closing["msg"], closing["u"]) == (
        "livechat-close",
        "Invoice fixed",
        closed["closedBy"],
    )
    assert closed["closingMessage"] == closing and closed["lm"] == closing["ts"] == closed["closedAt"]
    # 2 join messages (command, uj) + 3 conversation messages + the closing message
    assert closed["msgs"] == 6
    assert [m.get("t") for m in room_messages(api, first["_id"])].count(None) == 3
    assert stored_inquiry(api, first["_id"]) is None
    assert api.get("subscriptions.getOne", {"roomId": first["_id"]}, as_=staff).json()["subscription"] is None

    # ---- contacts: one per source type, each with one channel and its lastChat ----
    assert second["contactId"] != first["contactId"]
    widget_contact = stored_contact(api, first["contactId"])
    api_contact = stored_contact(api, second["contactId"])
    first_chat = {"_id": first["_id"], "ts": first["ts"]}
    second_chat = {"_id": second["_id"], "ts": second["ts"]}
    for contact, source, last_chat in [
        (widget_contact, {"type": "widget", "destination": "testserver"}, first_chat),
        (api_contact, {"type": "api"}, second_chat),
    ]:
        assert contact["name"] == "Ada"
        assert contact["emails"] == [{"address": "ada@example.com"}]
        assert contact["unknown"] is True and contact["preRegistration"] is False
        assert contact["lastChat"] == last_chat
        assert contact["channels"] == [
            {
                "name": source["type"],
                "visitor": {"visitorId": visitor["_id"], "source": {"type": source["type"]}},
                "blocked": False,
                "verified": False,
                "details": source,
                "lastChat": last_chat,
            }
        ]
    assert stored_visitor(api, visitor["_id"])["lastChat"] == second_chat
    assert stored_user(api, staff.user_id)["livechatCount"] == 2

    # the transcript of the first conversation, as the contact center reads it
    transcript = api.get(f"livechat/{first['_id']}/messages", {"sort": '{"ts":1}'}).json()
    assert [m["msg"] for m in transcript["messages"]] == [
        "Hi, my invoice is wrong",
        "Let me check",
        "Thanks!",
        "Invoice fixed",
    ]
