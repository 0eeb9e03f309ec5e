"""Export of knowledge articles as JSON or CSV (`hotline knowledge export`)."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hotline import knowledge
from hotline.knowledge_io import FIELDS, KnowledgeFileError
from hotline.models import Article
from hotline.search import searchable_version
from hotline.statuses import ArticleStatus


def export_rows(session: Session, *, unpublished: bool = False) -> list[dict[str, Any]]:
    """Published articles (also never-published drafts with `unpublished`), by id, as rows."""
    rows = []
    for article in session.scalars(select(Article).order_by(Article.id)):
        version = searchable_version(session, article)
        if (
            version is None
            and unpublished
            and article.status in (ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW)
        ):
            version = knowledge.versions_of(session, article.id)[0]
        if version is None:
            continue
        rows.append(
            {
                "question": version.question,
                "answer": version.answer,
                "type": version.type,
                "unit": article.unit_code,
                "keywords": list(version.keywords or []),
                "region": version.region,
                "valid_from": _iso(version.valid_from),
                "valid_until": _iso(version.valid_until),
                "review_at": _iso(version.review_at),
            }
        )
    return rows


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    """Write .json or .csv (UTF-8 with BOM, so Excel reads Chinese); replaces `path` whole."""
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise KnowledgeFileError(f"{path}: expected a .json or .csv file name")
    if suffix == ".json":
        content = json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
        encoding = "utf-8"
    else:
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\r\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "keywords": "、".join(row["keywords"])})
        content, encoding = buffer.getvalue(), "utf-8-sig"
    directory = path.resolve().parent
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(content)
        os.replace(temporary, path)  # readers never see half a file
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
