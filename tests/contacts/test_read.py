"""GET omnichannel/contacts.get, .search, .checkExistence and .channels (contacts.md §3.3-§3.6),
one class per endpoint in the fixed order: unauthenticated / forbidden / invalid / not found /
valid."""

from __future__ import annotations

from typing import Any

import httpx

from tests.contacts.builders import (
    FORBIDDEN,
    UNAUTHENTICATED,
    add_contact,
    channel,
    create,
    get_contact,
    invalid,
    invalid_sort,
    ok,
)
from tests.support import Api

GET = "omnichannel/contacts.get"
SEARCH = "omnichannel/contacts.search"
EXISTS = "omnichannel/contacts.checkExistence"
CHANNELS = "omnichannel/contacts.channels"
STAFF = ("livechat-agent", "livechat-manager", "livechat-monitor")


def names(res: httpx.Response) -> list[str]:
    return [c.get("name") for c in ok(res)["contacts"]]


def delete(api: Api, contact_id: str) -> None:
    ok(api.post("omnichannel/contacts.delete", {"contactId": contact_id}))


class TestGet:
    def test_unauthenticated(self, api: Api) -> None:
        for params in ({"contactId": "x"}, {}):
            res = api.get(GET, params, as_=None)
            assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        res = api.get(GET, {"contactId": create(api)}, as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)
        res = api.get(GET, {}, as_=user)
        assert (res.status_code, res.json()) == (400, invalid("must have required property 'contactId'"))

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'contactId'"),
            ({"contactId": ""}, 'must pass "isNotEmpty" keyword validation'),
            ({"contactId": "  "}, 'must pass "isNotEmpty" keyword validation'),
            ({"contactId": ["a", "b"]}, "must be string"),
            ({"contactId": "x", "fields": "name"}, "must NOT have additional properties"),
        ]
        for params, message in cases:
            res = api.get(GET, params)
            assert (res.status_code, res.json()) == (400, invalid(message)), params

    def test_not_found(self, api: Api) -> None:
        disabled = create(api)
        delete(api, disabled)
        for contact_id in ("no-such-contact", disabled):
            res = api.get(GET, {"contactId": contact_id})
            assert (res.status_code, res.json()) == (404, {"success": False, "error": "Resource not found"})

    def test_returns_the_whole_document(self, api: Api) -> None:
        last_chat = {"_id": "r1", "ts": "2024-05-01T10:00:00.000Z"}
        seeded = add_contact(
            api.engine,
            "Seeded",
            channels=[channel("v1", last_chat="2024-05-01T10:00:00.000Z")],
            lastChat=last_chat,
            activity=["2024-05"],
            importIds=["imp-1"],
            conflictingFields=[{"field": "name", "value": "Other"}],
        )
        contact = ok(api.get(GET, {"contactId": seeded}))["contact"]
        assert contact["lastChat"] == last_chat
        assert contact["activity"] == ["2024-05"] and contact["importIds"] == ["imp-1"]
        assert contact["channels"][0]["visitor"] == {"visitorId": "v1", "source": {"type": "api"}}
        assert contact["conflictingFields"] == [{"field": "name", "value": "Other"}]
        # a contact that never chatted has no lastChat
        fresh = get_contact(api, create(api))
        assert "lastChat" not in fresh and fresh["channels"] == [] and "createdAt" in fresh
        for role in STAFF:
            ok(api.get(GET, {"contactId": seeded}, as_=api.create_user([role])))


class TestSearch:
    def test_unauthenticated(self, api: Api) -> None:
        for params in ({}, {"count": "-1"}):
            res = api.get(SEARCH, params, as_=None)
            assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        res = api.get(SEARCH, {}, as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)
        res = api.get(SEARCH, {"count": "-1"}, as_=user)
        assert (res.status_code, res.json()) == (400, invalid("must be >= 0"))

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({"count": "-1"}, "must be >= 0"),
            ({"offset": "-1"}, "must be >= 0"),
            ({"count": "abc"}, "must be number"),
            ({"count": ""}, "must be number"),
            ({"offset": "10abc"}, "must be number"),
            ({"unknown": "maybe"}, "must be boolean"),
            ({"searchText": ["a", "b"]}, "must be string"),
            ({"sort": ["a", "b"]}, "must be string"),
            ({"query": "{}"}, "must NOT have additional properties"),
            ({"fields": "{}"}, "must NOT have additional properties"),
        ]
        for params, message in cases:
            res = api.get(SEARCH, params)
            assert (res.status_code, res.json()) == (400, invalid(message)), params

    def test_invalid_sort(self, api: Api) -> None:
        for raw in (
            "name",
            '{"name":"asc"}',
            '{"name":0}',
            '{"name":2}',
            '{"name":"1"}',
            "[]",
            "1",
            "null",
            '"x"',
            "true",
            '{"a..b":1}',
            '{".a":1}',
            '{"":1}',
            '{"name":1',
        ):
            res = api.get(SEARCH, {"sort": raw})
            assert (res.status_code, res.json()) == (400, invalid_sort(raw)), raw

    def test_filter(self, api: Api) -> None:
        create(api, "Alice Smith", emails=["alice@example.com"], phones=["(555) 123-4567"])
        create(api, "Bob", emails=["BOB@Mail.org"], phones=["(555) 1x2"])
        create(api, "Percent 100%", phones=["555_12"])
        add_contact(api.engine, "Visitor Only", unknown=True)
        add_contact(api.engine, "No Unknown Key", unknown=None)
        gone = create(api, "Gone Smith")
        delete(api, gone)

        def search(**params: Any) -> list[str]:
            return sorted(names(api.get(SEARCH, params)))

        assert search() == ["Alice Smith", "Bob", "Percent 100%"]
        assert search(unknown="true") == ["Visitor Only"]
        assert search(unknown="false") == search()
        assert search(searchText="") == search()
        assert search(searchText="smith") == ["Alice Smith"]  # disabled contacts are excluded
        assert search(searchText="mail.ORG") == ["Bob"]  # case-insensitive, in e-mails
        assert search(searchText="example.com") == ["Alice Smith"]
        assert search(searchText="(555) 1") == ["Alice Smith", "Bob"]  # in phones, parentheses literal
        assert search(searchText="(555) 1.2") == []  # `.` is not a wildcard
        assert search(searchText="(555) 1x2") == ["Bob"]
        assert search(searchText="100%") == ["Percent 100%"]
        assert search(searchText="0%") == ["Percent 100%"]
        assert search(searchText="5_1") == ["Percent 100%"]
        assert search(searchText="55_") == ["Percent 100%"]  # `_` is literal, not one character
        assert search(searchText="a.*") == []
        assert search(searchText="Smith", unknown="true") == []
        assert search(searchText="visitor", unknown="true") == ["Visitor Only"]

    def test_default_order_is_by_code_point_then_id(self, api: Api) -> None:
        for name in ("b", "Á", "a", "B", "Z", "_x", "Émile", "éa"):
            create(api, name)
        twins = sorted(create(api, "twin") for _ in range(3))
        res = api.get(SEARCH, {})
        listed = ok(res)["contacts"]
        assert [c["name"] for c in listed] == [
            "B",
            "Z",
            "_x",
            "a",
            "b",
            "twin",
            "twin",
            "twin",
            "Á",
            "É" + "mile",
            "éa",
        ]
        assert [c["_id"] for c in listed if c["name"] == "twin"] == twins
        # an empty sort object means the default order too
        assert names(api.get(SEARCH, {"sort": "{}"})) == [c["name"] for c in listed]

    def test_caller_sort(self, api: Api) -> None:
        add_contact(api.engine, "one", customFields={"rank": "2"})
        add_contact(api.engine, "two", customFields={"rank": "1"})
        add_contact(api.engine, "three", customFields={})
        add_contact(api.engine, "four", customFields={"rank": 5})  # numbers before strings
        assert names(api.get(SEARCH, {"sort": '{"name":-1}'})) == ["two", "three", "one", "four"]
        # missing first ascending, last descending
        assert names(api.get(SEARCH, {"sort": '{"customFields.rank":1}'})) == ["three", "four", "two", "one"]
        assert names(api.get(SEARCH, {"sort": '{"customFields.rank":-1}'})) == ["one", "two", "four", "three"]
        listed = ok(api.get(SEARCH, {"sort": '{"_id":-1}'}))["contacts"]
        assert [c["_id"] for c in listed] == sorted((c["_id"] for c in listed), reverse=True)
        # keys that name no field keep the contacts in `_id` order; hostile keys are data, not SQL
        for raw in ('{"nope":1}', '{"name\\"); DROP TABLE contacts; --":1}', '{"a\'b":-1}'):
            listed = ok(api.get(SEARCH, {"sort": raw}))["contacts"]
            assert [c["_id"] for c in listed] == sorted(c["_id"] for c in listed), raw

    def test_pagination(self, api: Api) -> None:
        for index in range(5):
            create(api, f"c{index}")

        def page(**params: Any) -> tuple[list[str], int, int, int]:
            body = ok(api.get(SEARCH, params))
            assert list(body) == ["contacts", "count", "offset", "total", "success"]
            return [c["name"] for c in body["contacts"]], body["count"], body["offset"], body["total"]

        assert page() == (["c0", "c1", "c2", "c3", "c4"], 50, 0, 5)  # count is the page size
        assert page(count="2") == (["c0", "c1"], 2, 0, 5)
        assert page(count="2", offset="4") == (["c4"], 2, 4, 5)
        assert page(count="2.7", offset="1.9") == (["c1", "c2"], 2, 1, 5)
        assert page(offset="9") == ([], 50, 9, 5)
        assert page(count="0") == (["c0", "c1", "c2", "c3", "c4"], 0, 0, 5)  # 0: no limit
        assert page(count="1000")[1] == 100  # silently capped
        api.set_setting("API_Allow_Infinite_Count", False)
        api.set_setting("API_Default_Count", 3)
        api.set_setting("API_Upper_Count_Limit", 4)
        assert page(count="0") == (["c0", "c1", "c2"], 3, 0, 5)
        assert page()[1] == 3
        assert page(count="9") == (["c0", "c1", "c2", "c3"], 4, 0, 5)

    def test_every_default_role_may_search(self, api: Api) -> None:
        for role in STAFF:
            ok(api.get(SEARCH, {}, as_=api.create_user([role])))


class TestCheckExistence:
    def test_unauthenticated(self, api: Api) -> None:
        for params in ({"contactId": "x"}, {}):
            res = api.get(EXISTS, params, as_=None)
            assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        user = api.create_user(["user"])
        res = api.get(EXISTS, {"contactId": "x"}, as_=user)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)

    def test_invalid(self, api: Api) -> None:
        one_of = "must match exactly one schema in oneOf"
        cases: list[tuple[Any, str]] = [
            (
                {},
                "must have required property 'contactId'\n must have required property 'email'\n"
                f" must have required property 'phone'\n {one_of}",
            ),
            (
                {"contactId": "a", "email": "b@c", "phone": "1"},
                "must NOT have additional properties\n must NOT have additional properties\n"
                f" must NOT have additional properties\n {one_of}",
            ),
            (
                {"email": "foo"},
                "must have required property 'contactId'\n must match format \"basic_email\"\n"
                f" must have required property 'phone'\n {one_of}",
            ),
            (
                {"contactId": " "},
                "must pass \"isNotEmpty\" keyword validation\n must have required property 'email'\n"
                f" must have required property 'phone'\n {one_of}",
            ),
            (
                {"phone": "1", "extra": "x"},
                "must have required property 'contactId'\n must have required property 'email'\n"
                f" must NOT have additional properties\n {one_of}",
            ),
        ]
        for params, message in cases:
            res = api.get(EXISTS, params)
            assert (res.status_code, res.json()) == (400, invalid(message)), params

    def test_exists(self, api: Api) -> None:
        contact = create(api, emails=["Mixed@Case.io"], phones=["(555) 123-4567"])
        gone = create(api, emails=["gone@x.io"], phones=["999"])
        delete(api, gone)

        def exists(**params: str) -> bool:
            body = ok(api.get(EXISTS, params))
            assert list(body) == ["exists", "success"]
            return bool(body["exists"])

        assert exists(contactId=contact) is True
        assert exists(contactId=gone) is True  # disabled contacts count for the id
        assert exists(contactId="no-such-contact") is False
        assert exists(email="Mixed@Case.io") is True
        assert exists(email="mixed@case.io") is False  # exact, case-sensitive
        assert exists(email="ixed@Case.io") is False
        assert exists(phone="(555) 123-4567") is True
        assert exists(phone="5551234567") is False
        assert exists(email="gone@x.io") is False and exists(phone="999") is False
        for role in STAFF:
            ok(api.get(EXISTS, {"phone": "1"}, as_=api.create_user([role])))

    def test_long_values_match_exactly(self, api: Api) -> None:
        long_email = "a" * 600 + "@x.io"
        create(api, emails=[long_email])
        assert ok(api.get(EXISTS, {"email": long_email}))["exists"] is True
        assert ok(api.get(EXISTS, {"email": "a" * 600 + "@y.io"}))["exists"] is False


class TestChannels:
    def test_unauthenticated(self, api: Api) -> None:
        res = api.get(CHANNELS, {"contactId": "x"}, as_=None)
        assert (res.status_code, res.json()) == (401, UNAUTHENTICATED)

    def test_forbidden(self, api: Api) -> None:
        res = api.get(CHANNELS, {"contactId": "x"}, as_=api.create_user(["user"]))
        assert (res.status_code, res.json()) == (403, FORBIDDEN)

    def test_invalid(self, api: Api) -> None:
        cases: list[tuple[Any, str]] = [
            ({}, "must have required property 'contactId'"),
            ({"contactId": "x", "count": "1"}, "must NOT have additional properties"),
            ({"contactId": ["a", "b"]}, "must be string"),
        ]
        for params, message in cases:
            res = api.get(CHANNELS, params)
            assert (res.status_code, res.json()) == (400, invalid(message)), params

    def test_no_channels_is_an_empty_list(self, api: Api) -> None:
        pre_registered = create(api)
        gone = add_contact(api.engine, channels=[channel("v1")])
        delete(api, gone)
        for contact_id in ("no-such-contact", "", pre_registered, gone):
            assert ok(api.get(CHANNELS, {"contactId": contact_id})) == {"channels": [], "success": True}

    def test_grouped_by_name_newest_wins(self, api: Api) -> None:
        channels = [
            channel("v1", "api", last_chat="2024-01-02T00:00:00.000Z"),
            channel("v2", "widget", name="Web"),
            channel("v3", "api", last_chat="2024-01-05T00:00:00.000Z"),
            channel("v4", "app", source_id="wa", name="WhatsApp", alias="WhatsApp"),
            channel("v5", "widget", name="Web", last_chat="2024-01-01T00:00:00.000Z"),
            channel("v6", "api", last_chat="2024-01-05T00:00:00.000Z"),  # a tie: the earlier wins
            channel("v7", "app", source_id="wa", name="WhatsApp"),  # no lastChat: oldest
        ]
        contact = add_contact(api.engine, channels=channels)
        listed = ok(api.get(CHANNELS, {"contactId": contact}))["channels"]
        assert listed == [channels[2], channels[4], channels[3]]
        assert listed[2]["details"] == {"type": "app", "id": "wa", "alias": "WhatsApp"}
        for role in STAFF:
            ok(api.get(CHANNELS, {"contactId": contact}, as_=api.create_user([role])))
