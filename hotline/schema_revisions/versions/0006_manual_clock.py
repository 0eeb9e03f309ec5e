"""manual clock kept in the database

Revision ID: 0006
Revises: 0005

`manual_clock` holds one row (id 1): the instant of the manual clock (HOTLINE_CLOCK=manual),
so every gunicorn worker and every scheduler reads the same time and a restart keeps it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "manual_clock",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("instant", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manual_clock")),
    )


def downgrade() -> None:
    op.drop_table("manual_clock")
