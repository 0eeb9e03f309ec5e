"""Import of knowledge articles from JSON or CSV (`hotline knowledge import`).

A file is a JSON list of objects or a CSV file with a header; the fields are
question, answer, type, unit, keywords, region, valid_from, valid_until, review_at.
Every row is checked and stored on its own (a savepoint), so a bad row is reported
with its row number, field and message and never stops or half-writes the others.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, pre_load, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import knowledge
from hotline.actors import Actor
from hotline.directory import active_unit
from hotline.errors import DomainError
from hotline.fields import Text
from hotline.history import record_article_event
from hotline.models import Article, ArticleVersion
from hotline.search import reindex_article
from hotline.statuses import ArticleStatus, Role
from hotline.workflows import WorkflowRuntime

FIELDS = (
    "question", "answer", "type", "unit", "keywords", "region",
    "valid_from", "valid_until", "review_at",
)  # fmt: skip
REQUIRED = ("question", "answer", "type", "unit")
# The names of meizhou 第十八条, as an existing knowledge base may spell them.
TYPE_NAMES = {
    "常见问题": "faq",
    "办事流程": "procedure",
    "政策法规": "policy",
    "机构信息": "organization",
}
IMPORTER = Actor(id=None, name="knowledge import", role=Role.ADMIN)
MAX_QUESTION, MAX_ANSWER = 1000, 20000  # as the articles API allows
TYPE_ERROR = (
    f"must be one of {', '.join(knowledge.TYPES)} (or 常见问题, 办事流程, 政策法规, 机构信息)"
)

# A cell longer than csv's default limit must reach the per-row length check, not abort all.
csv.field_size_limit(16 * 1024 * 1024)


class KnowledgeFileError(Exception):
    """The file as a whole cannot be read: nothing is imported."""


@dataclass(frozen=True)
class Record:
    """One row of the file: its position (1-based), CSV line if any, and raw values."""

    row: int
    line: int | None
    values: Any


@dataclass(frozen=True)
class RowError:
    """What is wrong with one row."""

    row: int
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f" (line {self.line})" if self.line else "")
        return f"{where}: {self.field}: {self.message}"


@dataclass
class ImportReport:
    """Counts and the per-row errors of one import."""

    imported: list[int] = field(default_factory=list)  # article ids
    skipped: list[tuple[int, int]] = field(default_factory=list)  # (row, existing article)
    errors: list[RowError] = field(default_factory=list)

    @property
    def failed_rows(self) -> list[int]:
        """Row numbers with at least one error."""
        return sorted({e.row for e in self.errors})


# -- reading ----------------------------------------------------------------------------------


def read_records(path: Path) -> list[Record]:
    """The rows of a .json or .csv file, or KnowledgeFileError when the file is unreadable."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise KnowledgeFileError(f"{path}: expected a .json or .csv file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KnowledgeFileError(f"{path}: cannot read: {exc.strerror}") from None
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Excel in Chinese locales saves CSV as GBK
            content = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise KnowledgeFileError(f"{path}: neither UTF-8 nor GB18030 text") from None
    if suffix == ".json":
        return _json_records(path, content)
    return _csv_records(path, content)


def _json_records(path: Path, content: str) -> list[Record]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise KnowledgeFileError(f"{path}: line {exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise KnowledgeFileError(f"{path}: expected a JSON list of articles")
    return [Record(i, None, value) for i, value in enumerate(data, start=1)]


def _csv_records(path: Path, content: str) -> list[Record]:
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise KnowledgeFileError(f"{path}: line 1: the header lacks {', '.join(missing)}")
    unknown = [name for name in header if name not in FIELDS]
    if unknown:
        known = ", ".join(FIELDS)
        raise KnowledgeFileError(
            f"{path}: line 1: unknown column(s) {', '.join(unknown)} ({known})"
        )
    reader.fieldnames = header
    records: list[Record] = []
    try:
        for row in reader:
            if any((value or "").strip() for key, value in row.items() if key is not None):
                # line_num is where the record ends: its line unless a cell spans lines
                records.append(Record(len(records) + 1, reader.line_num, row))
    except csv.Error as exc:
        raise KnowledgeFileError(f"{path}: line {reader.line_num}: {exc}") from None
    return records


# -- checking ---------------------------------------------------------------------------------


class Keywords(fields.Field):
    """A list, or text separated by commas or 、 (as the API takes them)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        try:
            return knowledge.parse_keywords(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


def _not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("must not be blank")


REQUIRED_MESSAGE = {"required": "is required"}
DATE_MESSAGE = {"invalid": "not a date YYYY-MM-DD"}


class ArticleRowSchema(Schema):
    """One article of an import file."""

    class Meta:
        unknown = EXCLUDE  # unknown keys are reported before loading

    question = Text(
        required=True,
        error_messages=REQUIRED_MESSAGE,
        validate=[validate.Length(max=MAX_QUESTION), _not_blank],
    )
    answer = Text(
        required=True,
        error_messages=REQUIRED_MESSAGE,
        validate=[validate.Length(max=MAX_ANSWER), _not_blank],
    )
    type = Text(
        required=True,
        error_messages=REQUIRED_MESSAGE,
        validate=validate.OneOf(knowledge.TYPES, error=TYPE_ERROR),
    )
    unit = Text(
        required=True,
        error_messages=REQUIRED_MESSAGE,
        validate=[validate.Length(max=32), _not_blank],
    )
    keywords = Keywords(load_default=list)
    region = Text(load_default=None, allow_none=True, validate=validate.Length(max=100))
    valid_from = fields.Date(load_default=None, allow_none=True, error_messages=DATE_MESSAGE)
    valid_until = fields.Date(load_default=None, allow_none=True, error_messages=DATE_MESSAGE)
    review_at = fields.Date(load_default=None, allow_none=True, error_messages=DATE_MESSAGE)

    @pre_load
    def clean(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Empty CSV cells are absent values; Chinese type names are accepted; text is trimmed."""
        cleaned = {}
        for key, value in data.items():
            if isinstance(value, str):
                value = value.strip()
            if value is None or value == "":
                continue  # an empty cell or null is a value not given
            cleaned[key] = value
        if isinstance(cleaned.get("type"), str):
            cleaned["type"] = TYPE_NAMES.get(cleaned["type"], cleaned["type"].lower())
        return cleaned


def check_record(record: Record) -> tuple[dict[str, Any] | None, list[RowError]]:
    """The row's article data, or the errors naming each bad field."""

    def error(name: str, message: str) -> RowError:
        return RowError(record.row, record.line, name, message)

    if not isinstance(record.values, dict):
        return None, [error("row", "expected an object with question, answer, type, unit, …")]
    errors = [error(str(k), "unknown field") for k in record.values if k not in FIELDS]
    if None in record.values:  # csv: more cells than header columns
        errors = [error("row", "more cells than the header has columns")]
    try:
        data = ArticleRowSchema().load({k: v for k, v in record.values.items() if k in FIELDS})
    except ValidationError as exc:
        for name, messages in sorted(exc.normalized_messages().items()):
            errors.extend(error(name, str(m)) for m in _flatten(messages))
        return None, errors
    if data["valid_from"] and data["valid_until"] and data["valid_until"] < data["valid_from"]:
        errors.append(error("valid_until", f"must not be before valid_from ({data['valid_from']})"))
    return (None, errors) if errors else (data, [])


def _flatten(messages: Any) -> Iterable[str]:
    if isinstance(messages, dict):
        for value in messages.values():
            yield from _flatten(value)
    elif isinstance(messages, list):
        for value in messages:
            yield from _flatten(value)
    else:
        yield str(messages)


# -- storing ----------------------------------------------------------------------------------


def import_records(
    session: Session,
    records: list[Record],
    report: ImportReport,
    *,
    publish: bool = False,
    progress: Callable[[int], None] | None = None,
    runtime: WorkflowRuntime | None = None,
) -> None:
    """Store each good row in its own savepoint; add results and errors to `report`.

    A row whose unit already has an article with the same question is skipped, so a
    corrected file can be imported again. With `publish` each article is published at
    once (migrating an existing, already approved knowledge base); otherwise it is a draft
    its unit submits through the approval process. Given the `runtime`, a published
    article also gets its review-date reminder (a `knowledge_publish` instance waiting).
    """
    for record in records:
        data, errors = check_record(record)
        if data is not None:
            existing = _existing(session, data["unit"], data["question"])
            if active_unit(session, data["unit"]) is None:
                unknown = f"no active unit with code {data['unit']!r}"
                errors = [RowError(record.row, record.line, "unit", unknown)]
            elif existing is not None:
                report.skipped.append((record.row, existing))
            else:
                errors = _store(session, record, data, publish, report, runtime)
        report.errors.extend(errors)
        if progress is not None:
            progress(1)


def _existing(session: Session, unit: str, question: str) -> int | None:
    return session.scalar(
        select(Article.id)
        .join(ArticleVersion, ArticleVersion.article_id == Article.id)
        .where(
            Article.unit_code == unit,
            Article.status != ArticleStatus.RETIRED,
            ArticleVersion.question == question,
        )
        .limit(1)
    )


def _store(
    session: Session,
    record: Record,
    data: dict[str, Any],
    publish: bool,
    report: ImportReport,
    runtime: WorkflowRuntime | None,
) -> list[RowError]:
    savepoint = session.begin_nested()
    try:
        article = knowledge.create_article(session, IMPORTER, data)
        if publish:
            _publish(session, article, runtime)
        session.flush()
    except DomainError as exc:
        savepoint.rollback()
        if exc.fields:
            return [
                RowError(record.row, record.line, name, message)
                for name, messages in exc.fields.items()
                for message in _flatten(messages)
            ]
        return [RowError(record.row, record.line, "row", exc.message)]
    except Exception as exc:  # a database refusal: this row only
        savepoint.rollback()
        message = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return [RowError(record.row, record.line, "row", message)]
    savepoint.commit()
    report.imported.append(article.id)
    return []


def _publish(session: Session, article: Article, runtime: WorkflowRuntime | None) -> None:
    """Publish version 1 directly: an approved article from the knowledge base being migrated."""
    version = session.scalars(
        select(ArticleVersion).where(ArticleVersion.article_id == article.id)
    ).one()
    review_at = knowledge.mark_published(article, version)
    session.flush()
    record_article_event(
        session,
        article.id,
        "article_published",
        IMPORTER,
        data={"version": 1, "imported": True, "review_at": version.review_at},
        version_id=version.id,
    )
    reindex_article(session, article.id)
    if runtime is not None:
        # Straight to waiting for the review date, as if both reviews had approved it.
        variables = {
            "article_id": article.id,
            "version_id": version.id,
            "unit": article.unit_code,
            "imported": True,
            "review_remind_at": knowledge.remind_at(review_at),
        }
        runtime.start(
            session,
            knowledge.PUBLISH_PROCESS,
            actor=IMPORTER,
            article_id=article.id,
            variables=variables,
        )
