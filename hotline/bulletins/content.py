"""What a bulletin (通报) says, as plain data: titled tables and charts, stored as JSON.

The renderers (XLSX, PDF, SVG) read only this structure; `hotline.bulletins.gather` fills it
from the statistics, assessment and hot-spot parts. A part that cannot answer leaves its
section in place, marked not available with the reason, so a reader sees what is missing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from hotline.clock import SHANGHAI

# Column kinds: how a value is written (percent: a fraction 0–1 written as 97.5%).
COLUMN_KINDS = ("text", "int", "float", "percent")
CHART_KINDS = ("line", "bar", "pie")
NOT_AVAILABLE = "暂无数据"  # what a reader sees in place of a section that could not be filled


class BulletinReason(StrEnum):
    """Why a version of a bulletin was generated."""

    PERIOD_END = "period_end"  # the scheduled job, when the period ended
    ON_DEMAND = "on_demand"  # the center asked (API, CLI, demo)
    SCORES_CHANGED = "scores_changed"  # an accepted appeal changed the period's scores


_REASON_TITLES = {
    BulletinReason.PERIOD_END: "期末自动生成",
    BulletinReason.ON_DEMAND: "按需生成",
    BulletinReason.SCORES_CHANGED: "考核结果变更后重新生成",
}


def reason_title(reason: str) -> str:
    """The reason as the bulletin prints it, e.g. 考核结果变更后重新生成."""
    try:
        return _REASON_TITLES[BulletinReason(reason)]
    except ValueError:
        return reason


@dataclass(frozen=True)
class Column:
    """One column of a table: the row key it shows, its heading, how its values are written."""

    key: str
    title: str
    kind: str = "text"  # one of COLUMN_KINDS


@dataclass(frozen=True)
class Section:
    """One table of the bulletin (ranking, scores, deductions, KPIs, hot spots)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...] = ()
    available: bool = True
    note: str = ""  # what the table counts, or why it is not available

    def column(self, key: str) -> Column:
        """The column named `key`."""
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Series:
    """One line, bar series or pie of a chart."""

    name: str
    values: tuple[float | None, ...]  # None: no value there (a gap in a line)


@dataclass(frozen=True)
class Chart:
    """A chart: categories along the x axis (or pie slices) and one or more series."""

    key: str
    title: str
    kind: str  # one of CHART_KINDS
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    value_title: str = ""
    percent: bool = False  # values are fractions 0–1, shown as percentages
    available: bool = True
    note: str = ""


@dataclass(frozen=True)
class BulletinContent:
    """Everything one bulletin says; `version` and `reason` are set when it is stored."""

    profile: str
    issuer: str  # e.g. 示范市12345热线 (the center that publishes)
    period: str  # key: 2026-10 or 2026-Q3
    period_kind: str
    period_title: str  # 2026年10月
    starts: str  # ISO instants (UTC) of the period
    ends: str
    generated_at: str
    summary: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    charts: tuple[Chart, ...] = ()
    version: int = 1
    reason: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def title(self) -> str:
        """The bulletin's heading: 示范市12345热线运行情况通报（2026年10月）."""
        return f"{self.issuer}运行情况通报（{self.period_title}）"

    def section(self, key: str) -> Section:
        """The section named `key` (KeyError when the bulletin has none)."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def chart(self, key: str) -> Chart:
        """The chart named `key` (KeyError when the bulletin has none)."""
        for chart in self.charts:
            if chart.key == key:
                return chart
        raise KeyError(key)

    def stamped(self, version: int, reason: str) -> BulletinContent:
        """The same content as version `version`, issued for `reason`."""
        return replace(self, version=version, reason=reason)

    def to_json(self) -> dict[str, Any]:
        """The content as JSON-ready data (what the database stores and the API returns)."""
        return {
            "profile": self.profile,
            "issuer": self.issuer,
            "title": self.title,
            "period": self.period,
            "period_kind": self.period_kind,
            "period_title": self.period_title,
            "starts": self.starts,
            "ends": self.ends,
            "generated_at": self.generated_at,
            "version": self.version,
            "reason": self.reason,
            "summary": list(self.summary),
            "notes": list(self.notes),
            "sections": [_section_json(s) for s in self.sections],
            "charts": [_chart_json(c) for c in self.charts],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BulletinContent:
        """Read back what `to_json` wrote."""
        return cls(
            profile=data["profile"],
            issuer=data["issuer"],
            period=data["period"],
            period_kind=data["period_kind"],
            period_title=data["period_title"],
            starts=data["starts"],
            ends=data["ends"],
            generated_at=data["generated_at"],
            summary=tuple(data.get("summary", ())),
            sections=tuple(_section(s) for s in data.get("sections", ())),
            charts=tuple(_chart(c) for c in data.get("charts", ())),
            version=int(data.get("version", 1)),
            reason=data.get("reason", ""),
            notes=tuple(data.get("notes", ())),
        )


def _section_json(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "available": section.available,
        "note": section.note,
        "columns": [{"key": c.key, "title": c.title, "kind": c.kind} for c in section.columns],
        "rows": [dict(row) for row in section.rows],
    }


def _section(data: dict[str, Any]) -> Section:
    return Section(
        key=data["key"],
        title=data["title"],
        columns=tuple(Column(c["key"], c["title"], c.get("kind", "text")) for c in data["columns"]),
        rows=tuple(dict(row) for row in data.get("rows", ())),
        available=bool(data.get("available", True)),
        note=data.get("note", ""),
    )


def _chart_json(chart: Chart) -> dict[str, Any]:
    return {
        "key": chart.key,
        "title": chart.title,
        "kind": chart.kind,
        "value_title": chart.value_title,
        "percent": chart.percent,
        "available": chart.available,
        "note": chart.note,
        "categories": list(chart.categories),
        "series": [{"name": s.name, "values": list(s.values)} for s in chart.series],
    }


def _chart(data: dict[str, Any]) -> Chart:
    return Chart(
        key=data["key"],
        title=data["title"],
        kind=data["kind"],
        categories=tuple(data.get("categories", ())),
        series=tuple(Series(s["name"], tuple(s["values"])) for s in data.get("series", ())),
        value_title=data.get("value_title", ""),
        percent=bool(data.get("percent", False)),
        available=bool(data.get("available", True)),
        note=data.get("note", ""),
    )


def missing_section(key: str, title: str, columns: tuple[Column, ...], why: str) -> Section:
    """A section the bulletin keeps in place but cannot fill: `why` says what is missing."""
    return Section(key, title, columns, (), False, why)


def missing_chart(key: str, title: str, kind: str, why: str) -> Chart:
    """A chart the bulletin keeps in place but cannot draw: `why` says what is missing."""
    return Chart(key, title, kind, (), (), available=False, note=why)


def written(value: Any, kind: str) -> str:
    """A table value as a reader sees it: 97.5% for a percent, 12.3 for a float, — for none."""
    if value is None or value == "":
        return "—"
    if kind == "percent":
        return f"{float(value) * 100:.1f}%"
    if kind == "float":
        return f"{float(value):.1f}"
    if kind == "int":
        return str(int(value))
    return str(value)


def shown_time(iso: str) -> str:
    """An ISO instant as Shanghai wall time to the minute: 2026-11-01 00:05."""
    try:
        return datetime.fromisoformat(iso).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso
