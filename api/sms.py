"""Inbound SMS from the gateway (signed): requesters' replies."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import request
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from api.context import services, unit_of_work
from api.errors import documented_errors
from api.schemas.sms import InboundSmsResultSchema, InboundSmsSchema
from hotline.errors import DomainError
from hotline.messages.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_problem
from hotline.sms_replies import ReplyResult, receive_reply, stored_reply

blp = Blueprint(
    "sms",
    __name__,
    url_prefix="/api/v1/sms",
    description="Replies from the SMS gateway (signature checked)",
)

View = TypeVar("View", bound=Callable[..., Any])
# The gateway authenticates by signature, not by token (api.auth lets these paths through).
SIGNED_PATHS = ("/api/v1/sms/inbound",)


class SmsNotConfigured(DomainError):
    """No SMS gateway is configured: there is no secret to check a reply with."""

    status = 503
    code = "sms_not_configured"


class BadSignature(DomainError):
    """The request is not signed by the gateway."""

    status = 401
    code = "unauthorized"


def signed(view: View) -> View:
    """Refuse a request the gateway did not sign, before its body is read or validated."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        gateway = services().settings.messaging.sms
        if gateway is None:
            raise SmsNotConfigured("no SMS gateway is configured (HOTLINE_SMS_URL, _SECRET)")
        timestamp = request.headers.get(TIMESTAMP_HEADER)
        signature = request.headers.get(SIGNATURE_HEADER)
        raw = request.get_data(cache=True)
        problem = signature_problem(gateway.secret, timestamp, signature, raw, time.time())
        if problem is not None:
            header = problem.split(" ", 1)[0]
            raise BadSignature(problem, {header: [problem]})
        return view(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


_HEADERS = [
    {
        "in": "header",
        "name": TIMESTAMP_HEADER,
        "required": True,
        "schema": {"type": "string"},
        "description": "Unix seconds when the gateway signed the request",
    },
    {
        "in": "header",
        "name": SIGNATURE_HEADER,
        "required": True,
        "schema": {"type": "string"},
        "description": "hex HMAC-SHA256 of `timestamp + '.' + body`, keyed by HOTLINE_SMS_SECRET",
    },
]


@blp.route("/inbound", methods=["POST"])
@signed
@blp.arguments(InboundSmsSchema)
@blp.response(200, InboundSmsResultSchema)
@blp.doc(
    parameters=_HEADERS,
    security=[],
    responses=documented_errors(
        {
            "401": "missing or wrong signature (the header is named)",
            "422": "invalid fields",
            "503": "sms_not_configured: no SMS gateway is configured",
        }
    ),
)
def inbound(body: dict[str, Any]) -> ReplyResult:
    """A requester's reply: 1/满意, 2/基本满意, 3/不满意 answer the ticket's SMS callback.

    A retry of the same `id` answers the first outcome; nothing is done twice.
    """
    try:
        with unit_of_work() as session:
            return receive_reply(
                session,
                services().runtime,
                gateway_id=body["id"],
                phone=body["phone"],
                text=body["text"],
                received_at=body.get("received_at"),
            )
    except IntegrityError:
        # The same id arrived twice at once: the other request stored it first.
        with unit_of_work() as session:
            replayed = stored_reply(session, body["id"])
        if replayed is None:
            raise
        return replayed
