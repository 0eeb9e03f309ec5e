"""The retention job under guangyuan (seeds/000_27d936bb79493c2c.txt): run by the scheduler's
pass once a Shanghai day, by several schedulers at once without doing anything twice, and by
hand with `hotline retention run [--dry-run]`, `hold NUMBER --reason …`, `release NUMBER`.

Clock: Monday 2026-11-23 09:00 Shanghai, moved forward on the test's manual clock.
Guangyuan archives 90 days after closing (a default; 第十四条 工作档案) and purges personal
data 5 years after closing (a default; 第二十二条).
"""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import timedelta

import pytest
from click.testing import Result
from sqlalchemy import func, select

from hotline import archive_pdf, clock
from hotline.config import Settings
from hotline.models.retention import ArchiveRecord
from scheduler import TimerService
from scheduler.retention import DailyRetention, run_retention
from tests.conftest import Hotline
from tests.helpers.retention import MARKER, closed, closed_at, purge_rows, years_after
from tests.helpers.servers import race
from wiring.services import build_services


def archived(h: Hotline, number: str) -> bool:
    """Whether the center can read the ticket's archive record."""
    return h.center.get(f"/api/v1/tickets/{number}/archive").status_code == 200


def test_the_schedulers_pass_runs_the_job_once_a_day(
    hotline: Hotline, manual_clock: clock.ManualClock
) -> None:
    h = hotline
    number = closed(h)
    service = TimerService(h.services, sweep_seconds=30)
    service.start(paused=True)  # decisions only: run() is called by hand below
    try:
        service.run()
        assert not archived(h, number)  # closed today: 90 days to go
        manual_clock.set(closed_at(h, number) + timedelta(days=90))
        service.run()
        assert archived(h, number)
    finally:
        service.stop(wait=False)
    # Once per Shanghai day: the same day's second pass does nothing, the next day's runs.
    daily = DailyRetention(h.services)
    assert daily.run_if_due() is not None
    assert daily.run_if_due() is None
    manual_clock.advance(timedelta(days=1))
    assert daily.run_if_due() is not None


def test_two_schedulers_archive_and_purge_each_ticket_once(
    hotline: Hotline, settings: Settings, manual_clock: clock.ManualClock
) -> None:
    h = hotline
    numbers = [closed(h) for _ in range(3)]
    manual_clock.set(years_after(closed_at(h, numbers[-1]), 5))
    other = build_services(settings)  # a second scheduler process on the same database
    try:
        reports = race([lambda: run_retention(h.services), lambda: run_retention(other)])
    finally:
        other.dispose()
    assert sorted(n for r in reports for n in r.archived) == numbers
    assert sorted(n for r in reports for n in r.purged) == numbers
    with h.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ArchiveRecord)) == 3
    for number in numbers:
        assert len(purge_rows(h, number)) == 1
        assert h.ticket(number)["requester"]["phone"] == MARKER


def test_retention_by_hand_counts_holds_and_releases(
    hotline: Hotline, run: Callable[..., Result], manual_clock: clock.ManualClock
) -> None:
    h = hotline
    kept, held = closed(h), closed(h)
    manual_clock.set(years_after(closed_at(h, held), 5))

    placed = run("retention", "hold", held, "--reason", "法院调取证据，暂缓清除")
    assert placed.exit_code == 0, placed.output
    assert placed.output == f"legal hold 1 placed on {held}\n"

    dry = run("retention", "run", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output == (
        f"guangyuan: would be archived 2 ({kept}, {held}); recordings purged 0; purged 1 ({kept}); "
        f"held (legal hold, not purged) 1 ({held})\n"
    )
    assert not archived(h, kept)  # a dry run changes nothing
    assert h.ticket(kept)["requester"]["phone"] == "13800001234"

    done = run("retention", "run")
    assert done.exit_code == 0, done.output
    assert done.output == (
        f"guangyuan: archived 2 ({kept}, {held}); recordings purged 0; purged 1 ({kept}); "
        f"held (legal hold, not purged) 1 ({held})\n"
    )
    assert h.ticket(kept)["requester"] == {"name": MARKER, "phone": MARKER}
    assert h.ticket(held)["requester"]["phone"] == "13800001234"
    operator = f"hotline retention ({getpass.getuser()})"
    assert [(r["actor"], r["role"]) for r in purge_rows(h, kept)] == [(operator, "system")]
    again = run("retention", "run")
    assert again.output.startswith("guangyuan: archived 0; recordings purged 0; purged 0; held")

    released = run("retention", "release", held)
    assert released.exit_code == 0 and released.output == f"released 1 legal hold(s) of {held}\n"
    nothing = run("retention", "release", held)
    assert nothing.exit_code == 1 and f"{held} has no active legal hold" in nothing.output
    assert (
        f"; purged 1 ({held}); held (legal hold, not purged) 0\n" in run("retention", "run").output
    )
    assert h.ticket(held)["requester"]["phone"] == MARKER


def test_retention_hold_refuses_unknown_tickets_and_missing_reasons(
    hotline: Hotline, run: Callable[..., Result]
) -> None:
    number = closed(hotline)
    unknown = run("retention", "hold", "GY000", "--reason", "x")
    assert unknown.exit_code == 1 and "ticket GY000 not found" in unknown.output
    missing = run("retention", "hold", number)
    assert missing.exit_code == 2 and "--reason" in missing.output
    blank = run("retention", "hold", number, "--reason", "  ")
    assert blank.exit_code == 1 and "needs its reason" in blank.output
    assert hotline.center.get(f"/api/v1/tickets/{number}/legal-holds").json["items"] == []


def test_a_ticket_that_fails_is_reported_and_the_others_go_on(
    hotline: Hotline,
    run: Callable[..., Result],
    manual_clock: clock.ManualClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    h = hotline
    broken, fine = closed(h), closed(h)
    manual_clock.set(closed_at(h, fine) + timedelta(days=90))
    render = archive_pdf.render

    def failing(document: dict, sha256: str) -> bytes:
        if document["number"] == broken:
            raise RuntimeError("the PDF could not be drawn")
        return render(document, sha256)

    monkeypatch.setattr(archive_pdf, "render", failing)
    result = run("retention", "run")
    assert result.exit_code == 1
    assert f"archived 1 ({fine})" in result.output
    assert "1 step(s) failed (ticket ids 1)" in result.output
    assert not archived(h, broken) and archived(h, fine)  # nothing half-written

    monkeypatch.setattr(archive_pdf, "render", render)
    again = run("retention", "run")
    assert again.exit_code == 0 and f"archived 1 ({broken})" in again.output
