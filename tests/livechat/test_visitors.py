"""POST livechat/visitor, GET and DELETE livechat/visitor/{token} (livechat.md §2)."""

from __future__ import annotations

from sqlalchemy import Engine

from tests.conftest import make_config
from tests.livechat.helpers import (
    accept_without_agents,
    coded,
    counts,
    open_room,
    plain,
    register,
    stored_contact,
    stored_inquiry,
    stored_room,
    stored_visitor,
    visitor_message,
)
from tests.support import Api

PATH = "livechat/visitor"


def save_field(api: Api, field: str, scope: str = "visitor", **extra: object) -> None:
    data = {"field": field, "label": field.title(), "scope": scope, "visibility": "visible", **extra}
    res = api.post("livechat/custom-fields.save", {"customFieldData": data})
    assert res.status_code == 200, res.text


class TestRegisterVisitor:
    def test_meteor_check_messages(self, api: Api) -> None:
        cases = [
            ({}, "Match error: Missing key 'visitor'"),
            ({"visitor": {}}, "Match error: Missing key 'token' in field visitor"),
            ({"visitor": {"token": "t"}, "extra": 1}, "Match error: Unknown key in field extra"),
            ({"visitor": {"token": 5}}, "Match error: Expected string, got number in field visitor.token"),
            (
                {"visitor": {"token": "t", "name": 1}},
                "Match error: Expected string, got number in field visitor.name",
            ),
            (
                {"visitor": {"token": "t", "customFields": [{"key": "a", "value": "b"}]}},
                "Match error: Missing key 'overwrite' in field visitor.customFields[0]",
            ),
        ]
        for body, message in cases:
            res = api.post(PATH, body, as_=None)
            assert (res.status_code, res.json()) == (400, plain(message)), body

    def test_auth_headers_are_ignored(self, api: Api) -> None:
        res = api.post(
            PATH, {"visitor": {"token": "t"}}, headers={"X-User-Id": "x", "X-Auth-Token": "y"}, as_=None
        )
        assert res.status_code == 200

    def test_business_errors(self, api: Api) -> None:
        cases = [
            (
                {"token": "  "},
                coded("error-invalid-token", "Token cannot be empty", {"method": "livechat/visitor"}),
            ),
            (
                {"token": "t", "email": " Not-An-Email "},
                coded("error-invalid-email", "Invalid email not-an-email"),
            ),
            (
                {"token": "t", "department": "nope"},
                coded("error-invalid-department", "The provided department is invalid"),
            ),
        ]
        for visitor, body in cases:
            res = api.post(PATH, {"visitor": visitor}, as_=None)
            assert (res.status_code, res.json()) == (400, body), visitor

    def test_creates_guest_with_counter_and_normalised_email(self, api: Api) -> None:
        first = register(api, "tok-1", name="Ada", email="  Ada@Example.COM ", phone="+1 (555) 010")
        assert first["username"] == "guest-2"
        assert first["token"] == "tok-1" and first["status"] == "online" and first["name"] == "Ada"
        assert first["visitorEmails"] == [{"address": "ada@example.com"}]
        assert first["phone"] == [{"phoneNumber": "+1 (555) 010"}]
        assert len(first["_id"]) == 24 and "ts" in first and "_updatedAt" in first
        assert "userAgent" not in first and "ip" not in first
        second = register(api, "tok-2", id="my-own-id")
        assert (second["_id"], second["username"]) == ("my-own-id", "guest-3")
        named = register(api, "tok-3", username="chosen")
        assert named["username"] == "chosen"
        assert register(api, "tok-4")["username"] == "guest-4"  # a chosen username uses no number

    def test_header_information_only_with_the_setting(self, api: Api) -> None:
        api.set_setting("Livechat_Allow_collect_and_store_HTTP_header_informations", True)
        res = api.post(
            PATH,
            {"visitor": {"token": "t"}},
            headers={"User-Agent": "UA/1", "X-Real-IP": "10.0.0.9"},
            as_=None,
        )
        visitor = res.json()["visitor"]
        assert (visitor["userAgent"], visitor["ip"], visitor["host"]) == ("UA/1", "10.0.0.9", "testserver")

    def test_matching_order_token_phone_email(self, api: Api) -> None:
        original = register(api, "tok-a", phone="555", email="a@example.com")
        same = register(api, "tok-a", name="Renamed")
        assert same["_id"] == original["_id"] and same["name"] == "Renamed"
        by_phone = register(api, "tok-new", phone="555")
        assert by_phone["_id"] == original["_id"] and by_phone["token"] == "tok-a"  # keeps its token
        by_email = register(api, "tok-b", email="A@EXAMPLE.com")
        assert by_email["_id"] == original["_id"] and by_email["token"] == "tok-b"  # token replaced
        assert api.get("livechat/visitor/tok-a", as_=None).json() == coded("invalid-token")

    def test_department_by_id_or_name(self, api: Api) -> None:
        from tests.history.builders import add_department

        add_department(api.engine, "dep-1", "Sales")
        assert register(api, "t1", department="Sales")["department"] == "dep-1"
        assert register(api, "t2", department="dep-1")["department"] == "dep-1"

    def test_renames_open_rooms_inquiries_and_subscriptions(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok", name="Old")
        room = open_room(api, "tok")
        register(api, "tok", name="New Name")
        assert stored_room(api, room["_id"])["fname"] == "New Name"
        inquiry = stored_inquiry(api, room["_id"])
        assert inquiry is not None and inquiry["name"] == "New Name"
        assert stored_contact(api, room["contactId"])["name"] == "Old"  # contacts are not renamed here

    def test_custom_fields_required_check_changes_nothing(self, api: Api) -> None:
        save_field(api, "cpf", required=True)
        save_field(api, "zip", required=True)
        save_field(api, "secret", required=True, visibility="hidden")
        before = counts(api)
        body = {
            "visitor": {"token": "t", "customFields": [{"key": "other", "value": "1", "overwrite": True}]}
        }
        res = api.post(PATH, body, as_=None)
        assert (res.status_code, res.json()) == (400, plain("Missing required custom fields: cpf, zip"))
        assert counts(api) == before
        assert api.get("settings/Livechat_guest_count").json()["value"] == 1

    def test_custom_fields_reach_visitor_and_contact(self, api: Api) -> None:
        accept_without_agents(api)
        save_field(api, "plan")
        save_field(api, "roomonly", scope="room")
        register(api, "tok", name="Ada")
        contact_id = open_room(api, "tok")["contactId"]
        fields = [
            {"key": "plan", "value": "gold", "overwrite": False, "extra": "allowed"},
            {"key": "roomonly", "value": "x", "overwrite": True},
            {"key": "unknown", "value": "y", "overwrite": True},
        ]
        visitor = register(api, "tok", customFields=fields)
        assert visitor["livechatData"] == {"plan": "gold"}
        again = register(api, "tok", customFields=[{"key": "plan", "value": "silver", "overwrite": False}])
        assert again["livechatData"] == {"plan": "gold"}  # set only when there is no truthy value
        contact = stored_contact(api, contact_id)
        assert contact["customFields"] == {"plan": "gold"}
        assert contact["conflictingFields"] == [{"field": "customFields.plan", "value": "silver"}]


class TestGetVisitor:
    def test_not_found(self, api: Api) -> None:
        res = api.get("livechat/visitor/nope", as_=None)
        assert (res.status_code, res.json()) == (
            400,
            {"success": False, "error": "[invalid-token]", "errorType": "invalid-token"},
        )

    def test_found(self, api: Api) -> None:
        visitor = register(api, "tok", name="Ada")
        res = api.get("livechat/visitor/tok", as_=None)
        assert res.json() == {"visitor": visitor, "success": True}


class TestDeleteVisitor:
    def test_not_found(self, api: Api) -> None:
        assert api.delete("livechat/visitor/nope", as_=None).json() == coded("invalid-token")

    def test_open_rooms_block_deletion(self, api: Api) -> None:
        accept_without_agents(api)
        register(api, "tok")
        open_room(api, "tok")
        res = api.delete("livechat/visitor/tok", as_=None)
        assert res.json() == coded("visitor-has-open-rooms", "Cannot remove visitors with opened rooms")

    def test_deletes_rooms_and_disables(self, api: Api) -> None:
        accept_without_agents(api)
        api.set_setting("Livechat_Allow_collect_and_store_HTTP_header_informations", True)
        visitor = register(api, "tok", name="Ada", email="a@example.com", phone="1")
        room = open_room(api, "tok")
        visitor_message(api, "tok", room["_id"], "hi")
        before = counts(api)
        res = api.delete("livechat/visitor/tok", as_=None)
        body = res.json()
        assert res.status_code == 200 and body["visitor"]["_id"] == visitor["_id"] and "ts" in body["visitor"]
        after = counts(api)
        assert after["rooms"] == before["rooms"] - 1 and after["inquiries"] == before["inquiries"] - 1
        assert after["messages"] == before["messages"] - 1 and after["contacts"] == before["contacts"]
        stored = stored_visitor(api, visitor["_id"])
        assert stored["disabled"] is True
        assert not {"name", "visitorEmails", "phone", "livechatData", "department"} & stored.keys()
        assert api.get("livechat/visitor/tok", as_=None).json() == coded("invalid-token")
        assert register(api, "tok")["_id"] != visitor["_id"]  # invisible to every lookup


class TestVisitorRateLimits:
    def test_five_calls_per_window_on_visitor_and_room(self, engine: Engine, database_url: str) -> None:
        with Api.start(engine, make_config(database_url, test_mode=False)) as api:
            for method, path in (("POST", PATH), ("GET", "livechat/room")):
                for i in range(5):
                    res = api.post(path, {}, as_=None) if method == "POST" else api.get(path, {}, as_=None)
                    assert res.status_code == 400 and res.headers["x-ratelimit-limit"] == "5", (path, i)
                res = api.post(path, {}, as_=None) if method == "POST" else api.get(path, {}, as_=None)
                assert res.status_code == 429, path
