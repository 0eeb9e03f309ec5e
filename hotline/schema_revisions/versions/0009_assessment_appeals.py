"""assessment appeals and exemption requests

Revision ID: 0009
Revises: 0008

`assessment_appeals`: a unit's appeal (申诉) against a deduction, a ticket or a day's data,
or its exemption request (免责), with the center's decision and what it changed;
`assessment_appeal_events`: the appeal's history.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

TABLE = "assessment_appeals"
EVENTS = "assessment_appeal_events"
INDEXED = ("deduction_id", "filed_at", "status", "ticket_id", "unit_code")


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("target", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("deduction_id", sa.Integer(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("window_closes_at", sa.DateTime(), nullable=False),
        sa.Column("filed_by", sa.Integer(), nullable=True),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("evidence_checked", sa.Boolean(), nullable=True),
        sa.Column("effect", sa.JSON(), nullable=True),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_assessment_appeals_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["deduction_id"],
            ["assessment_deductions.id"],
            name=op.f("fk_assessment_appeals_deduction_id_assessment_deductions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"], ["users.id"], name=op.f("fk_assessment_appeals_filed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_assessment_appeals_instance_id_process_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_assessment_appeals_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assessment_appeals_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_appeals")),
    )
    for column in INDEXED:
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column], unique=False)
    op.create_table(
        EVENTS,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("task", sa.String(length=100), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assessment_appeal_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["appeal_id"],
            [f"{TABLE}.id"],
            name=op.f("fk_assessment_appeal_events_appeal_id_assessment_appeals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_appeal_events")),
    )
    op.create_index(op.f(f"ix_{EVENTS}_appeal_id"), EVENTS, ["appeal_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f(f"ix_{EVENTS}_appeal_id"), table_name=EVENTS)
    op.drop_table(EVENTS)
    for column in INDEXED:
        op.drop_index(op.f(f"ix_{TABLE}_{column}"), table_name=TABLE)
    op.drop_table(TABLE)
