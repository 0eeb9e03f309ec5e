"""Knowledge-question schemas: the center's question, list filters and the question as shown."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema, not_blank
from api.schemas.tickets import StrictQueryBoolean
from hotline.fields import Text
from hotline.statuses import QuestionStatus, values

STATUSES = values(QuestionStatus)


class QuestionCreateSchema(Schema):
    """知识提问: ask a unit to add or complete an article."""

    class Meta:
        unknown = RAISE

    unit = Text(
        required=True,
        validate=[validate.Length(max=32), not_blank],
        metadata={"description": "the unit's code, e.g. ZJJ"},
    )
    question = Text(required=True, validate=[validate.Length(max=2000), not_blank])


class QuestionQuerySchema(PageQuerySchema):
    """Filters of the question list."""

    unit = Text(validate=validate.Length(max=32), metadata={"description": "unit code"})
    status = Text(
        validate=validate.OneOf(STATUSES, error=f"must be one of {', '.join(STATUSES)}"),
        metadata={"enum": list(STATUSES)},
    )
    overdue = StrictQueryBoolean(metadata={"description": "true: answer deadline passed"})


class QuestionSchema(RowSchema):
    """A knowledge question and how it was answered."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    question = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    due_at = fields.DateTime(metadata={"description": "answer deadline (profile [knowledge])"})
    overdue = fields.Boolean(metadata={"description": "not answered by due_at"})
    urged_at = fields.DateTime(allow_none=True, metadata={"description": "when the unit was urged"})
    article_id = fields.Integer(allow_none=True, metadata={"description": "the answering article"})
    asked_by = fields.Integer(allow_none=True)
    asked_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    task_id = fields.String(
        allow_none=True,
        metadata={
            "description": "the unit's open answer_question task (POST /tasks/{id}/complete)"
        },
    )


class QuestionPageSchema(PageSchema):
    """One page of knowledge questions."""

    items = fields.List(fields.Nested(QuestionSchema))
