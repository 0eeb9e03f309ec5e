"""Every error is JSON: {"error": {"code", "message", "fields"}}, never HTML."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, jsonify, request
from flask_smorest import Api
from marshmallow import Schema, fields
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError

from hotline.errors import DomainError

log = logging.getLogger(__name__)


class ErrorBodySchema(Schema):
    """The inner error object."""

    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    # Named apart: an attribute `fields` would hide Schema.fields.
    field_messages = fields.Dict(
        data_key="fields", attribute="fields", metadata={"description": "messages per field"}
    )


class ErrorSchema(Schema):
    """Every 4xx and 5xx response body."""

    error = fields.Nested(ErrorBodySchema, required=True)


def documented_errors(described: dict[str, str]) -> dict[str, dict[str, Any]]:
    """OpenAPI responses {status: description} with the error body, for `@blp.doc(responses=…)`.

    A bare string there would be a reference to a response component that does not exist.
    """
    body = {"application/json": {"schema": ErrorSchema}}
    return {status: {"description": text, "content": body} for status, text in described.items()}


def secured(described: dict[str, str] | None = None, **doc: Any) -> dict[str, Any]:
    """`@blp.doc(**secured({"403": "…"}))`: the call needs the API token; its errors, documented.

    `doc` adds other operation fields (requestBody, parameters) after the security entry.
    """
    operation: dict[str, Any] = {"security": [{"bearer": []}], **doc}
    if described:
        operation["responses"] = documented_errors(described)
    return operation


def error_response(status: int, code: str, message: str, field_errors: Any = None) -> Response:
    """Build the JSON error body."""
    response = jsonify({"error": {"code": code, "message": message, "fields": field_errors or {}}})
    response.status_code = status
    return response


def _code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


def _flatten(messages: dict[str, Any]) -> dict[str, Any]:
    """Webargs groups messages by location; clients want them by field."""
    flat: dict[str, Any] = {}
    for location_messages in messages.values():
        if isinstance(location_messages, dict):
            flat.update(location_messages)
        else:  # e.g. {"json": ["Invalid JSON body."]}
            flat.setdefault("body", []).extend(location_messages)
    return flat


class JsonApi(Api):
    """flask-smorest Api whose HTTP errors use the service's error shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        """Turn webargs' 400/422 and every other HTTP error into the JSON error shape."""
        page = _page_error(error)
        if page is not None:
            return page
        if isinstance(error, InternalServerError):
            return error_response(500, "internal_error", "an unexpected error occurred")
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") if isinstance(data, dict) else None
        if messages:
            status = error.code if error.code in (400, 422) else 422
            message = "the request has invalid fields"
            return error_response(status, "validation_error", message, _flatten(messages))
        return error_response(error.code or 500, _code(error), error.description or error.name)


def _lost_race(exc: Exception) -> bool:
    """A PostgreSQL deadlock or serialization failure: the database already rolled it back."""
    if not isinstance(exc, DBAPIError):
        return False
    return getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")


PAGE_ERRORS = "page_errors"  # app.extensions key: the web workplace's HTML error pages


def _page_error(exc: Exception) -> Response | None:
    # The workplace (web/) answers errors on its own pages in HTML; the API keeps JSON.
    hook = current_app.extensions.get(PAGE_ERRORS)
    return hook(exc) if hook is not None else None


def install(app: Flask) -> None:
    """Map domain errors and surprises to JSON; refuse NUL characters before any query."""

    @app.before_request
    def refuse_nul() -> Response | None:
        # PostgreSQL refuses NUL in text parameters; no valid id or filter contains one.
        if "\x00" in request.path:
            return error_response(404, "not_found", "not found")
        for name, value in [*request.args.items(), *request.headers.items()]:
            if "\x00" in value:
                message = f"{name} contains a NUL character"
                return error_response(422, "validation_error", message, {name: ["NUL"]})
        return None

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        page = _page_error(exc)
        if page is not None:
            return page
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        page = _page_error(exc)
        if page is not None:
            return page
        if isinstance(exc, HTTPException):
            return error_response(exc.code or 500, _code(exc), exc.description or exc.name)
        if _lost_race(exc):
            message = "another request changed this ticket at the same time: try again"
            return error_response(409, "conflict", message)
        if isinstance(exc, RecursionError):  # json.loads on absurdly nested input
            message = "the JSON body is nested too deeply"
            return error_response(400, "validation_error", message, {"body": ["too deep"]})
        log.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred")

    install_database_errors(app)


# -- a database that is down, stalled or too slow: 503, never a hung worker ----------------

# PostgreSQL SQLSTATEs that mean "not now" rather than "this request is wrong": connection
# exceptions (08), lock_not_available (55P03, lock_timeout), query_canceled (57014,
# statement_timeout), server shutdown (57P0x), insufficient resources (53).
UNAVAILABLE_SQLSTATES = ("08", "55P03", "57014", "57P", "53")
SQLITE_BUSY = ("database is locked", "database table is locked", "database is busy")
RETRY_AFTER_SECONDS = 5


def database_unavailable(exc: BaseException) -> str | None:
    """Why the database could not serve the request now, or None for any other error."""
    if isinstance(exc, SQLAlchemyTimeoutError):  # no pooled connection came free in time
        return "no database connection came free in time"
    if not isinstance(exc, DBAPIError):
        return None
    if exc.connection_invalidated:
        return "the database connection was lost"
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate and sqlstate.startswith(UNAVAILABLE_SQLSTATES):
        reasons = {"55P03": "a lock wait timed out", "57014": "a statement timed out"}
        return reasons.get(sqlstate, f"the database refused the work (SQLSTATE {sqlstate})")
    if not isinstance(exc, OperationalError):
        return None
    text = str(orig).lower()
    if any(busy in text for busy in SQLITE_BUSY):
        return "the database is locked by another writer"
    # psycopg: no SQLSTATE at all means the server never answered (connect timeout,
    # refused, reset); a SQLite OperationalError of another kind is a real bug.
    if sqlstate is None and not type(orig).__module__.startswith("sqlite3"):
        return "the database did not answer"
    return None


def database_unavailable_response(reason: str, field_errors: Any = None) -> Response:
    """The JSON 503 for a database that is down or too slow; clients may retry."""
    response = error_response(
        503,
        "database_unavailable",
        f"the database is unavailable ({reason}); try again in a few seconds",
        field_errors,
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install_database_errors(app: Flask) -> None:
    """A stalled or unreachable database answers 503 database_unavailable within seconds."""

    # OperationalError only: other DBAPIErrors (integrity, data) keep their own handling.
    @app.errorhandler(OperationalError)
    @app.errorhandler(SQLAlchemyTimeoutError)
    def database_error(exc: Exception) -> Response:
        if _lost_race(exc):  # deadlocks are OperationalErrors too: keep them 409s
            message = "another request changed this ticket at the same time: try again"
            return error_response(409, "conflict", message)
        reason = database_unavailable(exc)
        if reason is None:
            log.exception("unhandled database error")
            return error_response(500, "internal_error", "an unexpected error occurred")
        log.warning("database unavailable: %s: %s", reason, str(exc).splitlines()[0])
        return database_unavailable_response(reason)
