"""assessment schemes' records: call tests, callback findings, duty, explanations, deductions, scores

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("scored_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assessment_scores_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_scores")),
        sa.UniqueConstraint("unit_code", "day", name=op.f("uq_assessment_scores_unit_code")),
    )
    with op.batch_alter_table("assessment_scores", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_scores_day"), ["day"], unique=False)

    op.create_table(
        "assessment_call_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("tested_at", sa.DateTime(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assessment_call_tests_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assessment_call_tests_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_call_tests")),
    )
    with op.batch_alter_table("assessment_call_tests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_call_tests_tested_at"), ["tested_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_call_tests_unit_code"), ["unit_code"], unique=False
        )

    op.create_table(
        "assessment_duty_weeks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assessment_duty_weeks_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assessment_duty_weeks_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_duty_weeks")),
        sa.UniqueConstraint(
            "unit_code", "week_start", name=op.f("uq_assessment_duty_weeks_unit_code")
        ),
    )
    with op.batch_alter_table("assessment_duty_weeks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_duty_weeks_unit_code"), ["unit_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_duty_weeks_week_start"), ["week_start"], unique=False
        )

    op.create_table(
        "assessment_callback_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("finding", sa.String(length=20), nullable=False),
        sa.Column("found_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_assessment_callback_findings_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_assessment_callback_findings_ticket_id_tickets"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"],
            ["units.code"],
            name=op.f("fk_assessment_callback_findings_unit_code_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_callback_findings")),
    )
    with op.batch_alter_table("assessment_callback_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_callback_findings_found_at"), ["found_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_callback_findings_ticket_id"), ["ticket_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_callback_findings_unit_code"), ["unit_code"], unique=False
        )

    op.create_table(
        "assessment_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("item", sa.String(length=40), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("filed_by", sa.String(length=200), nullable=False),
        sa.Column("filed_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_assessment_exclusions_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assessment_exclusions_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_exclusions")),
    )
    with op.batch_alter_table("assessment_exclusions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_exclusions_unit_status", ["unit_code", "status"], unique=False
        )

    op.create_table(
        "assessment_deductions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("item", sa.String(length=40), nullable=False),
        sa.Column("article", sa.String(length=200), nullable=False),
        sa.Column("points", sa.Float(), nullable=False),
        sa.Column("year_end", sa.Boolean(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("record_kind", sa.String(length=30), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("exclusion_id", sa.Integer(), nullable=True),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("status_by", sa.String(length=200), nullable=True),
        sa.Column("status_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exclusion_id"],
            ["assessment_exclusions.id"],
            name=op.f("fk_assessment_deductions_exclusion_id_assessment_exclusions"),
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_assessment_deductions_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_assessment_deductions_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_deductions")),
        sa.UniqueConstraint(
            "unit_code", "item", "key", name=op.f("uq_assessment_deductions_unit_code")
        ),
    )
    with op.batch_alter_table("assessment_deductions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_deductions_day"), ["day"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assessment_deductions_ticket_id"), ["ticket_id"], unique=False
        )
        batch_op.create_index(
            "ix_assessment_deductions_unit_day", ["unit_code", "day"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment_deductions", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_deductions_unit_day")
        batch_op.drop_index(batch_op.f("ix_assessment_deductions_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_deductions_day"))

    op.drop_table("assessment_deductions")
    with op.batch_alter_table("assessment_exclusions", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_exclusions_unit_status")

    op.drop_table("assessment_exclusions")
    with op.batch_alter_table("assessment_callback_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_callback_findings_unit_code"))
        batch_op.drop_index(batch_op.f("ix_assessment_callback_findings_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_callback_findings_found_at"))

    op.drop_table("assessment_callback_findings")
    with op.batch_alter_table("assessment_duty_weeks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_duty_weeks_week_start"))
        batch_op.drop_index(batch_op.f("ix_assessment_duty_weeks_unit_code"))

    op.drop_table("assessment_duty_weeks")
    with op.batch_alter_table("assessment_call_tests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_call_tests_unit_code"))
        batch_op.drop_index(batch_op.f("ix_assessment_call_tests_tested_at"))

    op.drop_table("assessment_call_tests")
    with op.batch_alter_table("assessment_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_scores_day"))

    op.drop_table("assessment_scores")
