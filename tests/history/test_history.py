"""GET omnichannel/contacts.history (contacts-history.md), one class per concern in the fixed
order: unauthenticated / forbidden / invalid / not found / valid."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select

from omnicontacts.db import tables
from tests.history.builders import add_contact, add_department, add_rooms, room
from tests.support import Api

PATH = "omnichannel/contacts.history"
FORBIDDEN = {
    "success": False,
    "error": "User does not have the permissions required for this action [error-unauthorized]",
}
NOT_FOUND = {"success": False, "error": "error-contact-not-found"}


def invalid(message: str) -> dict[str, Any]:
    return {"success": False, "error": f"{message} [invalid-params]", "errorType": "invalid-params"}


def invalid_sort(raw: str) -> dict[str, Any]:
    return {
        "success": False,
        "error": f'Invalid sort parameter provided: "{raw}" [error-invalid-sort]',
        "errorType": "error-invalid-sort",
        "details": {"helperMethod": "parseJsonQuery"},
    }


def day(n: int) -> str:
    return f"2024-03-{n:02d}T10:00:00.000Z"


def history(api: Api, params: Any, **kw: Any) -> httpx.Response:
    return api.get(PATH, params, **kw)


def ids(res: httpx.Response) -> list[str]:
    assert res.status_code == 200, res.text
    return [row["_id"] for row in res.json()["history"]]


class TestUnauthenticated:
    def test_no_headers_gives_401_even_with_bad_query(self, api: Api) -> None:
        for params in ({"contactId": "x"}, {"bogus": "1"}, {"count": "-1"}):
            res = history(api, params, as_=None)
            assert res.status_code == 401
            assert res.json()["error"] == "You must be logged in to do this."


class TestForbidden:
    def test_user_without_permission_gets_403(self, api: Api) -> None:
        res = history(api, {"contactId": "x"}, as_=api.create_user(["user"]))
        assert res.status_code == 403
        assert res.json() == FORBIDDEN

    def test_bad_query_from_user_without_permission_is_invalid_params_not_403(self, api: Api) -> None:
        res = history(api, {"fields": "x", "contactId": "x"}, as_=api.create_user(["user"]))
        assert res.status_code == 400
        assert res.json() == invalid("must NOT have additional properties")

    def test_every_default_role_holding_the_permission_may_read(self, api: Api) -> None:
        contact = add_contact(api.engine)
        for role in ("livechat-agent", "livechat-manager", "livechat-monitor"):
            assert history(api, {"contactId": contact}, as_=api.create_user([role])).status_code == 200

    def test_removing_the_permission_applies_on_next_request(self, api: Api) -> None:
        agent = api.create_user(["livechat-agent"])
        contact = add_contact(api.engine)
        assert history(api, {"contactId": contact}, as_=agent).status_code == 200
        api.post(
            "permissions.update",
            {"permissions": [{"_id": "view-livechat-contact-history", "roles": ["admin"]}]},
        )
        assert history(api, {"contactId": contact}, as_=agent).status_code == 403


class TestInvalidParams:
    def test_each_schema_message(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'contactId'"),
            ({"fields": "x"}, "must have required property 'contactId'"),
            ({"contactId": "c", "fields": "{}"}, "must NOT have additional properties"),
            ({"contactId": "c", "query": "{}"}, "must NOT have additional properties"),
            ({"contactId": "c", "count": "abc"}, "must be number"),
            ({"contactId": "c", "offset": ""}, "must be number"),
            ({"contactId": "c", "count": "10abc"}, "must be number"),
            ({"contactId": "c", "count": "-1"}, "must be >= 0"),
            ({"contactId": "c", "offset": "-5"}, "must be >= 0"),
            ([("contactId", "a"), ("contactId", "b")], "must be string"),
            ([("contactId", "c"), ("sort[closedAt]", "-1")], "must be string"),
            ([("contactId", "c"), ("source", "a"), ("source", "b")], "must be string"),
        ]
        for params, message in cases:
            res = history(api, params)
            assert res.status_code == 400, params
            assert res.json() == invalid(message), params

    def test_properties_are_checked_in_table_order(self, api: Api) -> None:
        res = history(api, {"contactId": "c", "offset": "-1", "count": "x"})
        assert res.json() == invalid("must be number")  # count comes before offset

    def test_each_sort_error(self, api: Api) -> None:
        contact = add_contact(api.engine)
        for raw in (
            "1",
            "[]",
            "null",
            '{"ts":"1"}',
            '{"ts":0}',
            '{"ts":2}',
            '"asc"',
            "{bad json",
            "true",
            '{"a..b":1}',
            '{".a":1}',
            '{"":1}',
            '{"ts":1,"x":-2}',
        ):
            res = history(api, {"contactId": contact, "sort": raw})
            assert res.status_code == 400, raw
            assert res.json() == invalid_sort(raw), raw

    def test_sort_error_wins_over_unknown_contact(self, api: Api) -> None:
        assert history(api, {"contactId": "nope", "sort": "1"}).json() == invalid_sort("1")


class TestContactNotFound:
    def test_unknown_or_empty_contact_id_is_400_not_404(self, api: Api) -> None:
        for contact_id in ("invalid", ""):
            res = history(api, {"contactId": contact_id})
            assert res.status_code == 400
            assert res.json() == NOT_FOUND

    def test_disabled_contact_is_not_found(self, api: Api) -> None:
        contact = add_contact(api.engine, enabled=False)
        add_rooms(api.engine, [room(contact, day(1))])
        assert history(api, {"contactId": contact}).json() == NOT_FOUND


class TestHistory:
    def test_contact_without_rooms_is_empty(self, api: Api) -> None:
        contact = add_contact(api.engine)
        res = history(api, {"contactId": contact})
        assert res.json() == {"history": [], "count": 0, "offset": 0, "total": 0, "success": True}
        assert list(res.json()) == ["history", "count", "offset", "total", "success"]

    def test_default_order_is_closed_at_desc_then_id_asc_and_open_rooms_excluded(self, api: Api) -> None:
        contact = add_contact(api.engine)
        other = add_contact(api.engine)
        rooms = [
            room(contact, day(3), _id="b"),
            room(contact, day(3), _id="a"),
            room(contact, day(5), _id="z"),
            room(contact, day(1), _id="c"),
            room(contact, None, _id="open1"),
            room(other, day(9), _id="other"),
        ]
        add_rooms(api.engine, rooms)
        res = history(api, {"contactId": contact})
        assert ids(res) == ["z", "a", "b", "c"]
        assert res.json()["total"] == 4
        assert res.json()["count"] == 4

    def test_row_projection_removes_tokens_and_internal_fields(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_department(api.engine, "dep1", "Sales")
        closing = {"_id": "m1", "msg": "done", "t": "livechat-close", "token": "SECRET-TOKEN"}
        add_rooms(
            api.engine,
            [
                room(
                    contact,
                    day(2),
                    _id="r1",
                    departmentId="dep1",
                    closingMessage=closing,
                    tags=["vip"],
                    servedBy={"_id": "agent-1", "username": "agent", "ts": day(1)},
                    livechatData={"order": "42"},
                    source={"type": "app", "id": "wa", "alias": "WhatsApp", "label": "WA"},
                ),
                room(contact, day(1), _id="r2", departmentId="gone"),
            ],
        )
        res = history(api, {"contactId": contact})
        assert "SECRET-TOKEN" not in res.text
        first, second = res.json()["history"]
        assert first["department"] == {"_id": "dep1", "name": "Sales"}
        assert first["v"] == {"_id": "visitor-1", "username": "guest-2", "status": "offline"}
        assert first["closingMessage"] == {"_id": "m1", "msg": "done", "t": "livechat-close"}
        assert "token" not in first["lastMessage"]
        assert first["source"] == {"type": "app", "id": "wa", "alias": "WhatsApp", "label": "WA"}
        assert first["tags"] == ["vip"]
        assert first["livechatData"] == {"order": "42"}
        for key in ("metrics", "contactId", "queuedAt", "t", "usersCount", "cl"):
            assert key not in first
        assert "department" not in second  # its department no longer exists
        assert second["departmentId"] == "gone"
        assert set(first) <= {
            "_id",
            "fname",
            "ts",
            "v",
            "msgs",
            "servedBy",
            "closedAt",
            "closedBy",
            "closer",
            "tags",
            "source",
            "lastMessage",
            "verified",
            "closingMessage",
            "departmentId",
            "priorityWeight",
            "lm",
            "open",
            "onHold",
            "sessionId",
            "livechatData",
            "department",
        }

    def test_paging_edges(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(
            api.engine, [room(contact, f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}.000Z") for i in range(120)]
        )
        default = history(api, {"contactId": contact}).json()
        assert (default["count"], default["offset"], default["total"]) == (50, 0, 120)
        capped = history(api, {"contactId": contact, "count": "500"}).json()
        assert capped["count"] == 100
        everything = history(api, {"contactId": contact, "count": "0"}).json()
        assert everything["count"] == 120
        past = history(api, {"contactId": contact, "offset": "500"}).json()
        assert (past["history"], past["count"], past["offset"], past["total"]) == ([], 0, 500, 120)
        truncated = history(api, {"contactId": contact, "count": "2.7", "offset": "1.9"}).json()
        assert (truncated["count"], truncated["offset"]) == (2, 1)
        assert [r["_id"] for r in truncated["history"]] == [r["_id"] for r in everything["history"][1:3]]
        hexed = history(api, {"contactId": contact, "count": "0x10", "offset": " 3 "}).json()
        assert (hexed["count"], hexed["offset"]) == (16, 3)
        last = history(api, {"contactId": contact, "offset": "110", "count": "25"}).json()
        assert last["count"] == 10

    def test_pagination_settings(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(api.engine, [room(contact, day(1 + i % 20)) for i in range(30)])
        api.set_setting("API_Allow_Infinite_Count", False)
        api.set_setting("API_Default_Count", 7)
        assert history(api, {"contactId": contact, "count": "0"}).json()["count"] == 7
        assert history(api, {"contactId": contact}).json()["count"] == 7
        api.set_setting("API_Upper_Count_Limit", 5)
        assert history(api, {"contactId": contact, "count": "20"}).json()["count"] == 5
        api.set_setting("API_Upper_Count_Limit", 0)  # <= 0 means 100
        api.set_setting("API_Default_Count", -3)  # <= 0 means 50
        assert history(api, {"contactId": contact}).json()["count"] == 30

    def test_source_filter_is_case_insensitive_literal_substring_of_type_or_alias(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(
            api.engine,
            [
                room(contact, day(1), _id="api", source={"type": "api"}),
                room(contact, day(2), _id="widget", source={"type": "widget", "destination": "example.com"}),
                room(contact, day(3), _id="email", source={"type": "email", "id": "mailbox"}),
                room(
                    contact,
                    day(4),
                    _id="wa",
                    source={"type": "app", "id": "sms-bridge", "alias": "WhatsApp", "label": "a.b"},
                ),
                room(contact, day(5), _id="odd", source={"type": "other", "alias": "50%_off (x.y)"}),
            ],
        )
        expect = {
            "api": ["api"],
            "API": ["api"],
            "a": ["wa", "email", "api"],
            "whats": ["wa"],
            "WHATSAPP": ["wa"],
            "sms": [],  # source.id is never compared
            "b": [],  # source.label is never compared
            "%": ["odd"],
            "_": ["odd"],
            "x.y": ["odd"],
            ".": ["odd"],
            "(": ["odd"],
            "": ["odd", "wa", "email", "widget", "api"],
        }
        for term, expected in expect.items():
            res = history(api, {"contactId": contact, "source": term})
            assert ids(res) == expected, term
            assert res.json()["total"] == len(expected), term

    def test_caller_sort_replaces_default_and_ties_break_by_id(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(
            api.engine,
            [
                room(contact, day(1), _id="r3", ts="2024-01-02T00:00:00.000Z"),
                room(contact, day(2), _id="r1", ts="2024-01-02T00:00:00.000Z"),
                room(contact, day(3), _id="r2", ts="2024-01-01T00:00:00.000Z"),
            ],
        )
        assert ids(history(api, {"contactId": contact, "sort": '{"ts":1}'})) == ["r2", "r1", "r3"]
        assert ids(history(api, {"contactId": contact, "sort": '{"ts":-1}'})) == ["r1", "r3", "r2"]
        assert ids(history(api, {"contactId": contact, "sort": "{}"})) == ["r2", "r1", "r3"]
        assert ids(history(api, {"contactId": contact, "sort": '{"_id":-1}'})) == ["r3", "r2", "r1"]
        assert ids(history(api, {"contactId": contact, "sort": '{"closedAt":1}'})) == ["r3", "r1", "r2"]

    def test_sort_by_nested_path_puts_missing_first_ascending_and_last_descending(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(
            api.engine,
            [
                room(contact, day(1), _id="m1"),
                room(contact, day(2), _id="zed", servedBy={"_id": "u2", "username": "zed", "ts": day(1)}),
                room(contact, day(3), _id="amy", servedBy={"_id": "u1", "username": "amy", "ts": day(1)}),
                room(contact, day(4), _id="m0"),
                room(contact, day(5), _id="Bob", servedBy={"_id": "u3", "username": "Bob", "ts": day(1)}),
            ],
        )
        asc = ids(history(api, {"contactId": contact, "sort": '{"servedBy.username":1}'}))
        assert asc == ["m0", "m1", "Bob", "amy", "zed"]  # code-point order: "B" < "a"
        desc = ids(history(api, {"contactId": contact, "sort": '{"servedBy.username":-1}'}))
        assert desc == ["zed", "amy", "Bob", "m0", "m1"]

    def test_values_of_different_types_follow_mongodb_order(self, api: Api) -> None:
        contact = add_contact(api.engine)
        values: dict[str, Any] = {
            "n_missing": None,
            "a_num": 10,
            "b_num": 2.5,
            "c_str": "10",
            "d_obj": {"a": 1},
            "e_arr": [1],
            "f_bool": True,
            "g_false": False,
        }
        rooms = []
        for i, (rid, value) in enumerate(values.items()):
            extra = {} if value is None else {"livechatData": {"x": value}}
            rooms.append(room(contact, day(i + 1), _id=rid, **extra))
        add_rooms(api.engine, rooms)
        got = ids(history(api, {"contactId": contact, "sort": '{"livechatData.x":1}'}))
        assert got == ["n_missing", "b_num", "a_num", "c_str", "d_obj", "e_arr", "g_false", "f_bool"]

    def test_nonsense_and_hostile_sort_keys_sort_as_missing_and_change_nothing(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(api.engine, [room(contact, day(i + 1), _id=f"r{i}") for i in range(4)])
        with api.engine.connect() as conn:
            before = conn.execute(select(func.count()).select_from(tables.rooms)).scalar()
        for key in (
            "a');DROP TABLE rooms;--",
            'x"y',
            "a\\b",
            "department.name",
            "$where",
            "a[0]",
            "ü.ß",
            "metrics.chatDuration.deeper",
            "'; DELETE FROM contacts; --",
        ):
            res = history(api, {"contactId": contact, "sort": json.dumps({key: -1})})
            assert res.status_code == 200, key
            assert ids(res) == ["r0", "r1", "r2", "r3"], key  # all missing: tie broken by _id
        with api.engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(tables.rooms)).scalar() == before
        assert history(api, {"contactId": contact}).json()["total"] == 4

    def test_hostile_source_and_contact_id_are_plain_data(self, api: Api) -> None:
        contact = add_contact(api.engine)
        add_rooms(api.engine, [room(contact, day(1))])
        assert history(api, {"contactId": contact, "source": "' OR 1=1 --"}).json()["total"] == 0
        assert history(api, {"contactId": "' OR '1'='1"}).json() == NOT_FOUND
