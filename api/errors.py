"""Every error is JSON: {"error": {"code", "message", "fields"}}, never HTML."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify
from flask_smorest import Api
from marshmallow import Schema, fields
from werkzeug.exceptions import HTTPException, InternalServerError

from hotline.errors import DomainError

log = logging.getLogger(__name__)


class ErrorBodySchema(Schema):
    """The inner error object."""

    code = fields.String(required=True, metadata={"example": "validation_error"})
    message = fields.String(required=True)
    fields = fields.Dict(metadata={"description": "messages per field"})


class ErrorSchema(Schema):
    """Every 4xx and 5xx response body."""

    error = fields.Nested(ErrorBodySchema, required=True)


def error_response(status: int, code: str, message: str, field_errors: Any = None) -> Response:
    """Build the JSON error body."""
    response = jsonify({"error": {"code": code, "message": message, "fields": field_errors or {}}})
    response.status_code = status
    return response


def _code(exc: HTTPException) -> str:
    return (exc.name or "error").lower().replace(" ", "_").replace("'", "")


class JsonApi(Api):
    """flask-smorest Api whose HTTP errors use the service's error shape."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error: HTTPException) -> Response:
        """Webargs' 422 carries per-location messages; flatten them into `fields`."""
        if isinstance(error, InternalServerError):
            return error_response(500, "internal_error", "an unexpected error occurred")
        data = getattr(error, "data", None) or {}
        messages = data.get("messages") if isinstance(data, dict) else None
        if messages:
            flat: dict[str, Any] = {}
            for location_messages in messages.values():
                flat.update(location_messages)
            return error_response(422, "validation_error", "the request has invalid fields", flat)
        return error_response(error.code or 500, _code(error), error.description or error.name)


def install(app: Flask) -> None:
    """Map domain errors and surprises to JSON."""

    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError) -> Response:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> Response:
        if isinstance(exc, HTTPException):
            return error_response(exc.code or 500, _code(exc), exc.description or exc.name)
        log.exception("unhandled error")
        return error_response(500, "internal_error", "an unexpected error occurred")
