"""Custom field definitions and visitor values (livechat.md §3)."""

from __future__ import annotations

from typing import Any

from tests.livechat.helpers import (
    FORBIDDEN,
    accept_without_agents,
    invalid,
    open_room,
    plain,
    register,
    stored_contact,
    stored_room,
    stored_visitor,
)
from tests.support import Api

INVALID_NAME = "Invalid custom field name. Use only letters, numbers, hyphens and underscores."


def data(field: str = "cpf", **over: Any) -> dict[str, Any]:
    return {"field": field, "label": field.upper(), "scope": "visitor", "visibility": "visible", **over}


def save(api: Api, field_id: str | None = None, **over: Any) -> Any:
    body: dict[str, Any] = {"customFieldData": data(**over)}
    if field_id is not None:
        body["customFieldId"] = field_id
    return api.post("livechat/custom-fields.save", body)


class TestSaveCustomField:
    def test_unauthenticated(self, api: Api) -> None:
        assert api.post("livechat/custom-fields.save", {}, as_=None).status_code == 401

    def test_forbidden(self, api: Api) -> None:
        agent = api.create_user(["user", "livechat-agent"])
        res = api.post("livechat/custom-fields.save", {"customFieldData": data()}, as_=agent)
        assert (res.status_code, res.json()) == (403, FORBIDDEN)

    def test_invalid(self, api: Api) -> None:
        cases = [
            ({}, "must have required property 'customFieldData'"),
            ({"customFieldData": {"field": "a"}}, "must have required property 'label'"),
            ({"customFieldData": data(scope="both")}, "must be equal to one of the allowed values"),
            ({"customFieldData": data(extra=1)}, "must NOT have additional properties"),
            ({"customFieldData": data(), "customFieldId": {}}, "must be string"),
        ]
        for body, message in cases:
            res = api.post("livechat/custom-fields.save", body)
            assert (res.status_code, res.json()) == (400, invalid(message)), body

    def test_business_errors(self, api: Api) -> None:
        assert save(api).status_code == 200
        assert save(api, field="bad name").json() == plain(INVALID_NAME)
        assert save(api).json() == plain("Custom Field already exists")
        assert save(api, "nope").json() == plain("Custom Field Not found")
        assert save(api, "", field="fine").json() == plain(INVALID_NAME)

    def test_create_then_update(self, api: Api) -> None:
        res = save(api, None, regexp="^[0-9]+$", required=True)
        field = res.json()["customField"]
        assert res.json()["success"] is True
        assert {k: v for k, v in field.items() if k != "_updatedAt"} == {
            "_id": "cpf",
            "label": "CPF",
            "scope": "visitor",
            "visibility": "visible",
            "regexp": "^[0-9]+$",
            "required": True,
        }
        null_id = api.post(
            "livechat/custom-fields.save", {"customFieldId": None, "customFieldData": data("other")}
        )
        assert null_id.json()["customField"]["_id"] == "other"
        updated = save(api, "cpf", field="ignored", label="Tax id", scope="room").json()["customField"]
        assert (updated["_id"], updated["label"], updated["scope"]) == ("cpf", "Tax id", "room")
        assert updated["regexp"] == "^[0-9]+$" and updated["required"] is True  # kept when not given
        assert "field" not in updated


class TestDeleteCustomField:
    def test_unauthenticated_forbidden_invalid_not_found(self, api: Api) -> None:
        path = "livechat/custom-fields.delete"
        assert api.post(path, {"customFieldId": "x"}, as_=None).status_code == 401
        agent = api.create_user(["user", "livechat-agent"])
        assert api.post(path, {"customFieldId": "x"}, as_=agent).status_code == 403
        assert api.post(path, {}).json() == invalid("must have required property 'customFieldId'")
        assert api.post(path, {"customFieldId": "x"}).json() == plain("Custom field not found")

    def test_deletes_and_keeps_values(self, api: Api) -> None:
        save(api)
        register(api, "tok")
        api.post(
            "livechat/custom.field", {"token": "tok", "key": "cpf", "value": "1", "overwrite": True}, as_=None
        )
        assert api.post("livechat/custom-fields.delete", {"customFieldId": "cpf"}).json() == {"success": True}
        assert api.get("livechat/custom-fields/cpf").json() == {"customField": None, "success": True}
        assert api.get("livechat/visitor/tok", as_=None).json()["visitor"]["livechatData"] == {"cpf": "1"}


class TestListCustomFields:
    def test_unauthenticated_forbidden_invalid(self, api: Api) -> None:
        assert api.get("livechat/custom-fields", as_=None).status_code == 401
        plain_user = api.create_user()
        assert api.get("livechat/custom-fields", as_=plain_user).json() == FORBIDDEN
        assert api.get("livechat/custom-fields", {"count": "-1"}).json() == invalid("must be >= 0")
        assert api.get("livechat/custom-fields", {"nope": "1"}).json() == invalid(
            "must NOT have additional properties"
        )
        assert api.get("livechat/custom-fields", {"sort": "[]"}).json()["errorType"] == "error-invalid-sort"

    def test_filter_sort_and_page(self, api: Api) -> None:
        save(api, field="b_field", label="Zeta")
        save(api, field="a_field", label="Alpha")
        save(api, field="zeta_id", label="Middle 100%")
        body = api.get("livechat/custom-fields").json()
        assert [f["label"] for f in body["customFields"]] == ["Alpha", "Middle 100%", "Zeta"]
        assert (body["count"], body["offset"], body["total"]) == (3, 0, 3)
        zeta = api.get("livechat/custom-fields", {"text": "ZETA"}).json()
        assert [f["_id"] for f in zeta["customFields"]] == ["zeta_id", "b_field"]  # label or _id
        literal = api.get("livechat/custom-fields", {"text": "0%"}).json()
        assert [f["_id"] for f in literal["customFields"]] == ["zeta_id"]
        assert api.get("livechat/custom-fields", {"text": "%"}).json()["total"] == 1
        paged = api.get("livechat/custom-fields", {"sort": '{"_id":-1}', "count": "1", "offset": "1"}).json()
        assert [f["_id"] for f in paged["customFields"]] == ["b_field"]
        assert (paged["count"], paged["offset"], paged["total"]) == (1, 1, 3)
        assert "_seq" not in str(body)


class TestGetCustomField:
    def test_unauthenticated_and_forbidden(self, api: Api) -> None:
        assert api.get("livechat/custom-fields/x", as_=None).status_code == 401
        assert api.get("livechat/custom-fields/x", as_=api.create_user()).status_code == 403

    def test_found_or_null(self, api: Api) -> None:
        assert api.get("livechat/custom-fields/cpf").json() == {"customField": None, "success": True}
        saved = save(api).json()["customField"]
        assert api.get("livechat/custom-fields/cpf").json() == {"customField": saved, "success": True}


class TestSetCustomField:
    PATH = "livechat/custom.field"

    def test_invalid(self, api: Api) -> None:
        assert api.post(self.PATH, {"token": "t"}, as_=None).json() == invalid(
            "must have required property 'key'"
        )
        body = {"token": "t", "key": "k", "value": "v", "overwrite": True, "x": 1}
        assert api.post(self.PATH, body, as_=None).json() == invalid("must NOT have additional properties")

    def test_business_errors(self, api: Api) -> None:
        save(api, regexp="^[0-9]+$")
        body = {"token": "tok", "key": "cpf", "value": "12", "overwrite": True}
        assert api.post(self.PATH, body, as_=None).json() == plain("invalid-token")
        register(api, "tok")
        assert api.post(self.PATH, {**body, "key": "nope"}, as_=None).json() == plain("invalid-custom-field")
        assert api.post(self.PATH, {**body, "value": "abc"}, as_=None).json() == plain(
            "Invalid value for cpf field"
        )

    def test_visitor_scope_reaches_contacts_with_conflicts(self, api: Api) -> None:
        accept_without_agents(api)
        save(api)
        register(api, "tok")
        contact_id = open_room(api, "tok")["contactId"]
        first = {"token": "tok", "key": "cpf", "value": "123", "overwrite": True}
        res = api.post(self.PATH, first, as_=None)
        assert res.json() == {"field": {"key": "cpf", "value": "123", "overwrite": True}, "success": True}
        api.post(self.PATH, {**first, "value": "456", "overwrite": False}, as_=None)
        visitor = api.get("livechat/visitor/tok", as_=None).json()["visitor"]
        assert visitor["livechatData"] == {"cpf": "123"}
        contact = stored_contact(api, contact_id)
        assert contact["customFields"] == {"cpf": "123"}
        assert contact["conflictingFields"] == [{"field": "customFields.cpf", "value": "456"}]

    def test_room_scope_sets_open_rooms_only(self, api: Api) -> None:
        accept_without_agents(api)
        save(api, field="topic", scope="room")
        register(api, "tok")
        room = open_room(api, "tok")
        body = {"token": "tok", "key": "topic", "value": "billing", "overwrite": False}
        api.post(self.PATH, body, as_=None)
        api.post(self.PATH, {**body, "value": "other"}, as_=None)
        assert stored_room(api, room["_id"])["livechatData"] == {"topic": "billing"}
        api.post(self.PATH, {**body, "value": "sales", "overwrite": True}, as_=None)
        assert stored_room(api, room["_id"])["livechatData"] == {"topic": "sales"}


class TestSetCustomFields:
    PATH = "livechat/custom.fields"

    def test_invalid(self, api: Api) -> None:
        assert api.post(self.PATH, {"token": "t"}, as_=None).json() == invalid(
            "must have required property 'customFields'"
        )
        body = {"token": "t", "customFields": [{"key": "a", "value": "b"}]}
        assert api.post(self.PATH, body, as_=None).json() == invalid(
            "must have required property 'overwrite'"
        )

    def test_business_errors(self, api: Api) -> None:
        save(api, regexp="^[0-9]+$")
        good = {"key": "cpf", "value": "1", "overwrite": True}
        assert api.post(self.PATH, {"token": "tok", "customFields": [good]}, as_=None).json() == plain(
            "invalid-token"
        )
        register(api, "tok")
        for fields in ([], [{**good, "key": "x"}], [good, {**good, "key": "x"}]):
            res = api.post(self.PATH, {"token": "tok", "customFields": fields}, as_=None)
            assert res.json() == plain("invalid-custom-field"), fields
        res = api.post(self.PATH, {"token": "tok", "customFields": [good, {**good, "value": "x"}]}, as_=None)
        assert res.json() == plain("Invalid value for cpf field")
        assert "livechatData" not in api.get("livechat/visitor/tok", as_=None).json()["visitor"]

    def test_room_scope_first_with_capital_key(self, api: Api) -> None:
        accept_without_agents(api)
        save(api, field="plan")
        save(api, field="topic", scope="room")
        save(api, field="level")
        visitor = register(api, "tok")
        room = open_room(api, "tok")
        fields = [
            {"key": "plan", "value": "gold", "overwrite": False},
            {"key": "topic", "value": "billing", "overwrite": True},
            {"key": "level", "value": "3", "overwrite": False},
        ]
        res = api.post(self.PATH, {"token": "tok", "customFields": fields}, as_=None)
        assert res.json() == {
            "fields": [
                {"Key": "topic", "value": "billing", "overwrite": True},
                {"Key": "plan", "value": "gold", "overwrite": False},
                {"Key": "level", "value": "3", "overwrite": False},
            ],
            "success": True,
        }
        assert stored_visitor(api, visitor["_id"])["livechatData"] == {"plan": "gold", "level": "3"}
        assert stored_room(api, room["_id"])["livechatData"] == {"topic": "billing"}
        assert stored_contact(api, room["contactId"])["customFields"] == {"plan": "gold", "level": "3"}
