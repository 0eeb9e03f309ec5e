"""/api/v1/admin: the manual clock for tests, drills and training (HOTLINE_CLOCK=manual)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields

from api.context import require, services
from hotline import access, clock
from hotline.clock import ClockError
from hotline.errors import Invalid, NotFound

blp = Blueprint("admin", __name__, url_prefix="/api/v1/admin", description="Administration (管理)")


class ClockSetSchema(Schema):
    """Body of POST /admin/clock."""

    now = fields.AwareDateTime(
        required=True,
        metadata={
            "description": (
                "the new time, ISO 8601 with offset; not before the current time and at "
                "most 3653 days (10 years) after it"
            ),
            "example": "2026-11-24T09:00:00+08:00",
        },
    )


class TimerFailureSchema(Schema):
    """A process instance whose timers failed to fire; they stay pending."""

    instance_id = fields.Integer()
    error = fields.String()


class ClockSchema(Schema):
    """The service clock and what moving it fired."""

    now = fields.AwareDateTime(required=True)
    fired = fields.Integer(metadata={"description": "timers fired by this move"})
    failed = fields.List(fields.Nested(TimerFailureSchema))


@blp.before_app_request
def refresh_clock() -> None:
    """Every request reads the shared manual clock once (another worker may have moved it)."""
    clock.refresh()


def manual_clock_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """404 unless the service runs on the manual clock, before the body is even read."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        manual = isinstance(clock.get_clock(), clock.ManualClock)
        if services().settings.clock != "manual" or not manual:
            raise NotFound("the clock can only be set when the service runs HOTLINE_CLOCK=manual")
        return view(*args, **kwargs)

    return guarded


@blp.route("/clock", methods=["GET"])
@manual_clock_only
@blp.response(200, ClockSchema)
@blp.doc(security=[{"bearer": []}])
def get_clock() -> dict[str, Any]:
    """The current service time (manual clock only)."""
    return {"now": clock.now()}


@blp.route("/clock", methods=["POST"])
@manual_clock_only
@require(access.may_set_clock, message="only an admin may set the clock")
@blp.arguments(ClockSetSchema)
@blp.response(200, ClockSchema)
@blp.doc(security=[{"bearer": []}])
def set_clock(body: dict[str, Any]) -> dict[str, Any]:
    """Move the manual clock forward; answers once every timer due by then has fired, in order."""
    try:
        moved = services().advance_clock(body["now"], owner="admin-clock")
    except ClockError as exc:
        raise Invalid(str(exc), fields={"now": [str(exc)]}) from None
    failed = [{"instance_id": i, "error": error} for i, error in sorted(moved.failed.items())]
    return {"now": moved.now, "fired": moved.fired, "failed": failed}
