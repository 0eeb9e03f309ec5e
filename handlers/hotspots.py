"""Service-task handlers of hotspot_warning.bpmn: each unit's acknowledgement, then the whole."""

from __future__ import annotations

from hotline import clock
from hotline.hotspots.warnings import close_if_acknowledged, record_acknowledgement
from processes.context import HandlerContext


def record_unit_acknowledgement(ctx: HandlerContext) -> None:
    """A unit acknowledged the warning (签收) with the measures it takes."""
    record_acknowledgement(
        ctx.session,
        ctx.variables["warning_id"],
        ctx.variables["unit"],
        str(ctx.form.get("measures") or ""),
        ctx.actor,
        clock.now(),
    )


def close_warning(ctx: HandlerContext) -> None:
    """Every unit of this instance acknowledged: the warning is, once all its units have."""
    close_if_acknowledged(ctx.session, ctx.variables["warning_id"], clock.now())
