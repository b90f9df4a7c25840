"""One error type for everything a client can get wrong; the API and the console turn it into JSON."""
from __future__ import annotations


class ApiError(Exception):
    """A client-caused failure with a stable code, a plain message and an HTTP status."""

    def __init__(self, status: int, code: str, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def to_json(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}, **self.extra}
