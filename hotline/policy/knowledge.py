"""Profile rules for the knowledge base (知识库): question limits, review and new-policy periods.

The [knowledge] section is optional in a profile TOML; without it the defaults say they
are not from the regulation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hotline.policy import basics as b


@dataclass(frozen=True)
class Period:
    """A whole number of calendar months or days, with its source (knowledge-base periods)."""

    amount: int
    unit: str  # "months" or "days"
    origin: b.Provenance


DEFAULT_REVIEW = Period(
    12,
    "months",
    b.default_provenance(
        "no regulation gives a review period: a published article is reviewed yearly"
    ),
)


@dataclass(frozen=True)
class Knowledge:
    """Knowledge base (知识库): how long a unit has to answer the center's knowledge question,
    how often a published article is reviewed, and how soon a new policy must be pushed."""

    question_limit: b.Limit  # working days (or hours) from the moment the center asks
    origin: b.Provenance
    review: Period = DEFAULT_REVIEW  # next review of a published article (months)
    # puyang 附件 四(一): 对新政策、新规定，承办单位应在一周内完成更新并推送 (days); None: no rule
    new_policy: Period | None = None


DEFAULT_KNOWLEDGE = Knowledge(
    b.Limit(
        3, "working_days", b.DEFAULT_SOURCE, "no regulation of this profile gives a number", True
    ),
    b.default_provenance(
        "3 working days to answer a knowledge question, as guangxi 第二十九条(二)"
    ),
)


def _period(parent: Any, name: str, unit: str, provenance: Any, top: int) -> Period | None:
    t = parent.table(name, required=False)
    if t is None:
        return None
    amount = t.get(unit, (int,), required=True)
    if not 1 <= amount <= top:
        t.fail(unit, f"must be between 1 and {top}, got {amount}")
    period = Period(amount, unit, provenance(t))
    t.done()
    return period


def read_knowledge(top: Any, limit: Any, provenance: Any) -> Knowledge:
    """[knowledge] with a `question_limit` limit table, optional `review` (months) and
    `new_policy` (days) tables; defaults when absent."""
    t = top.table("knowledge", required=False)
    if t is None:
        return DEFAULT_KNOWLEDGE
    origin = provenance(t)
    question_limit = limit(t, "question_limit", ("hours", "working_days"), positive=True)
    review = _period(t, "review", "months", provenance, 120) or DEFAULT_REVIEW
    new_policy = _period(t, "new_policy", "days", provenance, 366)
    knowledge = Knowledge(question_limit, origin, review, new_policy)
    t.done()
    return knowledge


def knowledge_of(profile: object) -> Knowledge:
    """A profile's knowledge rules (the defaults for a profile object without any)."""
    return getattr(profile, "knowledge", None) or DEFAULT_KNOWLEDGE


# Rule home: 001 第二十二条; 002 第二十九条(二); 003 第十九条(二); 004 附件 四(一).
def review_months(profile: object) -> int:
    """Months from publication (or a confirmed review) to an article's next review
    ([knowledge.review]; no regulation sets one: 12 months, default_not_from_regulation)."""
    return knowledge_of(profile).review.amount
