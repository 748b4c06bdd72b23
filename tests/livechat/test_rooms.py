"""GET livechat/room, POST livechat/room.ingest, room creation and routing (livechat.md §4, §5, §7)."""

from __future__ import annotations

import pytest

from omnicontacts.livechat import service
from tests.livechat.helpers import (
    FORBIDDEN,
    WIDGET,
    accept_without_agents,
    agent,
    block_channel,
    coded,
    counts,
    invalid,
    open_room,
    plain,
    register,
    room_messages,
    stored_contact,
    stored_inquiry,
    stored_room,
    stored_user,
    stored_visitor,
)
from tests.support import Api

PATH = "livechat/room"


class TestGetRoom:
    def test_meteor_check(self, api: Api) -> None:
        cases = [
            ({}, "Match error: Missing key 'token'"),
            ({"token": "t", "other": "x"}, "Match error: Unknown key in field other"),
            ({"token": ["a", "b"]}, "Match error: Expected string, got object in field token"),
        ]
        for params, message in cases:
            res = api.get(PATH, params, as_=None)
            assert (res.status_code, res.json()) == (400, plain(message)), params

    def test_unknown_token_and_room(self, api: Api) -> None:
        assert api.get(PATH, {"token": "nope"}, as_=None).json() == plain("invalid-token")
        accept_without_agents(api)
        register(api, "mine")
        register(api, "theirs")
        theirs = open_room(api, "theirs")
        res = api.get(PATH, {"token": "mine", "rid": theirs["_id"]}, as_=None)
        assert res.json() == plain("invalid-room")  # another visitor's room is not reachable
        assert api.get(PATH, {"token": "mine", "rid": "missing"}, as_=None).json() == plain("invalid-room")

    def test_new_api_room_fields(self, api: Api) -> None:
        accept_without_agents(api)
        visitor = register(api, "tok", name="Ada Visitor")
        res = api.get(PATH, {"token": "tok", "rid": ""}, as_=None)
        body = res.json()
        assert (body["newRoom"], body["success"]) == (True, True)
        room = body["room"]
        contact = stored_contact(api, room["contactId"])
        assert room == {
            "_id": room["_id"],
            "t": "l",
            "fname": "Ada Visitor",
            "ts": room["ts"],
            "lm": room["ts"],
            "msgs": 0,
            "usersCount": 1,
            "cl": False,
            "open": True,
            "waitingResponse": True,
            "v": {"_id": visitor["_id"], "username": visitor["username"], "token": "tok", "status": "online"},
            "source": {"type": "api"},
            "contactId": contact["_id"],
            "verified": False,
            "queuedAt": room["ts"],
            "priorityWeight": 99,
            "estimatedWaitingTimeQueue": 9999999,
            "_updatedAt": room["_updatedAt"],
        }
        assert len(room["_id"]) == 17
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None
        assert {k: v for k, v in inquiry.items() if k not in ("_id", "_updatedAt")} == {
            "rid": room["_id"],
            "name": "Ada Visitor",
            "ts": room["ts"],
            "message": "",
            "status": "ready",
            "v": room["v"],
            "t": "l",
            "source": {"type": "api"},
            "priorityWeight": 99,
            "estimatedWaitingTimeQueue": 9999999,
        }
        last_chat = {"_id": room["_id"], "ts": room["ts"]}
        assert stored_visitor(api, visitor["_id"])["lastChat"] == last_chat
        assert contact["lastChat"] == last_chat
        assert contact["channels"] == [
            {
                "name": "api",
                "visitor": {"visitorId": visitor["_id"], "source": {"type": "api"}},
                "blocked": False,
                "verified": False,
                "details": {"type": "api"},
                "lastChat": last_chat,
            }
        ]

    def test_source_needs_both_widget_cookies(self, api: Api) -> None:
        accept_without_agents(api)
        for token, cookies, source in [
            ("w", WIDGET, {"type": "widget", "destination": "testserver"}),
            ("one", {"rc_room_type": "l"}, {"type": "api"}),
            ("other", {"rc_room_type": "l", "rc_is_widget": "f"}, {"type": "api"}),
        ]:
            register(api, token)
            assert open_room(api, token, cookies)["source"] == source, cookies

    def test_existing_open_room_is_returned(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        room = open_room(api, "tok")
        again = api.get(PATH, {"token": "tok"}, as_=None, cookies=WIDGET).json()
        assert (again["room"]["_id"], again["newRoom"]) == (room["_id"], False)
        by_rid = api.get(PATH, {"token": "tok", "rid": room["_id"]}, as_=None).json()
        assert (by_rid["room"]["_id"], by_rid["newRoom"]) == (room["_id"], False)

    def test_after_close_a_new_room_opens(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        first = open_room(api, "tok")
        assert (
            api.post("livechat/room.close", {"rid": first["_id"], "token": "tok"}, as_=None).status_code
            == 200
        )
        assert api.get(PATH, {"token": "tok", "rid": first["_id"]}, as_=None).json() == plain("invalid-room")
        second = api.get(PATH, {"token": "tok"}, as_=None).json()
        assert second["newRoom"] is True and second["room"]["_id"] != first["_id"]
        assert second["room"]["contactId"] == first["contactId"]  # same source type: same contact

    def test_pre_registered_contact_names_the_room(self, api: Api) -> None:
        accept_without_agents(api)
        from omnicontacts.contacts import store as contacts_store
        from omnicontacts.ids import object_id

        contact_id = object_id()
        with api.engine.begin() as conn:
            contacts_store.insert_contact(
                conn,
                {
                    "_id": contact_id,
                    "name": "Contact Name",
                    "emails": [{"address": "v@example.com"}],
                    "channels": [],
                    "unknown": False,
                    "preRegistration": True,
                    "createdAt": "2024-01-01T00:00:00.000Z",
                },
            )
        register(api, "tok", name="Visitor Name", email="v@example.com")
        room = open_room(api, "tok")
        assert (room["contactId"], room["fname"]) == (contact_id, "Contact Name")
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["name"] == "Contact Name"


class TestRoomCreationFailures:
    def test_omnichannel_disabled(self, api: Api) -> None:
        accept_without_agents(api)
        api.set_setting("Livechat_enabled", False)
        register(api, "tok")
        before = counts(api)
        res = api.get(PATH, {"token": "tok"}, as_=None)
        assert (res.status_code, res.json()) == (400, coded("error-omnichannel-is-disabled"))
        assert counts(api) == before

    def test_no_agent_online_leaves_nothing(self, api: Api) -> None:
        agent(api, online=False)
        visitor = register(api, "tok")
        before = counts(api)
        res = api.get(PATH, {"token": "tok"}, as_=None)
        assert res.json() == coded("no-agent-online", "Sorry, no online agents")
        assert res.json()["error"] == "Sorry, no online agents [no-agent-online]"
        assert counts(api) == before
        assert "lastChat" not in stored_visitor(api, visitor["_id"])

    def test_blocked_channel_leaves_nothing(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        room = open_room(api, "tok")
        api.post("livechat/room.close", {"rid": room["_id"], "token": "tok"}, as_=None)
        block_channel(api, room["contactId"], "api")
        before = counts(api)
        res = api.get(PATH, {"token": "tok"}, as_=None)
        assert res.json() == plain("error-contact-channel-blocked")
        assert counts(api) == before
        # another source type is another association: not blocked
        assert open_room(api, "tok", WIDGET)["source"]["type"] == "widget"

    def test_failure_after_writes_rolls_everything_back(
        self, api: Api, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        staff = agent(api)
        visitor = register(api, "tok")
        before = counts(api)

        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("routing exploded")

        monkeypatch.setattr(service, "take", broken)
        res = api.get(PATH, {"token": "tok"}, as_=None)
        assert (res.status_code, res.json()) == (500, {"success": False, "error": "Internal server error"})
        assert counts(api) == before
        assert "lastChat" not in stored_visitor(api, visitor["_id"])
        assert stored_user(api, staff.user_id).get("livechatCount", 0) == 0


class TestRouting:
    def test_auto_selection_takes_the_least_busy_agent(self, api: Api) -> None:
        busy = agent(api, username="aaa-busy")
        idle = agent(api, username="zzz-idle")
        with api.engine.begin() as conn:
            from omnicontacts.users import store as users_store

            doc = users_store.get(conn, busy.user_id)
            assert doc is not None
            doc["livechatCount"] = 3
            users_store.users.replace(conn, doc)
        register(api, "tok", name="Ada")
        room = open_room(api, "tok")
        assert room["servedBy"]["_id"] == idle.user_id and room["servedBy"]["username"] == "zzz-idle"
        assert room["usersCount"] == 2 and room["msgs"] == 2
        assert stored_user(api, idle.user_id)["livechatCount"] == 1
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["status"] == "taken" and "takenAt" in inquiry
        kinds = [(m["t"], m["msg"], m["u"]["_id"]) for m in room_messages(api, room["_id"])]
        assert sorted(kinds) == sorted([("command", "connected", idle.user_id), ("uj", "", idle.user_id)])
        sub = api.get("subscriptions.getOne", {"roomId": room["_id"]}, as_=idle).json()["subscription"]
        assert {k: v for k, v in sub.items() if k not in ("_id", "ts", "_updatedAt")} == {
            "rid": room["_id"],
            "name": "Ada",
            "fname": "Ada",
            "t": "l",
            "u": {"_id": idle.user_id, "username": "zzz-idle"},
            "v": {k: room["v"][k] for k in ("_id", "username", "token", "status")},
            "alert": True,
            "open": True,
            "unread": 1,
            "userMentions": 1,
            "groupMentions": 0,
            "desktopNotifications": "all",
            "mobilePushNotifications": "all",
            "emailNotifications": "all",
        }

    def test_requested_agent_wins_and_is_recorded(self, api: Api) -> None:
        agent(api, username="aaa-first")
        wanted = agent(api, username="zzz-wanted")
        register(api, "tok")
        room = open_room(api, "tok", agentId=wanted.user_id)
        assert room["servedBy"]["_id"] == wanted.user_id
        assert stored_user(api, wanted.user_id).get("livechatCount", 0) == 0  # not counted

    def test_requested_agent_passes_the_no_agent_check(self, api: Api) -> None:
        offline = agent(api, online=False)
        register(api, "tok")
        room = open_room(api, "tok", agentId=offline.user_id)
        assert "servedBy" not in room
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["status"] == "ready"
        assert inquiry["defaultAgent"] == {"agentId": offline.user_id, "username": offline.username}

    def test_manual_selection_queues(self, api: Api) -> None:
        api.set_setting("Livechat_Routing_Method", "Manual_Selection")
        agent(api)
        register(api, "tok")
        room = open_room(api, "tok")
        assert "servedBy" not in room and room["usersCount"] == 1
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["status"] == "queued" and inquiry["queuedAt"] == room["ts"]

    def test_new_conversations_go_to_the_bot(self, api: Api) -> None:
        api.set_setting("Livechat_Routing_Method", "Manual_Selection")
        api.set_setting("Livechat_assign_new_conversation_to_bot", True)
        agent(api)  # online, but manual routing never picks it
        bot = api.create_user(["bot", "livechat-agent"], username="helper-bot")
        register(api, "tok")
        room = open_room(api, "tok")
        assert room["servedBy"]["_id"] == bot.user_id  # a requested bot makes the inquiry ready
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["status"] == "taken"

    def test_no_agent_leaves_the_inquiry_ready(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        room = open_room(api, "tok")
        assert "servedBy" not in room
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["status"] == "ready" and "queuedAt" not in inquiry


class TestIngestRoom:
    PATH = "livechat/room.ingest"

    def test_unauthenticated(self, api: Api) -> None:
        assert api.post(self.PATH, {"token": "t", "source": {"type": "sms"}}, as_=None).status_code == 401

    def test_forbidden(self, api: Api) -> None:
        staff = agent(api, online=False)
        res = api.post(self.PATH, {"token": "t", "source": {"type": "sms"}}, as_=staff)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)

    def test_invalid(self, api: Api) -> None:
        cases = [
            ({"token": "t"}, "must have required property 'source'"),
            ({"token": "t", "source": {}}, "must have required property 'type'"),
            ({"token": "t", "source": {"type": "fax"}}, "must be equal to one of the allowed values"),
            ({"token": "t", "source": {"type": "app", "x": "1"}}, "must NOT have additional properties"),
        ]
        for body, message in cases:
            assert api.post(self.PATH, body).json() == invalid(message), body

    def test_unknown_visitor(self, api: Api) -> None:
        assert api.post(self.PATH, {"token": "t", "source": {"type": "sms"}}).json() == plain("invalid-token")

    def test_documented_in_openapi(self, api: Api) -> None:
        operation = api.get("openapi.json").json()["paths"]["/api/v1/livechat/room.ingest"]["post"]
        assert operation["summary"].startswith("Integrations:")
        assert operation["x-permissions"] == ["view-livechat-manager"]
        source = operation["requestBody"]["content"]["application/json"]["schema"]["properties"]["source"]
        assert source["properties"]["type"]["enum"] == ["widget", "email", "sms", "app", "api", "other"]

    def test_any_source_type_creates_its_own_contact(self, api: Api) -> None:
        accept_without_agents(api)
        visitor = register(api, "tok", name="Ada")
        source = {"type": "app", "id": "wa-1", "alias": "WhatsApp", "label": "WhatsApp Business"}
        res = api.post(self.PATH, {"token": "tok", "source": source})
        body = res.json()
        assert (body["newRoom"], body["success"], body["room"]["source"]) == (True, True, source)
        again = api.post(self.PATH, {"token": "tok", "source": {"type": "email"}}).json()
        assert (again["newRoom"], again["room"]["_id"]) == (False, body["room"]["_id"])  # one open room
        contact = stored_contact(api, body["room"]["contactId"])
        assert contact["channels"][0]["name"] == "WhatsApp Business"
        assert contact["channels"][0]["visitor"] == {
            "visitorId": visitor["_id"],
            "source": {"type": "app", "id": "wa-1"},
        }
        assert stored_room(api, body["room"]["_id"])["source"] == source
