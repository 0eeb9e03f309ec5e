"""ticket facts per unit assignment (statistics)

Revision ID: 0007
Revises: 0006

`ticket_facts` holds one row per ticket and unit it was dispatched to (hotline.models.stats),
kept current by hotline.stats.facts in the transaction of each ticket event. Existing
histories get their facts with `hotline stats recompute` (run once after upgrading).
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket_facts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=32), nullable=True),
        sa.Column("role", sa.String(length=12), nullable=False),
        sa.Column("principal", sa.Boolean(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("period_at", sa.DateTime(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.Column("dispatched_at", sa.DateTime(), nullable=True),
        sa.Column("dispatch_delay_seconds", sa.Integer(), nullable=True),
        sa.Column("dispatch_delay_working_seconds", sa.Integer(), nullable=True),
        sa.Column("dispatch_immediately", sa.Boolean(), nullable=False),
        sa.Column("dispatch_late", sa.Boolean(), nullable=False),
        sa.Column("acknowledge_due_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_on_time", sa.Boolean(), nullable=False),
        sa.Column("acknowledge_working_seconds", sa.Integer(), nullable=True),
        sa.Column("due_at", sa.DateTime(), nullable=True),
        sa.Column("result_at", sa.DateTime(), nullable=True),
        sa.Column("handled_on_time", sa.Boolean(), nullable=False),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("returned", sa.Boolean(), nullable=False),
        sa.Column("rehandled", sa.Integer(), nullable=False),
        sa.Column("extended", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("close_working_seconds", sa.Integer(), nullable=True),
        sa.Column("satisfaction", sa.String(length=30), nullable=True),
        sa.Column("flags", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_facts_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_facts")),
    )
    with op.batch_alter_table("ticket_facts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_ticket_facts_period",
            ["period_at"],
            unique=False,
            postgresql_include=[
                "unit",
                "principal",
                "flags",
                "satisfaction",
                "acknowledge_working_seconds",
                "close_working_seconds",
                "dispatch_delay_working_seconds",
                "category",
                "district",
                "channel",
            ],
        )
        batch_op.create_index("ix_ticket_facts_unit_period", ["unit", "period_at"], unique=False)
        batch_op.create_index("ix_ticket_facts_ticket_seq", ["ticket_id", "seq"], unique=True)


def downgrade() -> None:
    op.drop_table("ticket_facts")
