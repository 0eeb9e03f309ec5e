"""Knowledge-base articles, their versions, events, questions and search entries."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, EventColumns, UTCDateTime


class Article(Base):
    """A knowledge-base article (知识库条目); its content lives in versions."""

    __tablename__ = "knowledge_articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    # draft (never published), in_review, published, retired
    status: Mapped[str] = mapped_column(String(20), index=True)  # hotline.statuses.ArticleStatus
    # The version the public sees; no foreign key, as versions refer to articles already.
    published_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ArticleVersion(Base):
    """One version of an article in question-and-answer form."""

    __tablename__ = "knowledge_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # faq 常见问题, procedure 办事流程, policy 政策法规, organization 机构信息
    type: Mapped[str] = mapped_column(String(20), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)
    region: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    review_at: Mapped[date | None] = mapped_column(Date, nullable=True)
    # draft, in_review, published, superseded, rejected, retired
    status: Mapped[str] = mapped_column(String(20), index=True)  # hotline.statuses.VersionStatus
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ArticleEvent(EventColumns, Base):
    """One step in an article's history (drafted, submitted, approved, published, ...)."""

    __tablename__ = "knowledge_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_versions.id"), nullable=True
    )


class KnowledgeQuestion(Base):
    """The center's question to a unit, answered with a submitted article (guangxi 第二十九条)."""

    __tablename__ = "knowledge_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)  # hotline.statuses.QuestionStatus
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_articles.id"), nullable=True
    )
    asked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The question's knowledge_question process: its ready task is the unit's to complete.
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instances.id"), nullable=True
    )
    # When the unit was urged for a late answer (once; guangxi 第二十九条(二)).
    urged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ArticleSearchEntry(Base):
    """The search index row of an article's published version (kept by hotline/search.py).

    The *_terms columns hold jieba's search-mode words separated by spaces. SQLite indexes
    them in the FTS5 table `knowledge_fts` (schema revision 0005); PostgreSQL uses `terms`, the
    weighted term frequencies, under a GIN index, so both rank with the same BM25.
    """

    __tablename__ = "knowledge_search"
    __table_args__ = (
        Index("ix_knowledge_search_terms", "terms", postgresql_using="gin"),
        # Covers every filter: SQLite checks matches here, not in the wide rows.
        Index(
            "ix_knowledge_search_filters",
            "article_id",
            "valid_from",
            "valid_until",
            "type",
            "unit_code",
            "region",
        ),
    )
    article_id: Mapped[int] = mapped_column(
        ForeignKey("knowledge_articles.id"), primary_key=True, autoincrement=False
    )
    version_id: Mapped[int] = mapped_column(ForeignKey("knowledge_versions.id"))
    type: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str] = mapped_column(String(32))
    region: Mapped[str | None] = mapped_column(String(100), nullable=True)
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    question_terms: Mapped[str] = mapped_column(Text)
    keyword_terms: Mapped[str] = mapped_column(Text)
    answer_terms: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer)  # words in all three, for BM25
    # PostgreSQL only: {word: weighted frequency}; NULL on SQLite, where FTS5 counts.
    terms: Mapped[dict[str, float] | None] = mapped_column(
        JSON().with_variant(JSONB(), "postgresql"), nullable=True
    )
    indexed_at: Mapped[datetime] = mapped_column(UTCDateTime)
