"""Chinese full-text search over published knowledge articles."""

from __future__ import annotations

from sqlalchemy.orm import Session


def reindex_article(session: Session, article_id: int) -> None:
    """Index the article's published version, or drop it from the index when there is none."""
