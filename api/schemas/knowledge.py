"""Knowledge article schemas: drafting, editing, filters and the article as the API shows it."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from api.schemas.common import (
    HistoryStepSchema,
    PageQuerySchema,
    PageSchema,
    RowSchema,
    not_blank,
)
from hotline.fields import Text
from hotline.knowledge import TYPES, parse_keywords
from hotline.statuses import ArticleStatus, VersionStatus, values

MAX_QUESTION = 1000
MAX_ANSWER = 20000
TYPE_HELP = "faq 常见问题, procedure 办事流程, policy 政策法规, organization 机构信息"


class Keywords(fields.Field):
    """A list of strings or a comma-separated text ("社保, 医保、养老")."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return parse_keywords(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def _content_fields(required: bool) -> dict[str, fields.Field]:
    opt: dict[str, Any] = {"required": required}
    nullable: dict[str, Any] = {"allow_none": True}
    keywords: dict[str, Any] = {}
    if required:
        nullable["load_default"] = None
        keywords["load_default"] = list
    return {
        "question": Text(validate=[validate.Length(max=MAX_QUESTION), not_blank], **opt),
        "answer": Text(validate=[validate.Length(max=MAX_ANSWER), not_blank], **opt),
        "type": Text(validate=validate.OneOf(TYPES), metadata={"description": TYPE_HELP}, **opt),
        "keywords": Keywords(
            metadata={"description": "list, or text separated by commas or 、"},
            **keywords,
        ),
        "region": Text(validate=validate.Length(max=100), **nullable),
        "valid_from": fields.Date(**nullable),
        "valid_until": fields.Date(**nullable),
        "review_at": fields.Date(
            metadata={
                "description": "review date; when unset, set at publication: one year after "
                "it, or valid_until if sooner"
            },
            **nullable,
        ),
    }


class ArticleCreateSchema(Schema.from_dict(_content_fields(True))):  # type: ignore[misc]
    """A new article in question-and-answer form (draft version 1)."""

    class Meta:
        unknown = RAISE

    unit = Text(
        load_default=None,
        validate=validate.Length(max=32),
        metadata={"description": "owning unit; units may omit it (their own), the center not"},
    )


class ArticleUpdateSchema(Schema.from_dict(_content_fields(False))):  # type: ignore[misc]
    """Changed fields only; the others stay as they are."""

    class Meta:
        unknown = RAISE

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        """An edit changes at least one field."""
        if not data:
            raise ValidationError("send at least one field to change", field_name="body")
        for name in ("question", "answer", "type"):
            if name in data and data[name] is None:
                raise ValidationError("must not be null", field_name=name)


class RetireSchema(Schema):
    """Why the article should be retired (下架)."""

    class Meta:
        unknown = RAISE

    reason = Text(required=True, validate=[validate.Length(max=2000), not_blank])


class ArticleQuerySchema(PageQuerySchema):
    """Filters of the article list."""

    status = Text(validate=validate.OneOf(values(ArticleStatus)))
    unit = Text(validate=validate.Length(max=32))
    type = Text(validate=validate.OneOf(TYPES))


class VersionSchema(RowSchema):
    """One version of an article."""

    id = fields.Integer()
    version = fields.Integer()
    status = fields.String(metadata={"enum": list(values(VersionStatus))})
    type = fields.String(metadata={"enum": list(TYPES), "description": TYPE_HELP})
    question = fields.String()
    answer = fields.String()
    keywords = fields.List(fields.String())
    region = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    review_at = fields.Date(allow_none=True)
    comment = fields.String(allow_none=True, metadata={"description": "last reviewer's comment"})
    created_at = fields.DateTime()
    submitted_at = fields.DateTime(allow_none=True)
    published_at = fields.DateTime(allow_none=True)


class ArticleSchema(RowSchema):
    """An article with the version shown for it (the published one, else the newest)."""

    id = fields.Integer()
    unit = fields.String(attribute="unit_code")
    status = fields.String(metadata={"enum": list(values(ArticleStatus))})
    published_version_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    retired_at = fields.DateTime(allow_none=True)
    current = fields.Nested(VersionSchema)


class ArticleEventSchema(HistoryStepSchema):
    """One step of the article's history, with the number of the version it concerns."""

    class Meta:
        fields = ("at", "kind", "actor", "task", "version", "data")  # version before data

    kind = fields.String(metadata={"example": "article_published"})
    version = fields.Integer(allow_none=True)


class ArticleTaskSchema(Schema):
    """A ready user task on this article."""

    id = fields.String()
    key = fields.String(attribute="task_id", metadata={"description": "e.g. unit_review"})
    process_id = fields.String()
    name = fields.String(allow_none=True)
    candidate_group = fields.String(allow_none=True)
    created_at = fields.DateTime()


class RetirementSchema(Schema):
    """The latest retirement request and how it stands."""

    status = fields.String(metadata={"enum": ["in_review", "rejected", "approved"]})
    reason = fields.String()
    requested_by = fields.String()
    requested_at = fields.DateTime()
    level = fields.String(allow_none=True, metadata={"description": "who rejected: unit, center"})
    comment = fields.String(allow_none=True)


class ArticleDetailSchema(ArticleSchema):
    """An article with its published version, the draft in progress, versions and history."""

    published = fields.Nested(VersionSchema, allow_none=True)
    draft = fields.Nested(
        VersionSchema,
        allow_none=True,
        metadata={"description": "the unpublished version: draft, in_review or rejected"},
    )
    versions = fields.List(fields.Nested(VersionSchema))
    events = fields.List(fields.Nested(ArticleEventSchema))
    tasks = fields.List(fields.Nested(ArticleTaskSchema))
    retirement = fields.Nested(RetirementSchema, allow_none=True)


class ArticlePageSchema(PageSchema):
    """One page of articles."""

    items = fields.List(fields.Nested(ArticleSchema))
