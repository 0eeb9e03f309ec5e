"""Bulletins (通报): a period's ranking, scores, KPIs, hot spots and charts, generated at the
period's end and on demand, stored in versions, downloadable as XLSX and PDF.

Public functions: `generate`, `publish_period_end`, `scores_changed` (call it when an
accepted appeal changed a period's scores), `list_bulletins`, `get_bulletin`,
`profile_period`.
"""

from hotline.bulletins.content import BulletinContent, BulletinReason
from hotline.bulletins.periods import Period, last_ended, parse_period, period_of
from hotline.bulletins.store import (
    content_of,
    file_name,
    generate,
    get_bulletin,
    latest_version,
    list_bulletins,
    profile_period,
    publish_period_end,
    scores_changed,
)

__all__ = [
    "BulletinContent",
    "BulletinReason",
    "Period",
    "content_of",
    "file_name",
    "generate",
    "get_bulletin",
    "last_ended",
    "latest_version",
    "list_bulletins",
    "parse_period",
    "period_of",
    "profile_period",
    "publish_period_end",
    "scores_changed",
]
