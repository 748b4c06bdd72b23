"""The one error tree. Every failure a handler can answer with is one of these; `envelope` turns
them into the Rocket.Chat wire format in exactly one place (README §4.2 of the spec).

    ApiError                      status + body
    ├── Plain(msg)                400 {"success":false,"error":msg}
    ├── Coded(code, reason?, details?)
    │   └── InvalidParams(lines)  400 "... [invalid-params]"
    ├── Typed(msg, type)          400 {"error":msg,"errorType":type}
    ├── Empty                     400 {"success":false}
    ├── Forbidden                 403 error-unauthorized text
    ├── NotFound(msg)             404
    ├── Unauthenticated           401
    ├── RateLimited(seconds)      429
    ├── Raw(status, body)         an exact body some Rocket.Chat routes answer with
    └── Internal                  500
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status: int = 400

    def body(self) -> dict[str, Any]:
        raise NotImplementedError


class Plain(ApiError):
    def __init__(self, msg: str, status: int = 400) -> None:
        super().__init__(msg)
        self.msg = msg
        self.status = status

    def body(self) -> dict[str, Any]:
        return {"success": False, "error": self.msg}


class Coded(ApiError):
    def __init__(self, code: str, reason: str = "", details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{reason} [{code}]" if reason else f"[{code}]")
        self.code = code
        self.reason = reason
        self.details = details

    def body(self) -> dict[str, Any]:
        text = f"{self.reason} [{self.code}]" if self.reason else f"[{self.code}]"
        out: dict[str, Any] = {"success": False, "error": text, "errorType": self.code}
        if self.details is not None:
            out["details"] = self.details
        return out


class InvalidParams(Coded):
    def __init__(self, lines: list[str]) -> None:
        super().__init__("invalid-params", "\n ".join(lines))
        self.lines = lines


class Typed(ApiError):
    def __init__(self, msg: str, error_type: str) -> None:
        super().__init__(msg)
        self.msg = msg
        self.error_type = error_type

    def body(self) -> dict[str, Any]:
        return {"success": False, "error": self.msg, "errorType": self.error_type}


class Empty(ApiError):
    def body(self) -> dict[str, Any]:
        return {"success": False}


class Forbidden(ApiError):
    status = 403

    def body(self) -> dict[str, Any]:
        return {
            "success": False,
            "error": "User does not have the permissions required for this action [error-unauthorized]",
        }


class NotFound(ApiError):
    status = 404

    def __init__(self, msg: str = "Resource not found") -> None:
        super().__init__(msg)
        self.msg = msg

    def body(self) -> dict[str, Any]:
        return {"success": False, "error": self.msg}


class Unauthenticated(ApiError):
    status = 401

    def body(self) -> dict[str, Any]:
        text = "You must be logged in to do this."
        return {"success": False, "error": text, "status": "error", "message": text}


class RateLimited(ApiError):
    status = 429

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds

    def body(self) -> dict[str, Any]:
        return {
            "success": False,
            "error": "Error, too many requests. Please slow down. You must wait "
            f"{self.seconds} seconds before trying this endpoint again. [error-too-many-requests]",
        }


class Raw(ApiError):
    """An exact status and body, for the few Rocket.Chat routes that answer off the usual kinds
    (e.g. 403 `{"success":false,"error":"unauthorized"}` on livechat/users)."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.status = status
        self._body = body

    def body(self) -> dict[str, Any]:
        return dict(self._body)


class Internal(ApiError):
    status = 500

    def body(self) -> dict[str, Any]:
        return {"success": False, "error": "Internal server error"}
