"""One exception type for domain rule violations, mapped to 4xx responses by the API's error handler."""


def error_body(status_code: int, code: str, detail: str, fields: dict | None = None) -> dict:
    """The one shape of every 4xx answer of the API: {"status", "code", "detail", "fields": {path: [messages]}}."""
    return {"status": status_code, "code": code, "detail": detail, "fields": fields or {}}


class DomainError(Exception):
    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class NotAllowed(DomainError):
    """The user may not make this move (role or ownership)."""

    status_code = 403
    code = "not_allowed"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The object changed under the user (a concurrent move won, or the state no longer allows it)."""

    status_code = 409
    code = "conflict"
