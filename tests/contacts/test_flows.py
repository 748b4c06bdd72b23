"""The contacts API driven together with the livechat endpoints, the way clients drive them:
visitors open rooms (contacts.md §1.2 renaming cascade, §3.8 deletion with rooms, §3.9 block
closing the open room; livechat.md §5 linking as seen through the contacts API)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.contacts.builders import WIDGET, create, get_contact, ok, open_room, plain, register
from tests.support import Api, Creds

BLOCKED = "This channel has been blocked"


@pytest.fixture(autouse=True)
def rooms_without_agents(api: Api) -> None:
    api.set_setting("Livechat_accept_chats_with_no_agents", True)


def online_agent(api: Api) -> Creds:
    agent = api.create_user(["user"])
    ok(api.post("livechat/users/agent", {"username": agent.username}))
    ok(api.post("users.setStatus", {"status": "online"}, as_=agent))
    return agent


def history(api: Api, contact_id: str) -> list[dict[str, Any]]:
    return list(ok(api.get("omnichannel/contacts.history", {"contactId": contact_id}))["history"])


def block_body(room: dict[str, Any]) -> dict[str, Any]:
    return {"visitor": {"visitorId": room["v"]["_id"], "source": {"type": room["source"]["type"]}}}


def test_block_closes_the_open_room_and_refuses_new_ones(api: Api) -> None:
    register(api, "T1", name="Visitor One")
    room = open_room(api, "T1")
    agent = api.create_user(["livechat-agent"])
    assert ok(api.post("omnichannel/contacts.block", block_body(room), as_=agent)) == {"success": True}

    res = api.get("livechat/room", {"token": "T1", "rid": room["_id"]}, as_=None)
    assert res.json() == plain("invalid-room")  # closed
    [row] = history(api, room["contactId"])
    assert row["_id"] == room["_id"]
    assert row["closer"] == "user"
    assert row["closedBy"]["_id"] == agent.user_id and row["closedBy"]["username"] == agent.username
    assert row["lastMessage"]["msg"] == BLOCKED
    assert get_contact(api, room["contactId"])["channels"][0]["blocked"] is True

    res = api.get("livechat/room", {"token": "T1"}, as_=None)
    assert (res.status_code, res.json()) == (400, plain("error-contact-channel-blocked"))
    # blocking twice: nothing changes
    assert api.post("omnichannel/contacts.block", block_body(room)).json() == plain("error-contact-not-found")

    ok(api.post("omnichannel/contacts.unblock", block_body(room)))
    again = open_room(api, "T1")
    assert again["_id"] != room["_id"] and again["contactId"] == room["contactId"]


def test_block_without_an_open_room(api: Api) -> None:
    register(api, "T2")
    room = open_room(api, "T2")
    ok(api.post("livechat/room.closeByUser", {"rid": room["_id"], "comment": "done"}))
    ok(api.post("omnichannel/contacts.block", block_body(room)))
    [row] = history(api, room["contactId"])
    assert row["lastMessage"]["msg"] == "done"  # the closed room is left alone


def test_block_closes_only_the_room_of_that_association(api: Api) -> None:
    register(api, "T3")
    api_room = open_room(api, "T3")
    ok(api.post("livechat/room.closeByUser", {"rid": api_room["_id"], "comment": "done"}))
    widget_room = open_room(api, "T3", cookies=WIDGET)
    assert widget_room["contactId"] != api_room["contactId"]  # a second source type, a second contact
    ok(api.post("omnichannel/contacts.block", block_body(api_room)))
    assert ok(api.get("livechat/room", {"token": "T3", "rid": widget_room["_id"]}, as_=None))["room"]["open"]


def test_renaming_cascade(api: Api) -> None:
    agent = online_agent(api)
    register(api, "T4", name="Visitor")
    closed = open_room(api, "T4")
    ok(api.post("livechat/room.closeByUser", {"rid": closed["_id"], "comment": "first"}))
    room = open_room(api, "T4")
    contact = room["contactId"]
    assert room["servedBy"]["_id"] == agent.user_id

    updated = ok(api.post("omnichannel/contacts.update", {"contactId": contact, "name": "Renamed"}))[
        "contact"
    ]
    assert updated["name"] == "Renamed"
    assert (
        ok(api.get("livechat/room", {"token": "T4", "rid": room["_id"]}, as_=None))["room"]["fname"]
        == "Renamed"
    )
    assert [row["fname"] for row in history(api, contact)] == ["Renamed"]  # closed rooms too
    subscription = ok(api.get("subscriptions.getOne", {"roomId": room["_id"]}, as_=agent))["subscription"]
    assert (subscription["name"], subscription["fname"]) == ("Renamed", "Renamed")
    inquiry = ok(api.get("livechat/inquiries.getOne", {"roomId": room["_id"]}))["inquiry"]
    assert inquiry["name"] == "Renamed"

    # contacts.conflicts renames the contact only
    ok(api.post("omnichannel/contacts.conflicts", {"contactId": contact, "name": "Conflict Name"}))
    assert get_contact(api, contact)["name"] == "Conflict Name"
    assert (
        ok(api.get("livechat/room", {"token": "T4", "rid": room["_id"]}, as_=None))["room"]["fname"]
        == "Renamed"
    )
    subscription = ok(api.get("subscriptions.getOne", {"roomId": room["_id"]}, as_=agent))["subscription"]
    assert subscription["fname"] == "Renamed"


def test_contacts_made_from_visitors(api: Api) -> None:
    register(api, "T5", name="Walk In")
    room = open_room(api, "T5")
    contact = get_contact(api, room["contactId"])
    assert (contact["unknown"], contact["preRegistration"], contact["name"]) == (True, False, "Walk In")
    assert contact["lastChat"]["_id"] == room["_id"]
    [listed] = ok(api.get("omnichannel/contacts.channels", {"contactId": contact["_id"]}))["channels"]
    assert listed["name"] == "api"
    assert listed["visitor"] == {"visitorId": room["v"]["_id"], "source": {"type": "api"}}
    assert listed["lastChat"]["_id"] == room["_id"]
    # unknown contacts are found with unknown=true only, until an update marks them known
    search = "omnichannel/contacts.search"
    assert [c["_id"] for c in ok(api.get(search, {"unknown": "true"}))["contacts"]] == [contact["_id"]]
    assert ok(api.get(search, {}))["total"] == 0
    ok(api.post("omnichannel/contacts.update", {"contactId": contact["_id"]}))
    assert [c["_id"] for c in ok(api.get(search, {}))["contacts"]] == [contact["_id"]]


def test_pre_registered_contact_takes_the_visitor(api: Api) -> None:
    older = create(api, "Contact Name", emails=["pre@x.io"])
    create(api, "Younger Twin", emails=["pre@x.io"])
    register(api, "T6", name="Visitor Name", email="pre@x.io")
    room = open_room(api, "T6")
    assert (room["contactId"], room["fname"]) == (older, "Contact Name")
    contact = get_contact(api, older)
    assert contact["preRegistration"] is False
    assert contact["conflictingFields"] == [{"field": "name", "value": "Visitor Name"}]
    assert [c["visitor"]["visitorId"] for c in contact["channels"]] == [room["v"]["_id"]]


def test_deleting_a_contact_with_rooms(api: Api) -> None:
    register(api, "T7")
    room = open_room(api, "T7")
    ok(
        api.post("omnichannel/contacts.delete", {"contactId": room["contactId"]})
    )  # open rooms do not prevent it
    kept = ok(api.get("livechat/room", {"token": "T7", "rid": room["_id"]}, as_=None))["room"]
    assert kept["contactId"] == room["contactId"]
    ok(api.post("livechat/room.closeByUser", {"rid": room["_id"], "comment": "bye"}))
    # the channels are gone: the next room makes a new contact
    assert open_room(api, "T7")["contactId"] != room["contactId"]
