"""stored, versioned bulletins

Revision ID: 0011
Revises: 0010

`bulletins` holds one row per version of a period's bulletin (通报): its content as JSON and
the XLSX and PDF files as published. (profile, period, version) is unique: two schedulers
reaching a period's end together publish it once.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("period_kind", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("xlsx", sa.LargeBinary(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulletins")),
        sa.UniqueConstraint("profile", "period", "version", name=op.f("uq_bulletins_profile")),
    )
    op.create_index("ix_bulletins_created_at", "bulletins", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bulletins_created_at", table_name="bulletins")
    op.drop_table("bulletins")
