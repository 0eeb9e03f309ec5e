"""Knowledge questions to units (知识补充)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "knowledge_questions",
    __name__,
    url_prefix="/api/v1/knowledge/questions",
    description="Knowledge questions to units (知识补充)",
)
