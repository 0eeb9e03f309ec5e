"""knowledge search index

Revision ID: 0005
Revises: 0004

`knowledge_search` holds one row per article with a published version: its words as cut
by jieba (hotline/search.py). On SQLite the FTS5 table `knowledge_fts` indexes those
words (external content, kept in step by triggers; `knowledge_fts_vocab` counts the
articles per word); on PostgreSQL a GIN index over the
weighted term frequencies in `terms` does. Both rank with the same BM25.

Beware: a later batch (copy-and-move) migration of `knowledge_search` on SQLite drops the
triggers; recreate them, then run `hotline knowledge reindex`.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

FTS = """
CREATE VIRTUAL TABLE knowledge_fts USING fts5(
    question_terms, keyword_terms, answer_terms,
    content='knowledge_search', content_rowid='article_id',
    tokenize='unicode61 remove_diacritics 0'
)
"""
# Per-word article counts, for leaving out words most articles contain (hotline/search.py).
VOCAB = "CREATE VIRTUAL TABLE knowledge_fts_vocab USING fts5vocab(knowledge_fts, 'row')"
_NEW = "new.article_id, new.question_terms, new.keyword_terms, new.answer_terms"
_OLD = "old.article_id, old.question_terms, old.keyword_terms, old.answer_terms"
_INSERT = f"INSERT INTO knowledge_fts(rowid, question_terms, keyword_terms, answer_terms) VALUES ({_NEW});"
_DELETE = (
    "INSERT INTO knowledge_fts(knowledge_fts, rowid, question_terms, keyword_terms, answer_terms)"
    f" VALUES ('delete', {_OLD});"
)
TRIGGERS = {
    "knowledge_search_ai": f"AFTER INSERT ON knowledge_search BEGIN {_INSERT} END",
    "knowledge_search_ad": f"AFTER DELETE ON knowledge_search BEGIN {_DELETE} END",
    "knowledge_search_au": f"AFTER UPDATE ON knowledge_search BEGIN {_DELETE} {_INSERT} END",
}


def upgrade() -> None:
    op.create_table(
        "knowledge_search",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("question_terms", sa.Text(), nullable=False),
        sa.Column("keyword_terms", sa.Text(), nullable=False),
        sa.Column("answer_terms", sa.Text(), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column(
            "terms",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("indexed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["knowledge_articles.id"],
            name=op.f("fk_knowledge_search_article_id_knowledge_articles"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["knowledge_versions.id"],
            name=op.f("fk_knowledge_search_version_id_knowledge_versions"),
        ),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_knowledge_search")),
    )
    op.create_index(
        "ix_knowledge_search_terms",
        "knowledge_search",
        ["terms"],
        unique=False,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_knowledge_search_filters",
        "knowledge_search",
        ["article_id", "valid_from", "valid_until", "type", "unit_code", "region"],
        unique=False,
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(FTS)
        op.execute(VOCAB)
        for name, body in TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS knowledge_fts_vocab")
        op.execute("DROP TABLE IF EXISTS knowledge_fts")
    op.drop_index("ix_knowledge_search_filters", table_name="knowledge_search")
    op.drop_index("ix_knowledge_search_terms", table_name="knowledge_search")
    op.drop_table("knowledge_search")
