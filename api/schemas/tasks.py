"""User-task schemas: inbox rows, one task with its form, and completion."""

from __future__ import annotations

from marshmallow import RAISE, Schema, fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema
from api.schemas.tickets import StrictQueryBoolean
from hotline.fields import Text
from hotline.policy import URGENCIES
from hotline.statuses import UserTaskState, values


class TaskSchema(RowSchema):
    """A user task in an inbox."""

    id = fields.String(metadata={"description": "use it to complete the task"})
    key = fields.String(attribute="task_id", metadata={"description": "BPMN id, e.g. handle"})
    name = fields.String(allow_none=True)
    process_id = fields.String()
    ticket_number = fields.String(allow_none=True)
    article_id = fields.Integer(
        allow_none=True, metadata={"description": "the knowledge article, for article tasks"}
    )
    candidate_group = fields.String(allow_none=True)
    state = fields.String(metadata={"enum": list(values(UserTaskState))})
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)


class FormOptionSchema(Schema):
    """One choice of an enum field."""

    id = fields.String()
    name = fields.String()


class FormFieldSchema(Schema):
    """A form field as the diagram declares it."""

    id = fields.String()
    label = fields.String(allow_none=True)
    type = fields.String(metadata={"enum": ["string", "long", "boolean", "enum", "date"]})
    required = fields.Boolean()
    content = fields.Boolean(metadata={"description": "kept in history, not workflow data"})
    readonly = fields.Boolean(metadata={"description": "shown only: sending it is a 422"})
    options = fields.List(fields.Nested(FormOptionSchema))
    default = fields.Raw(
        metadata={
            "description": "camunda:defaultValue, used when the field is left out: typed as the "
            "field (1, true, 'phone'), or the `${…}` text when it is an expression"
        }
    )
    minlength = fields.Integer(metadata={"description": "string fields: fewest characters"})
    maxlength = fields.Integer(metadata={"description": "string fields: most characters"})
    min = fields.Integer(metadata={"description": "long fields: smallest value"})
    max = fields.Integer(metadata={"description": "long fields: largest value"})


class TaskDetailSchema(TaskSchema):
    """A task with its form and, once done, who completed it when."""

    form = fields.List(fields.Nested(FormFieldSchema))
    completed_at = fields.DateTime(allow_none=True)


class TaskPageSchema(PageSchema):
    """One page of an inbox."""

    items = fields.List(fields.Nested(TaskSchema))


class InboxQuerySchema(PageQuerySchema):
    """Paging and filters of the inbox."""

    key = Text(validate=validate.Length(max=200), metadata={"description": "task key, e.g. handle"})
    ticket = Text(validate=validate.Length(max=64), metadata={"description": "ticket number"})
    urgency = Text(validate=validate.OneOf(URGENCIES))
    overdue = StrictQueryBoolean(metadata={"description": "true: past due only; false: not"})


class CompleteSchema(Schema):
    """The form data that completes a task; fields as GET /tasks/{id} lists them."""

    class Meta:
        unknown = RAISE

    data = fields.Dict(keys=fields.String(), required=True)
