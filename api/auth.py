"""Bearer-token authentication for /api/v1."""

from __future__ import annotations

from flask import Flask, g, request

from api.context import services
from api.sms import SIGNED_PATHS
from hotline.directory import actor_for_token
from hotline.errors import DomainError


class Unauthorized(DomainError):
    """No valid token."""

    status = 401
    code = "unauthorized"


def install(app: Flask) -> None:
    """Require a valid bearer token on every /api/v1 request."""

    @app.before_request
    def authenticate() -> None:
        if not request.path.startswith("/api/v1/") or request.path in SIGNED_PATHS:
            return  # signed requests (the SMS gateway's) are checked by their view
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized("send Authorization: Bearer <token>")
        with services().transaction() as session:
            found = actor_for_token(session, token.strip())
        if found is None:
            raise Unauthorized("the token is not valid")
        g.actor = found
