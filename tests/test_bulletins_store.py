"""Stored bulletins: one per period to begin with, a new version when scores change, the
earlier versions still readable; the period each profile publishes for (its article)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from pypdf import PdfReader

from hotline import bulletins, clock
from hotline.bulletins import BulletinReason, parse_period
from hotline.errors import Invalid
from hotline.models.bulletins import Bulletin
from hotline.policy import active_profile, shipped_profile
from hotline.policy.bulletins import publication_period
from wiring.services import Services

OCTOBER = parse_period("2026-10")


def test_publication_period_follows_each_regulation() -> None:
    # Rule home: hotline.policy.bulletins.publication_period — 003 第十二条(三) 每季度;
    # 002 第三十条 按月; 004 三(六) 月通报; 000 第二十五条 and 001 第十八条 say 定期 (default).
    assert publication_period(shipped_profile("meizhou")) == "quarter"
    assert publication_period(shipped_profile("guangxi")) == "month"
    assert publication_period(shipped_profile("puyang")) == "month"
    for name in ("guangyuan", "guizhou"):
        rules = shipped_profile(name).bulletins
        assert rules.period == "month" and rules.origin.default_not_from_regulation
    assert not shipped_profile("meizhou").bulletins.origin.default_not_from_regulation
    assert shipped_profile("meizhou").bulletins.issuer == "梅州市12345政府服务热线"


def test_periods_run_from_shanghai_midnight() -> None:
    assert OCTOBER.start == datetime(2026, 9, 30, 16, tzinfo=UTC)
    assert OCTOBER.end == datetime(2026, 10, 31, 16, tzinfo=UTC)
    assert len(OCTOBER.days()) == 31 and OCTOBER.title == "2026年10月"
    q4 = parse_period("2026-q4")
    assert (q4.key, q4.title, q4.last_day) == ("2026-Q4", "2026年第四季度", date(2026, 12, 31))
    assert q4.next().key == "2027-Q1" and parse_period("2026-01").previous().key == "2025-12"
    for bad in ("2026-13", "2026-Q5", "October", "2026-1"):
        with pytest.raises(ValueError, match="2026-Q3"):
            parse_period(bad)


def test_a_period_is_published_in_versions_and_the_earlier_stays_readable(
    services: Services,
) -> None:
    profile = active_profile(services.runtime.extras)
    with services.transaction() as session:
        first = bulletins.generate(
            session, profile, OCTOBER, reason=BulletinReason.ON_DEMAND, by="demo-center"
        )
        first_id, first_pdf = first.id, first.pdf
    with services.transaction() as session:
        changed = bulletins.scores_changed(session, profile, date(2026, 10, 17))
        assert changed is not None
        second_id = changed.id
    with services.transaction() as session:
        old, new = session.get(Bulletin, first_id), session.get(Bulletin, second_id)
        assert old is not None and new is not None
        assert (old.version, old.reason, old.created_by) == (1, "on_demand", "demo-center")
        assert (new.version, new.reason, new.period) == (2, "scores_changed", "2026-10")
        assert old.pdf == first_pdf  # the file as first published, unchanged
        text = PdfReader(BytesIO(new.pdf)).pages[0].extract_text()
        assert "第2版，考核结果变更后重新生成" in text
        assert bulletins.content_of(new).version == 2
        assert bulletins.latest_version(session, profile, OCTOBER) == new


def test_scores_changed_does_nothing_before_the_period_is_published(services: Services) -> None:
    profile = active_profile(services.runtime.extras)
    with services.transaction() as session:
        assert bulletins.scores_changed(session, profile, "2026-10") is None
        assert bulletins.scores_changed(session, profile, clock.now()) is None
        assert session.query(Bulletin).count() == 0


def test_only_ended_periods_of_the_profiles_kind_are_generated(services: Services) -> None:
    profile = active_profile(services.runtime.extras)  # guangyuan: monthly; now 2026-11-23
    with services.transaction() as session:
        with pytest.raises(Invalid) as running:
            bulletins.generate(
                session,
                profile,
                parse_period("2026-11"),
                reason=BulletinReason.ON_DEMAND,
                by="demo-center",
            )
        assert "has not ended" in running.value.message and "period" in running.value.fields
        with pytest.raises(Invalid) as quarter:
            bulletins.profile_period(profile, "2026-Q3")
        assert "per month" in quarter.value.message and "第二十五条" in quarter.value.message
        meizhou = shipped_profile("meizhou")
        assert bulletins.profile_period(meizhou, "2026-Q3").key == "2026-Q3"
        with pytest.raises(Invalid, match="2026-Q3"):
            bulletins.profile_period(meizhou, "2026-09")
        row = bulletins.generate(
            session,
            meizhou,
            parse_period("2026-Q3"),
            reason=BulletinReason.ON_DEMAND,
            by="demo-center",
        )
        assert row.content["title"] == "梅州市12345政府服务热线运行情况通报（2026年第三季度）"
        # An accepted appeal on a September day re-versions the quarter's bulletin.
        again = bulletins.scores_changed(session, meizhou, date(2026, 9, 3))
        assert again is not None and (again.period, again.version) == ("2026-Q3", 2)


def test_the_period_end_job_publishes_the_last_ended_period_once(services: Services) -> None:
    profile = active_profile(services.runtime.extras)
    with services.transaction() as session:
        row = bulletins.publish_period_end(session, profile, clock.now())
        assert row is not None and (row.period, row.version, row.reason) == (
            "2026-10",
            1,
            "period_end",
        )
        assert row.created_by == "scheduler"
        assert bulletins.publish_period_end(session, profile, clock.now()) is None
        assert session.query(Bulletin).count() == 1
