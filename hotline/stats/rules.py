"""The rules that decide a statistic: what counts as on time, closed, satisfied.

Each is read here once; the facts fold and the figures ask these functions. Articles:
000 guangyuan, 001 guizhou, 002 guangxi, 003 meizhou, 004 puyang (README "Where the rules live").
"""

from __future__ import annotations

from datetime import datetime

from hotline.policy import Profile

# Outcomes that end the demand lawfully (办结): a result closed, with a note, answered by the
# center directly, or a repeat terminated with a written opinion. Declined and merged are not.
CLOSING_OUTCOMES = ("closed", "closed_with_note", "answered", "terminated")
RATINGS = ("satisfied", "basically_satisfied", "unsatisfied", "no_response")


# Rule home: 000 第十三条(一) (30 分钟内响应); 003 第十二条(二) 按时查收交办工单;
# 002 第二十六条(二)7.
def acknowledged_on_time(acknowledged_at: datetime, acknowledge_due_at: datetime | None) -> bool:
    """签收 on time: at or before the acknowledge limit in force at the dispatch. Where the
    profile sets no acknowledge limit (puyang, guizhou) no acknowledgement is late: on time
    (default, not from a regulation)."""
    return acknowledge_due_at is None or acknowledged_at <= acknowledge_due_at


# Rule home: 000 第十三条(二) (超期退回的视为超期办件); 003 第十二条(二) 按时回复工单处理情况;
# 004 附件 四(三)1 (规定期限内无正当理由未办结的视为超期件).
def handled_on_time(result_at: datetime | None, overdue: bool) -> bool:
    """按时办结: the unit delivered its result (a reply, or a joint part's opinion) and was never
    overdue: no result after the due time then in force (extensions move it), no overdue flag
    from the deadline timers, no late return the profile counts as overdue."""
    return result_at is not None and not overdue


# Rule home: 004 附件 四(三)2 (办结率=办结量/转办量); 000 第十四条(一) (该事项办结).
def closes_demand(outcome: str) -> bool:
    """Whether an ending is 办结 (closed lawfully): see CLOSING_OUTCOMES."""
    return outcome in CLOSING_OUTCOMES


# Rule home: 004 附件 四(三)2 (办结率=办结量/转办量×100%).
def closure_rate(closed: int, dispatched: int, returned: int) -> float | None:
    """办结率: closed ÷ dispatched (转办量), the dispatches a unit returned taken out (they went
    back to the center and count for the unit they are redispatched to). Interpretation: the
    attachment does not say whether returned tickets stay in 转办量; None when nothing counts."""
    base = dispatched - returned
    return round(closed / base, 4) if base > 0 else None


# Rule home: 000 第十四条(一) (未作出评价的视为基本满意); 002 第二十七条(二) (24 小时内
# 未回复默认为满意); 004 三(六) (满意、基本满意…该事项办结).
def satisfaction_rate(counts: dict[str, int], profile: Profile) -> float | None:
    """满意率: (satisfied + basically satisfied) ÷ rated. A callback nobody answered counts as
    the profile says (guangyuan: basically satisfied; guangxi: satisfied); where the profile
    says nothing it is not a rating and leaves the denominator."""
    by = dict(counts)
    counts_as = profile.callback.no_answer_counts_as
    if counts_as in ("satisfied", "basically_satisfied", "unsatisfied"):
        by[counts_as] = by.get(counts_as, 0) + by.get("no_response", 0)
    good = by.get("satisfied", 0) + by.get("basically_satisfied", 0)
    rated = good + by.get("unsatisfied", 0)
    return round(good / rated, 4) if rated else None
