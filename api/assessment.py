"""/api/v1/assessment: Assessment (考核).

The center records what scoring needs (call tests, callback findings, duty weeks) and decides
units' written explanations; everyone with figures reads deductions, daily scores, the
ranking and the summons flags, units their own only (hotline.access.figures_unit).
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, require, services, unit_of_work
from api.errors import secured
from api.paging import paged, with_ticket_number
from api.schemas.assessment import (
    CallbackFindingCreateSchema,
    CallbackFindingPageSchema,
    CallbackFindingSchema,
    CallTestCreateSchema,
    CallTestPageSchema,
    CallTestSchema,
    DayScorePageSchema,
    DeductionPageSchema,
    DeductionQuerySchema,
    DutyWeekCreateSchema,
    DutyWeekPageSchema,
    DutyWeekSchema,
    ExclusionCreateSchema,
    ExclusionDecisionSchema,
    ExclusionPageSchema,
    ExclusionQuerySchema,
    ExclusionSchema,
    RankingQuerySchema,
    RankingSchema,
    ScoreDaySchema,
    ScoreQuerySchema,
    SummonsSchema,
    UnitQuerySchema,
)
from api.schemas.common import Shown
from hotline import access, clock
from hotline.assessment import (
    decide_exclusion,
    file_explanation,
    period_ranking,
    records,
    score_day,
)
from hotline.assessment import deductions as ded
from hotline.assessment import ranking as rank
from hotline.assessment.summary import summoned
from hotline.calendar import shanghai_day
from hotline.errors import Invalid
from hotline.models import Ticket
from hotline.policy.assessment import assessment_of, period_of

blp = Blueprint(
    "assessment",
    __name__,
    url_prefix="/api/v1/assessment",
    description="Assessment (考核): records, deductions, scores and rankings",
)
ASSESSORS_ONLY = "only the center records assessment facts"
FIGURES = {"403": "operators, or a unit asking for another unit"}


def _row(_session: Any, row: Any) -> Any:
    return row


def _number(session: Any, ticket_id: int | None) -> str | None:
    return session.get(Ticket, ticket_id).number if ticket_id is not None else None


@blp.route("/call-tests", methods=["POST"])
@require(access.may_assess, message=ASSESSORS_ONLY)
@blp.arguments(CallTestCreateSchema)
@blp.response(201, CallTestSchema)
@blp.doc(**secured({"403": "not the center", "422": "unknown unit, a time ahead"}))
def create_call_test(body: dict[str, Any]) -> Any:
    """Record a call test (拨测) of a unit's phone; an unanswered one costs the unit points."""
    with unit_of_work() as session:
        return records.record_call_test(session, services().runtime.profile, actor(), **body)


@blp.route("/call-tests", methods=["GET"])
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, CallTestPageSchema)
@blp.doc(**secured(FIGURES))
def list_call_tests(query: dict[str, Any]) -> dict[str, Any]:
    """Call tests, newest first; a unit sees its own."""
    return paged(query, records.list_call_tests, _row)


@blp.route("/callback-findings", methods=["POST"])
@require(access.may_assess, message=ASSESSORS_ONLY)
@blp.arguments(CallbackFindingCreateSchema)
@blp.response(201, CallbackFindingSchema)
@blp.doc(**secured({"403": "not the center", "404": "no such ticket", "422": "bad field"}))
def create_callback_finding(body: dict[str, Any]) -> Shown:
    """Record a callback verification finding (回访核实): fake, not done, not reported back."""
    with unit_of_work() as session:
        number = body.pop("ticket")
        row = records.record_callback_finding(
            session, services().runtime.profile, actor(), number=number, **body
        )
        return Shown(row, ticket_number=number)


@blp.route("/callback-findings", methods=["GET"])
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, CallbackFindingPageSchema)
@blp.doc(**secured(FIGURES))
def list_callback_findings(query: dict[str, Any]) -> dict[str, Any]:
    """Callback findings, newest first; a unit sees its own."""
    return paged(query, records.list_callback_findings, with_ticket_number)


@blp.route("/duty-weeks", methods=["POST"])
@require(access.may_assess, message=ASSESSORS_ONLY)
@blp.arguments(DutyWeekCreateSchema)
@blp.response(201, DutyWeekSchema)
@blp.doc(**secured({"403": "not the center", "409": "week already recorded", "422": "bad"}))
def create_duty_week(body: dict[str, Any]) -> Any:
    """Record a unit's on-site duty week (现场接听); a missed one costs points at year end."""
    with unit_of_work() as session:
        return records.record_duty_week(session, services().runtime.profile, actor(), **body)


@blp.route("/duty-weeks", methods=["GET"])
@blp.arguments(UnitQuerySchema, location="query")
@blp.response(200, DutyWeekPageSchema)
@blp.doc(**secured(FIGURES))
def list_duty_weeks(query: dict[str, Any]) -> dict[str, Any]:
    """Duty weeks, newest first; a unit sees its own."""
    return paged(query, records.list_duty_weeks, _row)


@blp.route("/exclusions", methods=["POST"])
@blp.arguments(ExclusionCreateSchema)
@blp.response(201, ExclusionSchema)
@blp.doc(**secured({"403": "another unit's ticket", "404": "no such ticket", "422": "bad"}))
def create_exclusion(body: dict[str, Any]) -> Shown:
    """File a written explanation (书面说明) asking that a ticket or a day not count; it
    applies once the center accepts it."""
    caller = actor()
    unit = body.pop("unit", None) or caller.unit_code
    if unit is None:
        raise Invalid("name the unit", {"unit": ["required for the center"]})
    with unit_of_work() as session:
        number = body.pop("ticket", None)
        row = file_explanation(session, caller, unit=unit, number=number, **body)
        return Shown(row, ticket_number=number)


@blp.route("/exclusions", methods=["GET"])
@blp.arguments(ExclusionQuerySchema, location="query")
@blp.response(200, ExclusionPageSchema)
@blp.doc(**secured(FIGURES))
def list_exclusions(query: dict[str, Any]) -> dict[str, Any]:
    """Explanations and exclusions, newest first; a unit sees its own."""
    return paged(query, ded.list_exclusions, with_ticket_number)


@blp.route("/exclusions/<int(max=2147483647):exclusion_id>/decision", methods=["POST"])
@require(access.may_assess, message="only the center decides explanations")
@blp.arguments(ExclusionDecisionSchema)
@blp.response(200, ExclusionSchema)
@blp.doc(**secured({"403": "not the center", "404": "not found", "409": "decided already"}))
def decide(body: dict[str, Any], exclusion_id: int) -> Shown:
    """Accept (the ticket or day stops counting, scores follow) or reject an explanation."""
    with unit_of_work() as session:
        row = decide_exclusion(
            session, services().runtime.profile, actor(), exclusion_id,
            accepted=body["accepted"], note=body.get("note"),
        )  # fmt: skip
        return Shown(row, ticket_number=_number(session, row.ticket_id))


@blp.route("/deductions", methods=["GET"])
@blp.arguments(DeductionQuerySchema, location="query")
@blp.response(200, DeductionPageSchema)
@blp.doc(**secured(FIGURES))
def list_deductions(query: dict[str, Any]) -> dict[str, Any]:
    """Every deduction with its rule (item, article), ticket or record and why; a unit sees
    its own. Voided and excluded ones stay listed with the reason."""
    return paged(query, ded.list_deductions, with_ticket_number)


@blp.route("/scores", methods=["GET"])
@blp.arguments(ScoreQuerySchema, location="query")
@blp.response(200, DayScorePageSchema)
@blp.doc(**secured(FIGURES))
def list_scores(query: dict[str, Any]) -> dict[str, Any]:
    """Daily scores (日考核), newest day first; each is the period to date."""
    return paged(query, rank.list_day_scores, _row)


@blp.route("/scores", methods=["POST"])
@require(access.may_assess, message="only the center scores days")
@blp.arguments(ScoreDaySchema)
@blp.response(200, DayScorePageSchema)
@blp.doc(**secured({"403": "not the center"}))
def score(body: dict[str, Any]) -> dict[str, Any]:
    """Score a day again (idempotent): its deductions and every unit's score."""
    with unit_of_work() as session:
        rows = score_day(session, services().runtime.profile, body["day"])
        return {"items": rows, "total": len(rows), "page": 1, "per_page": max(len(rows), 1)}


@blp.route("/ranking", methods=["GET"])
@blp.arguments(RankingQuerySchema, location="query")
@blp.response(200, RankingSchema)
@blp.doc(**secured(FIGURES))
def ranking(query: dict[str, Any]) -> Any:
    """The ranking of the month's period (月通报; a quarter under meizhou) to date: scores,
    items, itemised deductions and summons flags. A unit sees its own row."""
    caller = actor()
    access.figures_unit(caller, query.get("unit"))
    day = RankingQuerySchema().first_day(query)
    today = shanghai_day(clock.now())
    with unit_of_work() as session:
        found = period_ranking(session, services().runtime.profile, day, as_of=today)
        shown = rank.ranking_for(found, caller)
        if query.get("unit"):
            units = tuple(u for u in shown.units if u.unit == query["unit"])
            shown = rank.Ranking(shown.first, shown.last, shown.as_of, shown.full_marks, units)
        return shown


@blp.route("/summons", methods=["GET"])
@blp.arguments(RankingQuerySchema, location="query")
@blp.response(200, SummonsSchema)
@blp.doc(**secured(FIGURES))
def summons(query: dict[str, Any]) -> dict[str, Any]:
    """Units in the last places for the profile's number of periods running (约谈)."""
    unit = access.figures_unit(actor(), query.get("unit"))
    day = RankingQuerySchema().first_day(query)
    scheme = assessment_of(services().runtime.profile)
    first, last = period_of(scheme, day)
    with unit_of_work() as session:
        flagged = summoned(session, scheme, min(last, shanghai_day(clock.now())))
    return {"first": first, "last": last, "units": [u for u in flagged if unit in (None, u)]}
