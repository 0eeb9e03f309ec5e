"""hot-spot early warnings

Revision ID: 0010
Revises: 0009

`hotspot_warnings`: one row per cluster of demands (category × district × keywords) found far
above its trailing baseline, updated while the cluster lasts; `hotspot_warning_tickets` its
tickets; `hotspot_warning_units` the units concerned and their acknowledgements.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "hotspot_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expected", sa.Float(), nullable=False),
        sa.Column("ratio", sa.Float(), nullable=False),
        sa.Column("p_value", sa.Float(), nullable=False),
        sa.Column("baseline_days", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.Column("detections", sa.Integer(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotspot_warnings")),
    )
    with op.batch_alter_table("hotspot_warnings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hotspot_warnings_cluster", ["category", "district", "last_seen_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hotspot_warnings_first_seen_at"), ["first_seen_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_hotspot_warnings_status"), ["status"], unique=False)

    op.create_table(
        "hotspot_warning_tickets",
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_hotspot_warning_tickets_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["hotspot_warnings.id"],
            name=op.f("fk_hotspot_warning_tickets_warning_id_hotspot_warnings"),
        ),
        sa.PrimaryKeyConstraint("warning_id", "ticket_id", name=op.f("pk_hotspot_warning_tickets")),
    )
    with op.batch_alter_table("hotspot_warning_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hotspot_warning_tickets_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "hotspot_warning_units",
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.Integer(), nullable=True),
        sa.Column("measures", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by"],
            ["users.id"],
            name=op.f("fk_hotspot_warning_units_acknowledged_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["instance_id"],
            ["process_instances.id"],
            name=op.f("fk_hotspot_warning_units_instance_id_process_instances"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_hotspot_warning_units_unit_code_units")
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["hotspot_warnings.id"],
            name=op.f("fk_hotspot_warning_units_warning_id_hotspot_warnings"),
        ),
        sa.PrimaryKeyConstraint("warning_id", "unit_code", name=op.f("pk_hotspot_warning_units")),
    )
    with op.batch_alter_table("hotspot_warning_units", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hotspot_warning_units_unit_code"), ["unit_code"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("hotspot_warning_units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotspot_warning_units_unit_code"))
    op.drop_table("hotspot_warning_units")
    with op.batch_alter_table("hotspot_warning_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotspot_warning_tickets_ticket_id"))
    op.drop_table("hotspot_warning_tickets")
    with op.batch_alter_table("hotspot_warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hotspot_warnings_status"))
        batch_op.drop_index(batch_op.f("ix_hotspot_warnings_first_seen_at"))
        batch_op.drop_index("ix_hotspot_warnings_cluster")
    op.drop_table("hotspot_warnings")
