"""Knowledge search schemas: the query, a hit, and the public article (no internal fields)."""

from __future__ import annotations

from marshmallow import fields, validate

from api.schemas.common import PageQuerySchema, PageSchema, RowSchema, not_blank
from hotline.fields import Text
from hotline.knowledge import TYPES

Q_MAX = 500  # a pasted complaint fits; README "Limits and headers"
TYPE_ERROR = f"must be one of {', '.join(TYPES)}"
TYPE_DOC = "faq 常见问题, procedure 办事流程, policy 政策法规, organization 机构信息"


class SearchQuerySchema(PageQuerySchema):
    """?q= and the filters of a knowledge search."""

    q = Text(
        required=True,
        validate=[validate.Length(min=1, max=Q_MAX), not_blank],
        metadata={"description": f"the question in Chinese, 1 to {Q_MAX} characters"},
    )
    type = Text(
        validate=validate.OneOf(TYPES, error=TYPE_ERROR),
        metadata={"enum": list(TYPES), "description": TYPE_DOC},
    )
    unit = Text(validate=validate.Length(max=32), metadata={"description": "owning unit's code"})
    region = Text(
        validate=validate.Length(max=100),
        metadata={"description": "this region's articles and citywide ones (no region)"},
    )


class PublicHitSchema(RowSchema):
    """One result as the public sees it."""

    id = fields.Integer(metadata={"description": "article id"})
    type = fields.String(metadata={"enum": list(TYPES)})
    question = fields.String()
    question_html = fields.String(metadata={"description": "question, matches in <em>"})
    snippet = fields.String(
        metadata={"description": "HTML-escaped window of the answer around the first match"}
    )
    unit = fields.String(metadata={"description": "owning unit's code"})
    unit_name = fields.String()
    region = fields.String(allow_none=True)
    published_at = fields.DateTime()


class SearchHitSchema(PublicHitSchema):
    """One result as operators see it."""

    version = fields.Integer(metadata={"description": "the published version's number"})
    keywords = fields.List(fields.String())
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    review_at = fields.Date(allow_none=True)
    score = fields.Float(metadata={"description": "BM25 relevance, higher is better"})


class PublicSearchPageSchema(PageSchema):
    """One page of public results, best first."""

    items = fields.List(fields.Nested(PublicHitSchema))


class SearchPageSchema(PublicSearchPageSchema):
    """One page of results, best first, and the words searched for."""

    items = fields.List(fields.Nested(SearchHitSchema))
    words = fields.List(
        fields.String(),
        metadata={
            "description": "words searched for: the query's (jieba), less those most "
            "articles contain when rarer ones remain"
        },
    )


class PublicArticleSchema(RowSchema):
    """A published article: its current content only, no history or reviewers."""

    id = fields.Integer()
    type = fields.String(metadata={"enum": list(TYPES)})
    question = fields.String()
    answer = fields.String()
    keywords = fields.List(fields.String())
    unit = fields.String()
    unit_name = fields.String()
    region = fields.String(allow_none=True)
    valid_from = fields.Date(allow_none=True)
    valid_until = fields.Date(allow_none=True)
    published_at = fields.DateTime()
