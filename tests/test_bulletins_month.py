"""The bulletin of a generated month (hotline.stats SMALL_MONTH, October 2026) under puyang:
the ranking and deductions the assessment computes by hand, in the JSON, XLSX and PDF."""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from openpyxl import load_workbook
from pypdf import PdfReader

from hotline import bulletins
from hotline.actors import Actor
from hotline.assessment import void_deduction
from hotline.policy import active_profile
from hotline.stats import generate_month
from tests.conftest import Hotline


def october(profile_hotline: Any) -> tuple[Hotline, dict, tuple[str, ...]]:
    """puyang's API with SMALL_MONTH in October 2026 and the month's bulletin (version 1)."""
    h = profile_hotline("puyang")
    with h.services.transaction() as session:
        made = generate_month(session, active_profile(h.services.runtime.extras), "2026-10")
    response = h.center.post("/api/v1/bulletins", json={"period": "2026-10"})
    assert response.status_code == 201, response.json
    return h, response.json, made.numbers


def section(bulletin: dict, key: str) -> dict:
    return next(s for s in bulletin["content"]["sections"] if s["key"] == key)


def test_the_ranking_is_the_assessments_hand_computed_one(profile_hotline: Any) -> None:
    # 004 附件 四, 五: LZQ 103 (all 6 closed, −1 overdue, −1 unsatisfied, +5 volume), ZJJ 101
    # (9 of 10 closed: 18, −1, −1, +5), units without tickets 100 (test_assessment_scoring).
    _h, bulletin, numbers = october(profile_hotline)
    ranking = section(bulletin, "ranking")
    assert ranking["available"]
    top = [(r["rank"], r["unit"], r["total"]) for r in ranking["rows"][:3]]
    assert top == [(1, "LZQ", 103.0), (2, "ZJJ", 101.0), (3, "CTQ", 100.0)]
    assert len(ranking["rows"]) == 15
    zjj = next(r for r in ranking["rows"] if r["unit"] == "ZJJ")
    assert (zjj["item:closure_rate"], zjj["item:on_time"], zjj["item:bonus"]) == (18.0, 9.0, 5.0)
    titles = [c["title"] for c in ranking["columns"]]
    assert titles[:4] == ["排名", "单位", "得分（满分100）", "知识库更新（20分）"]
    deductions = section(bulletin, "deductions")["rows"]
    mine = [
        (d["item"], d["points"], d["ticket"])
        for d in deductions
        if d["unit_name"] == "示范市住房和城乡建设局"
    ]
    assert sorted(mine) == sorted(
        [
            ("按时办结（10分）", -1.0, numbers[4]),  # the planned overdue ticket (day 3)
            ("满意度（20分）", -1.0, numbers[7]),  # unsatisfied before its rehandle (day 4)
        ]
    )
    assert all(d["article"].startswith("附件") for d in deductions)
    assert bulletin["content"]["summary"][1].startswith("考核排名第一的是利州区人民政府（103.0分）")


def test_the_files_carry_the_same_ranking(profile_hotline: Any) -> None:
    h, bulletin, _numbers = october(profile_hotline)
    book = load_workbook(BytesIO(h.unit.get(bulletin["xlsx_url"]).data))
    sheet = book["考核排名"]
    assert [c.value for c in sheet[5]][:3] == [1, "利州区人民政府", 103]
    assert [c.value for c in sheet[6]][:3] == [2, "示范市住房和城乡建设局", 101]
    reader = PdfReader(BytesIO(h.unit.get(bulletin["pdf_url"]).data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "濮阳市12345政务服务热线运行情况通报（2026年10月）" in text
    assert "利州区人民政府" in text and "103.0" in text and "扣分明细" in text


def test_the_kpi_table_and_charts_are_the_statistics_figures(profile_hotline: Any) -> None:
    # SMALL_MONTH by hand (tests/test_stats_month.py): 20 tickets, 17 closed of 18 counted;
    # ZJJ closes 9 of its 10 (one returned), LZQ 6 with one overdue, HBJ 3 of 4.
    _h, bulletin, _numbers = october(profile_hotline)
    kpis = {r["unit"]: r for r in section(bulletin, "kpis")["rows"]}
    total = section(bulletin, "kpis")["rows"][-1]
    assert total["unit_name"] == "合计"
    assert (total["received"], total["closed"], total["closure_rate"]) == (
        20,
        17,
        round(17 / 18, 4),
    )
    assert (kpis["ZJJ"]["closed"], kpis["ZJJ"]["returned"], kpis["ZJJ"]["closure_rate"]) == (
        9,
        1,
        0.9,
    )
    assert (kpis["LZQ"]["received"], kpis["LZQ"]["overdue"], kpis["LZQ"]["closed"]) == (6, 1, 6)
    assert (kpis["HBJ"]["received"], kpis["HBJ"]["closed"]) == (4, 3)
    assert bulletin["content"]["summary"][0].startswith(
        "本月共受理群众诉求20件，办结17件，办结率94.4%"
    )
    charts = {c["key"]: c for c in bulletin["content"]["charts"]}
    volume = charts["volume_trend"]
    assert len(volume["categories"]) == 31 and sum(volume["series"][0]["values"]) == 20
    overdue = dict(
        zip(
            charts["overdue_by_unit"]["categories"],
            charts["overdue_by_unit"]["series"][0]["values"],
            strict=True,
        )
    )
    assert overdue["利州区人民政府"] == 1 and overdue["示范市住房和城乡建设局"] == 1
    mix = dict(
        zip(
            charts["category_mix"]["categories"],
            charts["category_mix"]["series"][0]["values"],
            strict=True,
        )
    )
    assert mix == {"投诉": 12, "咨询": 3, "求助": 4, "举报": 1}
    assert section(bulletin, "hotspots")["rows"] == []


def test_a_voided_deduction_makes_version_2_and_version_1_stays(profile_hotline: Any) -> None:
    """An accepted appeal voids ZJJ's overdue deduction (as hotline.appeal_effects does): the
    October bulletin gets version 2 with ZJJ at 102; version 1 still reads 101."""
    h, first, numbers = october(profile_hotline)
    overdue = next(d for d in section(first, "deductions")["rows"] if d["ticket"] == numbers[4])
    profile = active_profile(h.services.runtime.extras)
    with h.services.transaction() as session:
        center = Actor(id=None, name="demo-center", role="center")
        void_deduction(session, profile, center, overdue["deduction_id"], "说明已被采纳")
        row = bulletins.scores_changed(session, profile, date(2026, 10, 5), by="demo-center")
        assert row is not None and (row.version, row.reason) == (2, "scores_changed")
    listed = h.unit.get("/api/v1/bulletins").json["items"]
    assert [(b["period"], b["version"]) for b in listed] == [("2026-10", 2), ("2026-10", 1)]
    second = h.unit.get(f"/api/v1/bulletins/{listed[0]['id']}").json
    old = h.unit.get(f"/api/v1/bulletins/{first['id']}").json
    zjj = {b["version"]: next(r for r in section(b, "ranking")["rows"] if r["unit"] == "ZJJ")
           for b in (second, old)}  # fmt: skip
    assert (zjj[1]["total"], zjj[2]["total"]) == (101.0, 102.0)
    voided = next(d for d in section(second, "deductions")["rows"] if d["ticket"] == numbers[4])
    assert voided["status"] == "申诉撤销"
    text = PdfReader(BytesIO(h.unit.get(second["pdf_url"]).data)).pages[0].extract_text()
    assert "第2版，考核结果变更后重新生成" in text and "102.0" in text
    assert h.unit.get(first["pdf_url"]).data != h.unit.get(second["pdf_url"]).data
