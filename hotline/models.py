"""Tables of the service. Ticket content lives here, never in workflow data."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite stores no offset)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class Unit(Base):
    """A handling unit (承办单位)."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str] = mapped_column(String(100), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    """An API user; units' users carry their unit code."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    # A unit user who also reviews the unit's knowledge articles (审核).
    reviewer: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Ticket(Base):
    """A citizen's demand (工单)."""

    __tablename__ = "tickets"
    # Repeat detection at intake narrows by phone or district within a time window.
    __table_args__ = (
        Index("ix_tickets_phone_created_at", "requester_phone", "created_at"),
        Index("ix_tickets_district_created_at", "district", "created_at"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(20), index=True)
    urgency: Mapped[str] = mapped_column(String(20))
    requester_name: Mapped[str] = mapped_column(String(100))
    requester_phone: Mapped[str] = mapped_column(String(32))
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(500), nullable=True)
    district: Mapped[str | None] = mapped_column(String(100), nullable=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    current_unit: Mapped[str | None] = mapped_column(
        ForeignKey("units.code"), nullable=True, index=True
    )
    reply: Mapped[str | None] = mapped_column(Text, nullable=True)
    close_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    satisfaction: Mapped[str | None] = mapped_column(String(30), nullable=True)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    rehandle_count: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledge_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    upper_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    deadline_provisional: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)
    # Who designated the handling unit (leader, authority, government): no return then.
    designated_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    objection_count: Mapped[int] = mapped_column(Integer, default=0)
    unsatisfied_count: Mapped[int] = mapped_column(Integer, default=0)
    joint: Mapped[bool] = mapped_column(Boolean, default=False)
    escalation_level: Mapped[str | None] = mapped_column(String(30), nullable=True, index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class TicketEvent(Base):
    """One step in a ticket's history: who did what, when, with which data."""

    __tablename__ = "ticket_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(50))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    task: Mapped[str | None] = mapped_column(String(100), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TicketSequence(Base):
    """Last sequence number handed out per prefix and day."""

    __tablename__ = "ticket_sequences"
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class IdempotencyKey(Base):
    """A client's Idempotency-Key and the ticket its first request created."""

    __tablename__ = "idempotency_keys"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessDefinition(Base):
    """One deployed version of one BPMN process."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_id", "version"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    filename: Mapped[str] = mapped_column(String(500))
    hash: Mapped[str] = mapped_column(String(64), index=True)
    xml: Mapped[str] = mapped_column(Text)
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessInstance(Base):
    """A running or finished workflow; its state refers to, never embeds, the spec."""

    __tablename__ = "process_instances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_articles.id"), nullable=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    # Every save checks the revision it loaded: a lost race raises instead of overwriting.
    __mapper_args__ = {"version_id_col": revision}


class UserTask(Base):
    """Index of user tasks; inboxes read `state = 'ready'` rows and never load workflows."""

    __tablename__ = "user_tasks"
    __table_args__ = (Index("ix_user_tasks_state_group", "state", "candidate_group"),)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_articles.id"), nullable=True, index=True
    )
    process_id: Mapped[str] = mapped_column(String(200))
    task_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str | None] = mapped_column(String(500), nullable=True)
    candidate_group: Mapped[str | None] = mapped_column(String(500), nullable=True)
    state: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class CalendarDay(Base):
    """An admin-loaded override of the official calendar: a holiday or a make-up working day."""

    __tablename__ = "calendar_days"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    working: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Timer(Base):
    """A pending BPMN timer event; the scheduler fires it once, in due order."""

    __tablename__ = "timers"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"), index=True)
    ticket_id: Mapped[int | None] = mapped_column(
        ForeignKey("tickets.id"), nullable=True, index=True
    )
    element_id: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    lease_owner: Mapped[str | None] = mapped_column(String(100), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class JointPart(Base):
    """One unit's part of a joint ticket (会签): its own deadline, status and result."""

    __tablename__ = "joint_parts"
    __table_args__ = (Index("ix_joint_parts_unit_status", "unit_code", "status"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    instance_id: Mapped[int | None] = mapped_column(
        ForeignKey("process_instances.id"), nullable=True
    )
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    role: Mapped[str] = mapped_column(String(20))  # lead | assisting
    status: Mapped[str] = mapped_column(String(20))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    overdue: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Escalation(Base):
    """One rung of the supervision ladder reached by a ticket, against a unit if any."""

    __tablename__ = "escalations"
    __table_args__ = (Index("ix_escalations_unit_level_open", "unit_code", "level", "open"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), nullable=True)
    level: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    trigger: Mapped[str] = mapped_column(String(30))  # manual, overdue, climb, ...
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    resolution: Mapped[str | None] = mapped_column(Text, nullable=True)


class TicketLink(Base):
    """A relation between two tickets: a possible repeat found at intake, a merge, a repeat."""

    __tablename__ = "ticket_links"
    __table_args__ = (UniqueConstraint("ticket_id", "other_id", "kind"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    other_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # possible_repeat, merged_into, terminated
    reason: Mapped[str | None] = mapped_column(String(100), nullable=True)
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Article(Base):
    """A knowledge-base article (知识库条目); its content lives in versions."""

    __tablename__ = "knowledge_articles"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    # draft (never published), in_review, published, retired
    status: Mapped[str] = mapped_column(String(20), index=True)
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
    status: Mapped[str] = mapped_column(String(20), index=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ArticleEvent(Base):
    """One step in an article's history (drafted, submitted, approved, published, ...)."""

    __tablename__ = "knowledge_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("knowledge_articles.id"), index=True)
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("knowledge_versions.id"), nullable=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(50))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    task: Mapped[str | None] = mapped_column(String(100), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class KnowledgeQuestion(Base):
    """The center's question to a unit, answered with a submitted article (guangxi 第二十九条)."""

    __tablename__ = "knowledge_questions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    question: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), index=True)  # open, answered
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
    them in the FTS5 table `knowledge_fts` (migration 0005); PostgreSQL uses `terms`, the
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
