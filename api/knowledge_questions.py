"""/api/v1/knowledge/questions: the center's knowledge questions to units (知识提问)."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from sqlalchemy.orm import Session

from api.context import actor, require, services, unit_of_work
from api.errors import secured
from api.paging import paged
from api.schemas.common import Shown
from api.schemas.knowledge_questions import (
    QuestionCreateSchema,
    QuestionPageSchema,
    QuestionQuerySchema,
    QuestionSchema,
)
from hotline import access, knowledge_questions
from hotline.models import KnowledgeQuestion

blp = Blueprint(
    "knowledge_questions",
    __name__,
    url_prefix="/api/v1/knowledge/questions",
    description="Knowledge questions to units (知识补充)",
)


def present(session: Session, row: KnowledgeQuestion) -> Shown:
    """Question row plus the id of the unit's open answer task."""
    return Shown(row, task_id=knowledge_questions.open_task_id(session, row))


@blp.route("", methods=["POST"])
@require(access.may_ask_question, message="only the center asks units knowledge questions")
@blp.arguments(QuestionCreateSchema)
@blp.response(201, QuestionSchema)
@blp.doc(**secured({"403": "not the center", "422": "unknown unit or blank question"}))
def create(body: dict[str, Any]) -> Shown:
    """Ask a unit a question; it must answer with an article within the profile's limit."""
    with unit_of_work() as session:
        row = knowledge_questions.ask(
            session, services().runtime, actor(), unit=body["unit"], question=body["question"]
        )
        return present(session, row)


@blp.route("", methods=["GET"])
@blp.arguments(QuestionQuerySchema, location="query")
@blp.response(200, QuestionPageSchema)
@blp.doc(**secured({"403": "other roles, or a unit asking for another"}))
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """Questions visible to the caller, newest first: units see those asked of themselves."""
    return paged(query, knowledge_questions.list_questions, present)


@blp.route("/<int(max=2147483647):question_id>", methods=["GET"])
@blp.response(200, QuestionSchema)
@blp.doc(**secured({"404": "not found or not visible"}))
def get(question_id: int) -> Shown:
    """One question with its deadline, answer and the unit's open task."""
    with unit_of_work() as session:
        return present(session, knowledge_questions.get_question(session, actor(), question_id))
