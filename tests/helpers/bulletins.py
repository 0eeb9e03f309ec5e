"""A bulletin's content made by hand, for the renderers and the storage (no other part needed)."""

from __future__ import annotations

from hotline.bulletins.content import BulletinContent, Chart, Column, Section, Series

UNITS = (("ZJJ", "示范市住房和城乡建设局"), ("LZQ", "利州区人民政府"), ("HBJ", "示范市生态环境局"))


def sample_content(*, days: int = 31, deductions: int = 3) -> BulletinContent:
    """October 2026 of the demo city: three units ranked, KPIs, one hot spot, four charts."""
    ranking = Section(
        "ranking",
        "考核排名",
        (
            Column("rank", "排名", "int"),
            Column("unit_name", "单位"),
            Column("score", "得分", "float"),
        ),
        tuple(
            {"rank": i + 1, "unit": code, "unit_name": name, "score": 98.5 - 3 * i}
            for i, (code, name) in enumerate(UNITS)
        ),
    )
    deducted = Section(
        "deductions",
        "扣分明细",
        (
            Column("unit_name", "单位"),
            Column("rule", "扣分项"),
            Column("ticket", "工单"),
            Column("points", "扣分", "float"),
        ),
        tuple(
            {"unit_name": UNITS[1][1], "rule": "超期办结", "ticket": f"GY2026100{n}", "points": 1}
            for n in range(deductions)
        ),
        note="每一扣分项对应一张工单或一条记录",
    )
    kpis = Section(
        "kpis",
        "运行指标",
        (
            Column("unit_name", "单位"),
            Column("received", "受理量", "int"),
            Column("closed", "办结量", "int"),
            Column("closing_rate", "办结率", "percent"),
            Column("satisfaction_rate", "满意率", "percent"),
        ),
        tuple(
            {
                "unit": code,
                "unit_name": name,
                "received": 40 + i,
                "closed": 38,
                "closing_rate": 38 / (40 + i),
                "satisfaction_rate": 0.975 - i / 100,
            }
            for i, (code, name) in enumerate(UNITS)
        ),
    )
    hotspots = Section(
        "hotspots",
        "热点问题",
        (Column("topic", "热点"), Column("district", "区县"), Column("tickets", "工单数", "int")),
        available=False,
        note="not available: hot-spot warnings have not been built yet",
    )
    labels = tuple(f"10-{d:02d}" for d in range(1, days + 1))
    charts = (
        Chart(
            "volume_trend",
            "受理量趋势",
            "line",
            labels,
            (Series("受理", tuple(float(10 + d % 7) for d in range(days))),),
            "件",
        ),
        Chart(
            "satisfaction_trend",
            "满意率趋势",
            "line",
            labels,
            # Days without a rated callback have no point (None).
            (
                Series(
                    "满意率",
                    tuple(None if d % 7 == 3 else 0.9 + (d % 5) / 100 for d in range(days)),
                ),
            ),
            "%",
            percent=True,
        ),
        Chart(
            "overdue_by_unit",
            "各单位超期件数",
            "bar",
            tuple(name for _code, name in UNITS),
            (Series("超期", (2.0, 5.0, 0.0)),),
            "件",
        ),
        Chart(
            "category_mix",
            "诉求类型构成",
            "pie",
            ("咨询", "投诉", "求助"),
            (Series("件数", (50.0, 30.0, 20.0)),),
        ),
    )
    return BulletinContent(
        profile="guangyuan",
        issuer="广元市12345政务服务便民热线",
        period="2026-10",
        period_kind="month",
        period_title="2026年10月",
        starts="2026-09-30T16:00:00+00:00",
        ends="2026-10-31T16:00:00+00:00",
        generated_at="2026-11-01T00:05:00+08:00",
        summary=("本月共受理群众诉求123件，办结114件，办结率92.7%。",),
        sections=(ranking, deducted, kpis, hotspots),
        charts=charts,
        version=1,
        reason="period_end",
    )
