"""personal data: audit, sealing, confidential staff, attachments, retention, tokens

Revision ID: 0013
Revises: 0012

`audit_records` the hash-chained access audit (its head in `audit_head`); `attachments` the
files tickets carry; `archive_records` and `legal_holds` retention; the requester's name,
phone and address widen to hold sealed values, found by `requester_phone_hash`; users gain
the confidential-staff flag and token expiry, last use and revocation.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_id", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    # The chain starts at one head row; appending locks it (hotline.audit).
    op.bulk_insert(
        sa.table(
            "audit_head",
            sa.column("id", sa.Integer()),
            sa.column("last_id", sa.Integer()),
            sa.column("last_hash", sa.String()),
            sa.column("note", sa.Text()),
        ),
        [{"id": 1, "last_id": 0, "last_hash": "0" * 64, "note": "initialised"}],
    )
    op.create_table(
        "audit_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("unit_code", sa.String(length=32), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("ticket_number", sa.String(length=32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("endpoint", sa.String(length=200), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_records")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_records_hash")),
    )
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_records_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_records_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_records_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_records_ticket_id"), ["ticket_id"], unique=False)
    _refuse_audit_changes()

    op.create_table(
        "archive_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("ticket_number", sa.String(length=32), nullable=False),
        sa.Column("archived_at", sa.DateTime(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_archive_records_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_records")),
        sa.UniqueConstraint("ticket_id", name=op.f("uq_archive_records_ticket_id")),
    )
    with op.batch_alter_table("archive_records", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_archive_records_ticket_number"), ["ticket_number"], unique=False
        )

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=True),
        sa.Column("unit_code", sa.String(length=32), nullable=True),
        sa.Column("uploaded_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_attachments_ticket_id_tickets")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_attachments_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_ticket_id"), ["ticket_id"], unique=False)

    op.create_table(
        "legal_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.Integer(), nullable=True),
        sa.Column("placed_by_name", sa.String(length=200), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("released_by", sa.Integer(), nullable=True),
        sa.Column("released_by_name", sa.String(length=200), nullable=True),
        sa.Column("released_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["placed_by"], ["users.id"], name=op.f("fk_legal_holds_placed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["released_by"], ["users.id"], name=op.f("fk_legal_holds_released_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_legal_holds_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_legal_holds_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("inbound_sms", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phone_hash", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "phone", existing_type=sa.VARCHAR(length=32), type_=sa.Text(), existing_nullable=False
        )
        batch_op.drop_index(batch_op.f("ix_inbound_sms_phone"))
        batch_op.create_index(batch_op.f("ix_inbound_sms_phone_hash"), ["phone_hash"], unique=False)

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_hash", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "address",
            existing_type=sa.VARCHAR(length=200),
            type_=sa.Text(),
            existing_nullable=False,
        )
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_address_hash"), ["address_hash"], unique=False
        )

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requester_phone_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(), nullable=True))
        batch_op.alter_column(
            "requester_name",
            existing_type=sa.VARCHAR(length=100),
            type_=sa.Text(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "requester_phone",
            existing_type=sa.VARCHAR(length=32),
            type_=sa.Text(),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "address", existing_type=sa.VARCHAR(length=500), type_=sa.Text(), existing_nullable=True
        )
        batch_op.drop_index(batch_op.f("ix_tickets_phone_created_at"))
        batch_op.create_index(batch_op.f("ix_tickets_archived_at"), ["archived_at"], unique=False)
        batch_op.create_index(
            "ix_tickets_phone_hash_created_at", ["requester_phone_hash", "created_at"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("token_expires_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("token_last_used_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("token_revoked_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("token_revoked_at")
        batch_op.drop_column("token_last_used_at")
        batch_op.drop_column("token_expires_at")
        batch_op.drop_column("confidential")

    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_phone_hash_created_at")
        batch_op.drop_index(batch_op.f("ix_tickets_archived_at"))
        batch_op.create_index(
            batch_op.f("ix_tickets_phone_created_at"),
            ["requester_phone", "created_at"],
            unique=False,
        )
        batch_op.alter_column(
            "address", existing_type=sa.Text(), type_=sa.VARCHAR(length=500), existing_nullable=True
        )
        batch_op.alter_column(
            "requester_phone",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=32),
            existing_nullable=False,
        )
        batch_op.alter_column(
            "requester_name",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=100),
            existing_nullable=False,
        )
        batch_op.drop_column("purged_at")
        batch_op.drop_column("archived_at")
        batch_op.drop_column("requester_phone_hash")

    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_address_hash"))
        batch_op.alter_column(
            "address",
            existing_type=sa.Text(),
            type_=sa.VARCHAR(length=200),
            existing_nullable=False,
        )
        batch_op.drop_column("address_hash")

    with op.batch_alter_table("inbound_sms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_sms_phone_hash"))
        batch_op.create_index(batch_op.f("ix_inbound_sms_phone"), ["phone"], unique=False)
        batch_op.alter_column(
            "phone", existing_type=sa.Text(), type_=sa.VARCHAR(length=32), existing_nullable=False
        )
        batch_op.drop_column("phone_hash")

    with op.batch_alter_table("legal_holds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_legal_holds_ticket_id"))

    op.drop_table("legal_holds")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_ticket_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("archive_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_archive_records_ticket_number"))

    op.drop_table("archive_records")
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_records_ticket_id"))
        batch_op.drop_index(batch_op.f("ix_audit_records_at"))
        batch_op.drop_index(batch_op.f("ix_audit_records_actor_id"))
        batch_op.drop_index(batch_op.f("ix_audit_records_action"))

    _allow_audit_changes()
    op.drop_table("audit_records")
    op.drop_table("audit_head")


# -- the access audit is append-only in the database itself ------------------------------------
# Nothing in the service updates or deletes an audit row; these triggers refuse anyone who tries
# through SQL (a maintenance script, a console), so only someone who first drops them can, and
# `hotline audit verify` finds what they changed. Row triggers: TRUNCATE (the test suite's reset
# of a PostgreSQL schema) is not refused. A later SQLite batch_alter_table that rebuilds
# audit_records drops these triggers: such a revision must create them again.
APPEND_ONLY = "audit_records is append-only: rows are never updated or deleted"
SQLITE_TRIGGERS = {
    "audit_records_no_update": "BEFORE UPDATE ON audit_records",
    "audit_records_no_delete": "BEFORE DELETE ON audit_records",
}
PG_FUNCTION = f"""
CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY} (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$
"""
PG_TRIGGER = (
    "CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records "
    "FOR EACH ROW EXECUTE FUNCTION audit_records_append_only()"
)


def _refuse_audit_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name, when in SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )
    else:
        op.execute(PG_FUNCTION)
        op.execute(PG_TRIGGER)


def _allow_audit_changes() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_records_append_only ON audit_records")
        op.execute("DROP FUNCTION IF EXISTS audit_records_append_only()")
