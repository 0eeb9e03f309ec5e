"""Domain errors; the API turns each into a JSON error with its HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: a code, a message for people, and per-field messages."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotFound(DomainError):
    """The thing asked for does not exist or is not visible to the caller."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """The caller may not do this."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    """The state moved on: the task is no longer ready, or another client won."""

    status = 409
    code = "conflict"


class Invalid(DomainError):
    """The input is wrong; `fields` says where."""

    status = 422
    code = "validation_error"


class WorkflowError(DomainError):
    """A diagram failed while running (a condition, a script, a handler); nothing was stored."""

    status = 422
    code = "workflow_error"
