"""Raising hot-spot warnings (热点预警) and recording the units' acknowledgements.

`detect(session, runtime, now)` tests the window ending at `now` against its baseline
(hotline.hotspots.detection) with the active profile's [hotspots] rules. Each hot cluster
becomes a warning, or updates the warning of the same ongoing cluster (same category and
district, a keyword in common, seen within `quiet_days`): running it twice never raises a
second warning. The units concerned each get an `acknowledge_warning` task in
`bpmn/hotspot_warning.bpmn`; the warning is acknowledged when all of them have.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline.actors import SYSTEM, Actor
from hotline.history import record_event
from hotline.hotspots.detection import Baseline, Cluster, Demand, baseline_span, find_clusters
from hotline.models import Ticket, Unit
from hotline.models.hotspots import (
    HotspotWarning,
    HotspotWarningTicket,
    HotspotWarningUnit,
    WarningStatus,
)
from hotline.policy.hotspots import HotspotRules, hotspot_rules
from hotline.statuses import TicketStatus
from hotline.workflows import WorkflowRuntime

WARNING_PROCESS = "hotspot_warning"
# Merged tickets are another ticket's repeat: counting them would count one demand twice.
NOT_COUNTED = (TicketStatus.MERGED,)


def demands(session: Session, start: datetime, end: datetime) -> list[Demand]:
    """The demands created in [start, end) with a district, as detection reads them (not
    confidential ones)."""
    rows = session.execute(
        select(
            Ticket.id,
            Ticket.category,
            Ticket.district,
            Ticket.created_at,
            Ticket.content,
            Ticket.current_unit,
        ).where(
            Ticket.created_at >= start,
            Ticket.created_at < end,
            Ticket.district.is_not(None),
            Ticket.status.not_in(NOT_COUNTED),
            # Warnings show words of the content to every unit and in the bulletin: a
            # confidential demand's words stay out (meizhou 第二十条, 第二十一条).
            Ticket.confidential.is_(False),
        )
    )
    return [Demand(*row) for row in rows]


def find(session: Session, rules: HotspotRules, now: datetime) -> list[Cluster]:
    """The hot clusters of the window ending at `now` (nothing is written)."""
    base_start, window_start = baseline_span(rules, now)
    baseline = Baseline(rules, now, demands(session, base_start, window_start))
    # The window includes `now` itself: a demand registered this very second counts.
    window = demands(session, window_start, now + timedelta(microseconds=1))
    return find_clusters(rules, now, window, baseline)


def detect(
    session: Session, runtime: WorkflowRuntime, now: datetime, *, actor: Actor = SYSTEM
) -> list[HotspotWarning]:
    """Raise or update the warnings of the window ending at `now`; the warnings touched.

    Idempotent: a cluster already warned of (and seen within the profile's `quiet_days`)
    updates its warning, adding new tickets and units; units added get their own task.
    """
    rules = hotspot_rules(runtime.profile)
    touched: list[HotspotWarning] = []
    for cluster in find(session, rules, now):
        warning = _ongoing(session, rules, cluster, now)
        if warning is None:
            warning = _raise(session, rules, cluster, now)
        else:
            _update(warning, cluster, now)
        _link_tickets(session, warning, cluster.tickets, now, actor)
        new_units = _link_units(session, warning, _units_concerned(session, cluster), now)
        if new_units:
            warning.status = WarningStatus.OPEN
            warning.acknowledged_at = None
            instance = runtime.start(
                session,
                WARNING_PROCESS,
                actor=actor,
                variables={"warning_id": warning.id, "units": [u.unit_code for u in new_units]},
            )
            for row in new_units:
                row.instance_id = instance.id
        if warning not in touched:  # two clusters of one run may continue the same warning
            touched.append(warning)
    session.flush()
    return touched


def _ongoing(
    session: Session, rules: HotspotRules, cluster: Cluster, now: datetime
) -> HotspotWarning | None:
    """The warning of the same cluster, still going: a keyword or a ticket in common."""
    recent = session.scalars(
        select(HotspotWarning)
        .where(
            HotspotWarning.category == cluster.category,
            HotspotWarning.district == cluster.district,
            HotspotWarning.last_seen_at >= now - timedelta(days=rules.quiet_days),
        )
        .order_by(HotspotWarning.last_seen_at.desc())
    )
    for warning in recent:
        if set(warning.keywords) & set(cluster.keywords):
            return warning
        linked = session.scalars(
            select(HotspotWarningTicket.ticket_id).where(
                HotspotWarningTicket.warning_id == warning.id
            )
        )
        if set(linked) & cluster.tickets:
            return warning
    return None


def _raise(
    session: Session, rules: HotspotRules, cluster: Cluster, now: datetime
) -> HotspotWarning:
    warning = HotspotWarning(
        category=cluster.category,
        district=cluster.district,
        keywords=list(cluster.keywords),
        status=WarningStatus.OPEN,
        count=cluster.count,
        expected=round(cluster.expected, 3),
        ratio=round(cluster.ratio, 2),
        p_value=cluster.p_value,
        baseline_days=rules.baseline_days,
        window_start=cluster.window_start,
        window_end=cluster.window_end,
        first_seen_at=now,
        last_seen_at=now,
        detections=1,
        rules={k: v for k, v in asdict(rules).items() if k != "origin"},
    )
    session.add(warning)
    session.flush()
    return warning


def _update(warning: HotspotWarning, cluster: Cluster, now: datetime) -> None:
    """The cluster is still hot: extend the warning; its size is the largest seen."""
    if now > warning.last_seen_at:
        warning.detections += 1
    warning.last_seen_at = max(warning.last_seen_at, now)
    added = [k for k in cluster.keywords if k not in warning.keywords]
    if added:
        warning.keywords = [*warning.keywords, *added]
    if cluster.count > warning.count:
        warning.count, warning.expected = cluster.count, round(cluster.expected, 3)
        warning.ratio, warning.p_value = round(cluster.ratio, 2), cluster.p_value
        warning.window_start, warning.window_end = cluster.window_start, cluster.window_end


def _units_concerned(session: Session, cluster: Cluster) -> set[str]:
    """The units handling the cluster's tickets and the district's own government (属地)."""
    territorial = session.scalars(
        select(Unit.code).where(Unit.district == cluster.district, Unit.active.is_(True))
    )
    return cluster.units | set(territorial)


def _link_tickets(
    session: Session, warning: HotspotWarning, tickets: set[int], now: datetime, actor: Actor
) -> list[int]:
    """Name the cluster's new tickets in the warning; each ticket's history records it."""
    known = set(
        session.scalars(
            select(HotspotWarningTicket.ticket_id).where(
                HotspotWarningTicket.warning_id == warning.id
            )
        )
    )
    added = sorted(tickets - known)
    session.add_all(
        HotspotWarningTicket(warning_id=warning.id, ticket_id=t, added_at=now) for t in added
    )
    for ticket_id in added:
        record_event(
            session,
            ticket_id,
            "ticket_in_hotspot_warning",
            actor,
            data={"warning_id": warning.id, "keywords": list(warning.keywords)},
        )
    return added


def _link_units(
    session: Session, warning: HotspotWarning, units: set[str], now: datetime
) -> list[HotspotWarningUnit]:
    known = set(
        session.scalars(
            select(HotspotWarningUnit.unit_code).where(HotspotWarningUnit.warning_id == warning.id)
        )
    )
    added = [
        HotspotWarningUnit(warning_id=warning.id, unit_code=code, added_at=now)
        for code in sorted(units - known)
    ]
    session.add_all(added)
    session.flush()
    return added


# -- the process's steps ----------------------------------------------------------------------


def record_acknowledgement(
    session: Session, warning_id: int, unit: str, measures: str, actor: Actor, now: datetime
) -> HotspotWarningUnit:
    """Unit `unit` acknowledged warning `warning_id` with the measures it takes."""
    row = session.get(HotspotWarningUnit, (warning_id, unit))
    if row is None:
        raise LookupError(f"warning {warning_id} does not concern unit {unit!r}")
    row.acknowledged_at, row.acknowledged_by, row.measures = now, actor.id, measures
    return row


def close_if_acknowledged(session: Session, warning_id: int, now: datetime) -> bool:
    """Mark the warning acknowledged once every unit concerned has; whether it now is."""
    warning = session.get(HotspotWarning, warning_id)
    if warning is None:
        raise LookupError(f"warning {warning_id} not found")
    session.flush()
    waiting = session.scalars(
        select(HotspotWarningUnit.unit_code).where(
            HotspotWarningUnit.warning_id == warning_id,
            HotspotWarningUnit.acknowledged_at.is_(None),
        )
    ).first()
    if waiting is None and warning.status != WarningStatus.ACKNOWLEDGED:
        warning.status, warning.acknowledged_at = WarningStatus.ACKNOWLEDGED, now
    return waiting is None
