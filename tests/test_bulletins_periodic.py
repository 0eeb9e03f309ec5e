"""The period-end job: when the service clock passes a period's end the bulletin is published,
once, however many schedulers run; an empty service publishes nothing."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

from sqlalchemy import select

from hotline import clock
from hotline.bulletins import parse_period
from hotline.config import Settings
from hotline.demo import load_demo
from hotline.models.bulletins import Bulletin
from hotline.policy import active_profile
from hotline.stats import generate_month
from scheduler import TimerService
from scheduler.periodic import PeriodEnd, run_period_end
from tests.conftest import Hotline
from tests.helpers.hotspots import add_background, warnings
from wiring.services import Services, build_services

NOVEMBER = parse_period("2026-11")


def history(services: Services) -> None:
    """The demo city with a generated November of tickets."""
    with services.transaction() as session:
        load_demo(session)
        generate_month(session, active_profile(services.runtime.extras), NOVEMBER.key)


def stored(services: Services) -> list[tuple[str, int, str, str]]:
    with services.transaction() as session:
        rows = session.scalars(select(Bulletin).order_by(Bulletin.id)).all()
        return [(r.period, r.version, r.reason, r.created_by) for r in rows]


def race(services: list[Services]) -> list[PeriodEnd]:
    """run_period_end in one thread per Services, started together."""
    barrier = threading.Barrier(len(services))
    results: list[PeriodEnd | None] = [None] * len(services)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = run_period_end(services[index])
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(services))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return [r for r in results if r is not None]


def test_two_schedulers_publish_the_ended_month_exactly_once(
    services: Services, settings: Settings, manual_clock: clock.ManualClock
) -> None:
    history(services)
    # 23 November: October had no ticket, November runs on: nothing to publish.
    assert run_period_end(services).bulletin_id is None
    manual_clock.set(NOVEMBER.end - timedelta(seconds=1))  # 30 November 23:59:59 Shanghai
    assert run_period_end(services).bulletin_id is None
    assert stored(services) == []
    manual_clock.set(NOVEMBER.end + timedelta(seconds=1))
    other = build_services(settings)  # a second scheduler process on the same database
    try:
        results = race([services, other])
    finally:
        other.dispose()
    published = [r.period for r in results if r.bulletin_id is not None]
    assert published == ["2026-11"]
    assert stored(services) == [("2026-11", 1, "period_end", "scheduler")]
    manual_clock.advance(timedelta(days=3))
    assert run_period_end(services).bulletin_id is None
    assert len(stored(services)) == 1


def test_the_timer_service_runs_the_job_on_its_pass(
    services: Services, manual_clock: clock.ManualClock
) -> None:
    history(services)
    service = TimerService(services, sweep_seconds=30)
    service.start(paused=True)  # decisions only: run() is called by hand below
    try:
        service.run()
        assert stored(services) == []
        manual_clock.set(datetime(2026, 12, 1, 0, 5, tzinfo=clock.SHANGHAI))
        service.run()
    finally:
        service.stop(wait=False)
    assert stored(services) == [("2026-11", 1, "period_end", "scheduler")]


NIGHT_WORK = (
    "滨河路工地半夜打桩，吵得睡不着",
    "夜间施工噪音扰民，晚上十一点还在作业",
    "工地晚上施工太吵了，严重扰民",
    "半夜还在施工，噪音很大",
    "建筑工地夜间施工噪音扰民",
    "晚上工地打桩噪音太大睡不着",
    "附近工地夜里施工扰民",
)


def test_the_day_is_scored_and_its_hot_spots_detected_then_the_bulletin_lists_them(
    hotline: Hotline, manual_clock: clock.ManualClock
) -> None:
    h = hotline
    add_background(h)
    for text in NIGHT_WORK:  # a burst of night-work complaints on Monday 23 November
        h.new_ticket(content=text)
    assert run_period_end(h.services).scored == (date(2026, 11, 22),)
    assert warnings(h.center) == []  # Sunday's window had no burst
    manual_clock.set(datetime(2026, 11, 24, 0, 0, 1, tzinfo=clock.SHANGHAI))
    assert run_period_end(h.services).scored == (date(2026, 11, 23),)
    [warned] = warnings(h.center)
    assert warned["district"] == "利州区" and warned["count"] == len(NIGHT_WORK)
    manual_clock.set(datetime(2026, 12, 1, 0, 0, 1, tzinfo=clock.SHANGHAI))
    done = run_period_end(h.services)
    assert done.scored[-1] == date(2026, 11, 30) and done.period == "2026-11"
    bulletin = h.unit.get(f"/api/v1/bulletins/{done.bulletin_id}").json
    [hot] = next(s for s in bulletin["content"]["sections"] if s["key"] == "hotspots")["rows"]
    assert (hot["warning_id"], hot["district"], hot["count"]) == (warned["id"], "利州区", 7)
    assert "噪音" in hot["topic"] and hot["category"] == "投诉"
    assert any("热点预警1个" in line for line in bulletin["content"]["summary"])
