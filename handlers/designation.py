"""Who handles a ticket when dispatch is not enough: leader instruction and dispatch objections.

批办 (guangyuan 第十二条(四)): the leader designates the lead unit and assisting units.
派单异议 (guizhou 第十三条): the center coordinates; if the unit still objects, the authority
designates, and that is final. A designated unit may not return the ticket or object again.
"""

from __future__ import annotations

from typing import Any

from hotline.directory import parse_unit_codes
from hotline.statuses import TicketStatus
from hotline.tickets import set_status
from processes.context import HandlerContext


def leader_instruction(ctx: HandlerContext) -> dict[str, Any]:
    """批办: the leader's instruction names the lead unit; assisting units make it joint."""
    ticket = ctx.ticket
    lead = str(ctx.variables["lead_unit"]).strip()
    assisting = [u for u in parse_unit_codes(ctx.variables.get("units")) if u != lead]
    ticket.designated_by = "leader"
    mode = "joint" if assisting else "dispatch"
    ctx.emit(
        "leader_instructed",
        lead_unit=lead,
        assisting_units=assisting,
        instruction=ctx.form.get("instruction"),
    )
    return {
        "disposition": mode,
        "lead_unit": lead,
        "units": [lead, *assisting],
        "unit": lead,
        "designated": True,
    }


def record_objection(ctx: HandlerContext) -> dict[str, Any]:
    """派单异议: the first objection goes to the center; one after coordination to the authority."""
    ticket = ctx.ticket
    ticket.objection_count += 1
    coordinated = bool(ctx.variables.get("objection_coordinated"))
    stage = "authority" if coordinated else "coordinate"
    set_status(ticket, TicketStatus.OBJECTION_RAISED)
    ctx.emit(
        "dispatch_objected",
        unit=ticket.current_unit,
        stage=stage,
        reason=ctx.form.get("objection_reason"),
    )
    return {"objection_stage": stage}


def record_coordination(ctx: HandlerContext) -> dict[str, Any]:
    """The center reassigned the ticket or upheld the dispatch; later objections go higher."""
    ticket = ctx.ticket
    decision = ctx.variables.get("decision")
    held_by = ticket.current_unit
    ctx.emit(
        "objection_coordinated",
        decision=decision,
        unit=held_by,
        new_unit=ctx.variables.get("unit") if decision == "reassign" else None,
        comment=ctx.form.get("comment"),
    )
    if decision == "reassign":
        return {"objection_coordinated": True}
    set_status(ticket, TicketStatus.HANDLING)
    # Upheld: the same unit goes on, whatever the form's optional unit field said.
    return {"objection_coordinated": True, "unit": held_by}


def record_designation(ctx: HandlerContext) -> dict[str, Any]:
    """The authority named the handling unit: final, no return and no further objection."""
    ticket = ctx.ticket
    ticket.designated_by = "authority"
    ctx.emit(
        "unit_designated",
        by="authority",
        unit=ctx.variables.get("unit"),
        comment=ctx.form.get("comment"),
    )
    return {"designated": True}
