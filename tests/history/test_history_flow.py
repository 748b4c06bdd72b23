"""contacts.history driven the way a client drives it: visitors open rooms over the livechat API,
agents close them, contacts get renamed and deleted (contacts-history.md §12 worked example)."""

from __future__ import annotations

from typing import Any

from tests.livechat.helpers import open_room, register
from tests.support import Api

PATH = "omnichannel/contacts.history"
WIDGET = {"rc_room_type": "l", "rc_is_widget": "t"}


def close(api: Api, rid: str, **extra: Any) -> None:
    res = api.post("livechat/room.closeByUser", {"rid": rid, "comment": "solved", **extra})
    assert res.json() == {"success": True}, res.text


def test_worked_example_of_the_spec(api: Api) -> None:
    api.set_setting("Livechat_accept_chats_with_no_agents", True)
    token = "visitor-one-token"  # not "T1": ISO timestamps between 10:00 and 19:59 contain that
    register(api, token, name="Visitor One")
    r1 = open_room(api, token)
    contact = r1["contactId"]
    close(api, r1["_id"])
    r2 = open_room(api, token, cookies=WIDGET)
    assert r2["contactId"] != contact  # a new source type creates a new contact

    body = api.get(PATH, {"contactId": contact}).json()
    assert (body["total"], body["count"]) == (1, 1)
    row = body["history"][0]
    assert row["_id"] == r1["_id"]
    assert row["closer"] == "user" and row["source"]["type"] == "api"
    assert "closedAt" in row and row["closedBy"]["username"] == "rocketchat.internal.admin.test"
    assert "token" not in row["v"]
    assert token not in api.get(PATH, {"contactId": contact}).text
    assert api.get(PATH, {"contactId": contact, "source": "api"}).json()["total"] == 1
    widget_only = api.get(PATH, {"contactId": contact, "source": "widget"}).json()
    assert (widget_only["history"], widget_only["total"]) == ([], 0)
    # the widget room is open: not in its own contact's history yet, then included once closed
    assert api.get(PATH, {"contactId": r2["contactId"]}).json()["total"] == 0
    close(api, r2["_id"])
    assert [r["_id"] for r in api.get(PATH, {"contactId": r2["contactId"]}).json()["history"]] == [r2["_id"]]

    fresh = api.post("omnichannel/contacts", {"name": "Never Chatted", "emails": [], "phones": []}).json()
    assert api.get(PATH, {"contactId": fresh["contactId"]}).json()["total"] == 0

    assert api.post("omnichannel/contacts.delete", {"contactId": contact}).json() == {"success": True}
    res = api.get(PATH, {"contactId": contact})
    assert (res.status_code, res.json()) == (400, {"success": False, "error": "error-contact-not-found"})


def test_renaming_a_contact_renames_every_history_row(api: Api) -> None:
    api.set_setting("Livechat_accept_chats_with_no_agents", True)
    register(api, "T2", name="Old Name")
    rids = []
    for _ in range(3):
        r = open_room(api, "T2")
        rids.append(r["_id"])
        close(api, r["_id"])
    contact = r["contactId"]
    assert {row["fname"] for row in api.get(PATH, {"contactId": contact}).json()["history"]} == {"Old Name"}
    res = api.post("omnichannel/contacts.update", {"contactId": contact, "name": "New Name"})
    assert res.status_code == 200, res.text
    rows = api.get(PATH, {"contactId": contact}).json()["history"]
    assert sorted(r["_id"] for r in rows) == sorted(rids)
    assert {row["fname"] for row in rows} == {"New Name"}


def test_rooms_deleted_with_their_visitor_leave_history(api: Api) -> None:
    api.set_setting("Livechat_accept_chats_with_no_agents", True)
    register(api, "T3", name="Gone Soon")
    r = open_room(api, "T3")
    close(api, r["_id"])
    assert api.get(PATH, {"contactId": r["contactId"]}).json()["total"] == 1
    assert api.delete("livechat/visitor/T3", as_=None).status_code == 200
    body = api.get(PATH, {"contactId": r["contactId"]}).json()
    assert (body["history"], body["total"]) == ([], 0)


def test_closing_with_tags_and_messages_shows_in_the_row(api: Api) -> None:
    api.set_setting("Livechat_accept_chats_with_no_agents", True)
    register(api, "T4", name="Chatty")
    r = open_room(api, "T4")
    for text in ("hello", "I need help"):
        assert (
            api.post("livechat/message", {"token": "T4", "rid": r["_id"], "msg": text}, as_=None).status_code
            == 200
        )
    close(api, r["_id"], tags=["billing", "vip"])
    row = api.get(PATH, {"contactId": r["contactId"]}).json()["history"][0]
    assert row["tags"] == ["billing", "vip"]
    assert row["lastMessage"]["t"] == "livechat-close"
    assert row["lastMessage"]["msg"] == "solved"
    assert row["msgs"] >= 3
    assert "token" not in row["lastMessage"]
