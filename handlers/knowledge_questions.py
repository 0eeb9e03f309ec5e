"""Service-task handlers and form rules of knowledge_question.bpmn: answers and the urge."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError

from hotline.knowledge_questions import answer_refusal, get_for_process, mark_answered, mark_overdue
from processes.context import HandlerContext
from processes.forms import FormContext


def answer_fields(data: dict[str, Any], ctx: FormContext) -> None:
    """`article_id` must be the unit's own article, submitted for review or published."""
    refusal = answer_refusal(ctx.session, ctx.variables["unit"], data["article_id"])
    if refusal:
        raise ValidationError({"article_id": [refusal]})


def record_answer(ctx: HandlerContext) -> None:
    """The unit answered: the question is answered with the article, in the article's history."""
    question = get_for_process(ctx.session, ctx.variables["question_id"])
    mark_answered(ctx.session, question, ctx.form["article_id"], ctx.actor, ctx.element_id)


def urge_answer(ctx: HandlerContext) -> None:
    """答复超时: flag the question overdue and urge the unit, once; the task stays open."""
    mark_overdue(get_for_process(ctx.session, ctx.variables["question_id"]))
