"""Assessment (考核): each profile's scoring scheme applied to the recorded history.

Public functions for the other parts:
- scheduler: `score_day(session, profile, day)` (idempotent per day);
- bulletins: `period_ranking(session, profile, day)` (per-unit scores, itemised deductions,
  summons flags), `cycle_ranking`;
- appeals: `void_deduction`, `restore_deduction`, `exclude`, `decide_exclusion`.
"""

from hotline.assessment.deductions import (
    decide_exclusion,
    exclude,
    file_explanation,
    get_deduction,
    restore_deduction,
    void_deduction,
)
from hotline.assessment.ranking import RankedUnit, Ranking, cycle_ranking, period_ranking
from hotline.assessment.scoring import rescore, score_day

__all__ = [
    "RankedUnit",
    "Ranking",
    "cycle_ranking",
    "decide_exclusion",
    "exclude",
    "file_explanation",
    "get_deduction",
    "period_ranking",
    "rescore",
    "restore_deduction",
    "score_day",
    "void_deduction",
]
