"""Knowledge base articles (知识库): drafts, versions, approvals."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "knowledge",
    __name__,
    url_prefix="/api/v1/knowledge/articles",
    description="Knowledge base articles (知识库): drafts, versions, approvals",
)
