"""Bearer-token authentication for /api/v1, and the per-client limits (hotline.sign_in).

Every request looks its token up afresh (no cache): a revoked or rotated token is refused
from the next request on, in every worker.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, g, request

from api.context import services
from api.errors import documented_errors, error_response
from api.sms import SIGNED_PATHS
from hotline.errors import DomainError
from hotline.sign_in import public_request, sign_in

# The endpoints without a token (api/public.py, api/public_tickets.py, and any later
# /api/v1/public/…) are limited per client; the progress lookup counts its own, stricter
# limits (hotline.lookup), so it is not counted twice.
PUBLIC_PREFIXES = ("/public/", "/api/v1/public/")
OWN_LIMITS = ("/public/tickets/",)
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}


class Unauthorized(DomainError):
    """No valid token."""

    status = 401
    code = "unauthorized"


def too_many(message: str, retry_after: int) -> Response:
    """The JSON 429 with Retry-After."""
    response = error_response(429, "too_many_requests", f"{message}; try again in {retry_after} s")
    response.headers["Retry-After"] = str(retry_after)
    return response


def documented_public_limit() -> dict[str, Any]:
    """The OpenAPI 429 of the public limit, with Retry-After, for `@blp.doc(responses=…)`."""
    text = "too many requests from this address (HOTLINE_PUBLIC_REQUESTS per window)"
    return {"429": {**documented_errors({"429": text})["429"], "headers": _RETRY_AFTER}}


def client() -> str:
    """The calling client, as the limits count it: the remote address."""
    return request.remote_addr or "unknown"


def install(app: Flask) -> None:
    """Require a valid bearer token on every /api/v1 request; limit clients."""

    @app.before_request
    def authenticate() -> Response | None:
        path = request.path
        privacy = services().settings.privacy
        if path.startswith(PUBLIC_PREFIXES):
            if path.startswith(OWN_LIMITS):
                return None
            with services().transaction() as session:
                wait = public_request(session, client(), privacy)
            return too_many("too many requests", wait) if wait is not None else None
        if not path.startswith("/api/v1/") or path in SIGNED_PATHS:
            return None  # signed requests (the SMS gateway's) are checked by their view
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        sent = token.strip() if scheme.lower() == "bearer" and token.strip() else None
        with services().transaction() as session:  # commits a failure's count
            found = sign_in(session, sent, client(), privacy)
        if found.retry_after is not None:
            return too_many("too many failed sign-ins from this address", found.retry_after)
        if found.actor is None:
            raise Unauthorized(found.refused or "the token is not valid")
        g.actor = found.actor
        return None
