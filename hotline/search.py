"""Chinese full-text search over published knowledge articles (知识检索).

jieba cuts question, keywords and answer into words (search mode, so 社保卡 also yields
社保); they are stored per published article in `knowledge_search`. SQLite searches them
with FTS5 and its bm25(); PostgreSQL computes the very same BM25 in SQL over a GIN-indexed
map of weighted word counts. Both therefore rank alike. Snippets are cut in Python from
the original answer, so they agree too.
"""

from __future__ import annotations

import html
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session

from hotline import clock
from hotline.errors import NotFound
from hotline.models import Article, ArticleSearchEntry, ArticleVersion, Unit
from hotline.paging import offset
from hotline.search_words import query_words, words
from hotline.search_words import warm_up as warm_up  # callers load jieba through search
from hotline.statuses import ArticleStatus, VersionStatus

FTS_TABLE = "knowledge_fts"  # SQLite only, created by schema revision 0005
WEIGHTS = (3.0, 2.0, 1.0)  # question, keywords, answer: a hit in the question counts most
K1, B = 1.2, 0.75  # FTS5's bm25() constants, used by the PostgreSQL formula too
# Articles the chosen words may reach together (each word's count, summed): beyond it the
# commonest words are left out, which bounds the work of a search on a large index.
MATCH_BUDGET = 40_000
SNIPPET_BEFORE, SNIPPET_LENGTH = 30, 120

# -- index ------------------------------------------------------------------------------------


def entry_for(version: ArticleVersion, unit_code: str) -> dict[str, Any]:
    """The index row of one version (pure: the bench builds rows in worker processes)."""
    columns = (
        words(version.question),
        words(" ".join(version.keywords or [])),
        words(version.answer),
    )
    weighted: dict[str, float] = defaultdict(float)
    for weight, column in zip(WEIGHTS, columns, strict=True):
        for word in column:
            weighted[word] += weight
    return {
        "article_id": version.article_id,
        "version_id": version.id,
        "type": version.type,
        "unit_code": unit_code,
        "region": version.region,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
        "question_terms": " ".join(columns[0]),
        "keyword_terms": " ".join(columns[1]),
        "answer_terms": " ".join(columns[2]),
        "length": sum(len(c) for c in columns),
        "terms": dict(weighted),
    }


def store_entries(session: Session, entries: list[dict[str, Any]]) -> None:
    """Replace the index rows of these articles (SQLite's triggers update FTS5)."""
    if not entries:
        return
    now = clock.now()
    sqlite = session.get_bind().dialect.name == "sqlite"
    rows = [{**e, "terms": None if sqlite else e["terms"], "indexed_at": now} for e in entries]
    ids = [e["article_id"] for e in entries]
    session.execute(delete(ArticleSearchEntry).where(ArticleSearchEntry.article_id.in_(ids)))
    session.execute(insert(ArticleSearchEntry), rows)


def searchable_version(session: Session, article: Article | None) -> ArticleVersion | None:
    """The version the public and the operators see, or None (never published, retired)."""
    if (
        article is None
        or article.status == ArticleStatus.RETIRED
        or article.published_version_id is None
    ):
        return None
    version = session.get(ArticleVersion, article.published_version_id)
    return version if version is not None and version.status == VersionStatus.PUBLISHED else None


def reindex_article(session: Session, article_id: int) -> None:
    """Index the article's published version, or drop it from the index when there is none."""
    article = session.get(Article, article_id)
    version = searchable_version(session, article)
    if version is None or article is None:
        session.execute(
            delete(ArticleSearchEntry).where(ArticleSearchEntry.article_id == article_id)
        )
        return
    store_entries(session, [entry_for(version, article.unit_code)])


def reindex_all(session: Session) -> int:
    """Rebuild the whole index (after a dictionary change); returns the articles indexed."""
    session.execute(delete(ArticleSearchEntry))
    ids = list(session.scalars(select(Article.id).where(Article.published_version_id.is_not(None))))
    for article_id in ids:
        reindex_article(session, article_id)
    return session.scalar(select(func.count()).select_from(ArticleSearchEntry)) or 0


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: FTS5's virtual table and its shadow tables are not models."""
    return not (type_ == "table" and reflected and (name or "").startswith(FTS_TABLE))


# -- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One search result: the published version with highlighted question and snippet."""

    article: Article
    version: ArticleVersion
    unit_name: str
    score: float
    question_html: str
    snippet: str


@dataclass(frozen=True)
class Results:
    """One page of hits, best first, the number of matches, and the words searched for."""

    hits: list[Hit]
    total: int
    words: list[str]


@dataclass(frozen=True)
class _Stats:
    rows: int  # indexed articles
    words: int  # words in all of them (PostgreSQL only: FTS5 keeps its own)
    hits: dict[str, int]  # articles containing each query word


def today() -> date:
    """Today in Asia/Shanghai, the day validity dates refer to."""
    return clock.now().astimezone(clock.SHANGHAI).date()


def search(
    session: Session,
    q: str,
    *,
    type: str | None = None,
    unit: str | None = None,
    region: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """Published, currently valid articles matching `q`, ranked by BM25.

    `region` keeps that region's articles and citywide ones (no region). When rarer words
    remain, words found in more than half of all articles are left out (BM25 gives them no
    weight), and so are the commonest ones once the words kept reach MATCH_BUDGET
    articles together: scoring most of the index would cost more than they add.
    """
    sqlite = session.get_bind().dialect.name == "sqlite"
    asked = query_words(q)
    stats = _stats(session, asked, sqlite) if asked else _Stats(0, 0, {})
    present = [t for t in asked if stats.hits.get(t)]
    terms = _choose(present, stats)
    if not terms:
        return Results([], 0, [])
    where, params = _filters(type, unit, region)
    params |= {"limit": per_page, "offset": offset(page, per_page)}
    if sqlite:
        rows = _sqlite_rank(session, terms, where, params)
    else:
        rows = _postgres_rank(session, terms, stats, where, params)
    total = _count(session, terms, where, params, sqlite)
    return Results(_hits(session, rows, terms, present), total, terms)


def _choose(present: list[str], stats: _Stats) -> list[str]:
    """The words to match and rank by: rarest first, while their articles fit the budget."""
    # Words in more than half the articles get no weight from BM25 (idf <= 0).
    useful = [t for t in present if _idf(stats.rows, stats.hits[t]) > 0] or present
    chosen: list[str] = []
    budget = MATCH_BUDGET
    for term in sorted(useful, key=lambda t: stats.hits[t]):
        # 利州 after 利州区 reaches few new articles: search mode indexed both words.
        overlap = max((stats.hits[c] for c in chosen if c in term or term in c), default=0)
        cost = stats.hits[term] - min(overlap, stats.hits[term])
        if chosen and cost > budget:
            break  # common words add little to the ranking and much to the scoring work
        chosen.append(term)
        budget -= cost
    return [t for t in present if t in chosen]


def _idf(rows: int, hits: int) -> float:
    return math.log((rows - hits + 0.5) / (hits + 0.5))


def _stats(session: Session, terms: list[str], sqlite: bool) -> _Stats:
    if sqlite:
        rows = session.scalar(text("SELECT count(*) FROM knowledge_search")) or 0
        vocab = text(f"SELECT term, doc FROM {FTS_TABLE}_vocab WHERE term IN :terms")
        vocab = vocab.bindparams(bindparam("terms", expanding=True))
        return _Stats(rows, 0, dict(session.execute(vocab, {"terms": terms}).tuples().all()))
    rows, words = session.execute(
        text("SELECT count(*), coalesce(sum(length), 0) FROM knowledge_search")
    ).one()
    hits = session.execute(
        text(
            "SELECT t, (SELECT count(*) FROM knowledge_search WHERE terms ? t) "
            "FROM unnest(CAST(:terms AS text[])) AS t"
        ),
        {"terms": terms},
    )
    return _Stats(rows, words, dict(hits.tuples().all()))


def _filters(type: str | None, unit: str | None, region: str | None) -> tuple[str, dict]:
    clauses = [
        "(s.valid_from IS NULL OR s.valid_from <= :today)",
        "(s.valid_until IS NULL OR s.valid_until >= :today)",
    ]
    params: dict[str, Any] = {"today": today()}
    if type:
        clauses.append("s.type = :type")
        params["type"] = type
    if unit:
        clauses.append("s.unit_code = :unit")
        params["unit"] = unit
    if region:
        clauses.append("(s.region = :region OR s.region IS NULL)")
        params["region"] = region
    return " AND ".join(clauses), params


# The narrow filter index, not the wide rows: a third of the time at 100k articles.
_FTS_FROM = (
    f"{FTS_TABLE} JOIN knowledge_search AS s INDEXED BY ix_knowledge_search_filters "
    f"ON s.article_id = {FTS_TABLE}.rowid"
)
_PAGE = "ORDER BY score, s.article_id LIMIT :limit OFFSET :offset"


def _fts_match(terms: list[str]) -> str:
    # Each word quoted: FTS5 reads it as a plain term, even "or" or "near".
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def _sqlite_rank(session: Session, terms: list[str], where: str, params: dict) -> list[Any]:
    weights = ", ".join(str(w) for w in WEIGHTS)
    sql = (
        f"SELECT s.article_id, bm25({FTS_TABLE}, {weights}) AS score FROM {_FTS_FROM} "
        f"WHERE {FTS_TABLE} MATCH :match AND {where} {_PAGE}"
    )
    return list(session.execute(text(sql), {**params, "match": _fts_match(terms)}))


def _postgres_rank(
    session: Session, terms: list[str], stats: _Stats, where: str, params: dict
) -> list[Any]:
    # FTS5's bm25(): idf over every indexed row, length normalised by the mean length.
    parts, bm25 = [], {"terms": terms, "mean": (stats.words / stats.rows) or 1.0}
    for i, term in enumerate(terms):
        idf = _idf(stats.rows, stats.hits[term])
        bm25 |= {f"t{i}": term, f"idf{i}": idf if idf > 0 else 1e-6}
        tf = f"coalesce((s.terms ->> :t{i})::float8, 0)"
        parts.append(
            f":idf{i} * {tf} * {K1 + 1} / ({tf} + {K1} * ({1 - B} + {B} * s.length / :mean))"
        )
    sql = (
        f"SELECT s.article_id, -({' + '.join(parts)}) AS score FROM knowledge_search AS s "
        f"WHERE s.terms ?| CAST(:terms AS text[]) AND {where} {_PAGE}"
    )
    return list(session.execute(text(sql), {**params, **bm25}))


def _count(session: Session, terms: list[str], where: str, params: dict, sqlite: bool) -> int:
    if sqlite:
        sql = f"SELECT count(*) FROM {_FTS_FROM} WHERE {FTS_TABLE} MATCH :match AND {where}"
        return session.scalar(text(sql), {**params, "match": _fts_match(terms)}) or 0
    sql = (
        f"SELECT count(*) FROM knowledge_search AS s "
        f"WHERE s.terms ?| CAST(:terms AS text[]) AND {where}"
    )
    return session.scalar(text(sql), {**params, "terms": terms}) or 0


def _hits(session: Session, rows: list[Any], terms: list[str], marked: list[str]) -> list[Hit]:
    ids = [row.article_id for row in rows]
    pairs = session.execute(
        select(Article, ArticleVersion)
        .join(ArticleVersion, ArticleVersion.id == Article.published_version_id)
        .where(Article.id.in_(ids))
    ).all()
    by_id = {article.id: (article, version) for article, version in pairs}
    anchor, mark = _pattern(terms), _pattern(marked)
    hits = []
    for row in rows:
        article, version = by_id.get(row.article_id, (None, None))
        if searchable_version(session, article) is None or version is None:
            continue  # an index row left stale by a bug never shows an unpublished version
        unit = session.get(Unit, article.unit_code)
        question = highlight(version.question, mark)
        answer = snippet(version.answer, anchor, mark)
        hits.append(Hit(article, version, unit.name if unit else "", -row.score, question, answer))
    return hits


# -- snippets ---------------------------------------------------------------------------------


def _pattern(terms: list[str]) -> re.Pattern[str]:
    # Longest first, so 社保卡 is marked whole rather than 社保 plus 卡.
    ordered = sorted(terms, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered), re.IGNORECASE)


def highlight(value: str, pattern: re.Pattern[str]) -> str:
    """HTML-escaped `value` with <em>…</em> around every match of `pattern`."""
    out, last = [], 0
    for match in pattern.finditer(value):
        out.append(html.escape(value[last : match.start()]))
        out.append(f"<em>{html.escape(match.group())}</em>")
        last = match.end()
    out.append(html.escape(value[last:]))
    return "".join(out)


def snippet(answer: str, anchor: re.Pattern[str], pattern: re.Pattern[str]) -> str:
    """A window of the answer from just before the first `anchor` match, `pattern` marked."""
    first = anchor.search(answer) or pattern.search(answer)
    start = max(0, first.start() - SNIPPET_BEFORE) if first else 0
    end = min(len(answer), start + SNIPPET_LENGTH)
    start = max(0, min(start, end - SNIPPET_LENGTH))  # near the end: show a full window
    body = highlight(answer[start:end], pattern)
    return ("…" if start else "") + body + ("…" if end < len(answer) else "")


# -- public reading -----------------------------------------------------------------------------


def published_article(session: Session, article_id: int) -> tuple[Article, ArticleVersion]:
    """A published, currently valid article; NotFound for anything else, alike."""
    article = session.get(Article, article_id)
    version = searchable_version(session, article)
    day = today()
    if (
        article is None
        or version is None
        or (version.valid_from is not None and version.valid_from > day)
        or (version.valid_until is not None and version.valid_until < day)
    ):
        raise NotFound(f"article {article_id} not found")
    return article, version
