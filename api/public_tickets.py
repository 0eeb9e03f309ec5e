"""Progress lookup for requesters (no token): status, steps and the public reply."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_smorest import Blueprint

from api.context import unit_of_work
from api.errors import documented_errors, error_response
from api.schemas.public_tickets import LookupQuerySchema, PublicProgressSchema
from hotline.errors import NotFound
from hotline.lookup import NOT_FOUND_MESSAGE, lookup

blp = Blueprint(
    "public_tickets",
    __name__,
    url_prefix="/public/tickets",
    description="Requesters look up their ticket's progress (no token)",
)

_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}}


@blp.route("/<string:number>", methods=["GET"])
@blp.arguments(LookupQuerySchema, location="query")
@blp.response(200, PublicProgressSchema)
@blp.doc(
    responses={
        **documented_errors(
            {
                "404": "no ticket has this number and phone tail (the same for both)",
                "422": "phone_tail missing or not 4 digits",
            }
        ),
        "429": {**documented_errors({"429": "too many lookups"})["429"], "headers": _RETRY_AFTER},
    }
)
def lookup_progress(query: dict[str, Any], number: str) -> Any:
    """The progress of a ticket for its requester: its number and the phone's last 4 digits.

    A wrong phone tail and an unknown number give the same 404. Lookups are limited per
    client address and, for failed ones, per number (429 with Retry-After).
    """
    with unit_of_work() as session:  # commits the counts whatever the answer
        found = lookup(session, number, query["phone_tail"], request.remote_addr or "unknown")
    if found.retry_after is not None:
        response = error_response(
            429, "too_many_requests", f"too many lookups; try again in {found.retry_after} s"
        )
        response.headers["Retry-After"] = str(found.retry_after)
        return response
    if found.progress is None:
        raise NotFound(NOT_FOUND_MESSAGE)
    return _shown(found.progress)


def _shown(progress: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "number": progress.number,
        "status": progress.status,
        "status_label": progress.status_label,
    }
    if progress.steps is not None:  # a confidential ticket shows its status only
        body["steps"] = progress.steps
        body["reply"] = progress.reply
    return body
