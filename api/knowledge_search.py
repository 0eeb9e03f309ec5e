"""Knowledge search for operators (知识检索)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "knowledge_search",
    __name__,
    url_prefix="/api/v1/knowledge",
    description="Knowledge search for operators (知识检索)",
)
