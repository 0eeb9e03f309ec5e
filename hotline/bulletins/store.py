"""Generate, store and version bulletins (通报); read them back.

A period's first bulletin is version 1. Regenerating it adds version 2, 3, …; earlier
versions stay readable. Everything happens in the caller's transaction: the bulletin is
stored together with whatever caused it (an accepted appeal), or not at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hotline import access, clock
from hotline.actors import Actor
from hotline.bulletins.content import BulletinContent, BulletinReason
from hotline.bulletins.gather import gather
from hotline.bulletins.pdf import render_pdf
from hotline.bulletins.periods import Period, last_ended, parse_period, period_of
from hotline.bulletins.xlsx import render_xlsx
from hotline.errors import Conflict, Forbidden, Invalid, NotFound
from hotline.models.bulletins import Bulletin
from hotline.paging import count_rows, paginate
from hotline.policy.bulletins import bulletin_rules, publication_period
from hotline.policy.model import Profile

SCHEDULER = "scheduler"  # created_by of the bulletins the period-end job publishes
# The steps of generating a bulletin, as `progress` hears of them (the CLI's progress bar).
STEPS = ("gathered", "xlsx", "pdf", "stored")


def profile_period(profile: Profile, text: str) -> Period:
    """The period named by `text` ("2026-10", "2026-Q3"), checked against the profile's
    publication period; Invalid naming the field `period` otherwise."""
    try:
        period = parse_period(text)
    except ValueError as exc:
        raise Invalid(str(exc), {"period": [str(exc)]}) from None
    wanted = publication_period(profile)
    if period.kind != wanted:
        origin = bulletin_rules(profile).origin
        example = "2026-Q3" if wanted == "quarter" else "2026-10"
        message = (
            f"profile {profile.name} publishes a bulletin per {wanted} "
            f"({origin.source}): give a {wanted} such as {example}"
        )
        raise Invalid(message, {"period": [message]})
    return period


def generate(
    session: Session,
    profile: Profile,
    period: Period,
    *,
    reason: BulletinReason,
    by: str,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> Bulletin:
    """Gather, render and store the next version of `period`'s bulletin; the stored row.

    The period must have ended (Invalid otherwise). Conflict when another process stored
    the same version meanwhile (the caller may try again). `progress` hears each of STEPS.
    """
    step = progress or (lambda _name: None)
    now = now or clock.now()
    if period.end > now:
        message = (
            f"{period.key} has not ended yet: its bulletin can be generated from "
            f"{period.end.isoformat()}"
        )
        raise Invalid(message, {"period": [message]})
    version = (_latest_version(session, profile, period) or 0) + 1
    content = gather(session, profile, period, now).stamped(version, reason.value)
    step(STEPS[0])
    xlsx = render_xlsx(content)
    step(STEPS[1])
    pdf = render_pdf(content)
    step(STEPS[2])
    row = Bulletin(
        profile=profile.name,
        period=period.key,
        period_kind=period.kind,
        version=version,
        reason=reason.value,
        created_at=now,
        created_by=by,
        content=content.to_json(),
        xlsx=xlsx,
        pdf=pdf,
    )
    try:
        with session.begin_nested():  # a lost race leaves the caller's transaction usable
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"version {version} of the {period.key} bulletin was stored meanwhile; try again"
        ) from None
    step(STEPS[3])
    return row


def publish_period_end(session: Session, profile: Profile, now: datetime) -> Bulletin | None:
    """The period-end job: publish the bulletin of the last period ended by `now` unless one
    exists already; the new row, or None when there was nothing to do (or another scheduler
    published it first)."""
    period = last_ended(publication_period(profile), now)
    if _latest_version(session, profile, period) is not None:
        return None
    try:
        return generate(
            session, profile, period, reason=BulletinReason.PERIOD_END, by=SCHEDULER, now=now
        )
    except Conflict:
        return None


def scores_changed(
    session: Session, profile: Profile, when: date | datetime | str, *, by: str = SCHEDULER
) -> Bulletin | None:
    """Re-version the bulletin of the period containing `when` (a day, an instant, or a
    period key such as "2026-10") after its scores changed, e.g. an appeal was accepted.

    Nothing happens (None) while that period has no bulletin yet: the period-end job will
    publish the corrected figures. Call it in the transaction that changed the scores.
    """
    kind = publication_period(profile)
    period = parse_period(when) if isinstance(when, str) else period_of(kind, when)
    if period.kind != kind:
        period = period_of(kind, period.first_day)
    if _latest_version(session, profile, period) is None:
        return None
    return generate(session, profile, period, reason=BulletinReason.SCORES_CHANGED, by=by)


def list_bulletins(
    session: Session,
    caller: Actor,
    *,
    profile: str,
    page: int = 1,
    per_page: int = 20,
    period: str | None = None,
) -> tuple[Sequence[Bulletin], int]:
    """One page of the profile's bulletins, newest period and version first."""
    _may_read(caller)
    query = select(Bulletin).where(Bulletin.profile == profile)
    if period:
        query = query.where(Bulletin.period == period)
    total = count_rows(session, query)
    query = query.order_by(Bulletin.period.desc(), Bulletin.version.desc(), Bulletin.id.desc())
    return session.scalars(paginate(query, page, per_page)).all(), total


def get_bulletin(session: Session, caller: Actor, bulletin_id: int) -> Bulletin:
    """One stored bulletin version; NotFound when there is none."""
    _may_read(caller)
    row = session.get(Bulletin, bulletin_id)
    if row is None:
        raise NotFound(f"no bulletin {bulletin_id}")
    return row


def content_of(row: Bulletin) -> BulletinContent:
    """The stored content of a bulletin version."""
    return BulletinContent.from_json(row.content)


def latest_version(session: Session, profile: Profile, period: Period) -> Bulletin | None:
    """The newest stored version of the period's bulletin, if any."""
    return session.scalars(
        select(Bulletin)
        .where(Bulletin.profile == profile.name, Bulletin.period == period.key)
        .order_by(Bulletin.version.desc())
        .limit(1)
    ).first()


def file_name(row: Bulletin, extension: str) -> str:
    """The download's file name: bulletin-guangyuan-2026-10-v2.pdf."""
    return f"bulletin-{row.profile}-{row.period}-v{row.version}.{extension}"


def _latest_version(session: Session, profile: Profile, period: Period) -> int | None:
    return session.scalar(
        select(func.max(Bulletin.version)).where(
            Bulletin.profile == profile.name, Bulletin.period == period.key
        )
    )


def _may_read(caller: Actor) -> None:
    if not access.may_read_bulletin(caller):
        raise Forbidden("you may not read bulletins")
