"""Schemas of /api/v1/processes/<process_id>/migrations."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

MAX_VERSION = 2**31 - 1  # a database INTEGER; larger numbers are no version


class MigrationRequestSchema(Schema):
    """Body of POST /processes/<process_id>/migrations."""

    from_version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_VERSION),
        metadata={"description": "version the running instances are on"},
    )
    to_version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=1, max=MAX_VERSION),
        metadata={"description": "version to move them to"},
    )
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "report only; store nothing"}
    )


class ReasonSchema(Schema):
    """Why an instance cannot move: the element and what changed."""

    element_id = fields.String()
    message = fields.String()


class InstanceOutcomeSchema(Schema):
    """One running instance of the source version."""

    instance_id = fields.Integer()
    ticket_id = fields.Integer(allow_none=True)
    ticket_number = fields.String(allow_none=True)
    moved = fields.Boolean(metadata={"description": "moved (or would move, in a dry run)"})
    reasons = fields.List(fields.Nested(ReasonSchema))


class MigrationReportSchema(Schema):
    """What a migration did (or, in a dry run, would do)."""

    process_id = fields.String()
    from_version = fields.Integer()
    to_version = fields.Integer()
    dry_run = fields.Boolean()
    moved = fields.Integer()
    refused = fields.Integer()
    instances = fields.List(fields.Nested(InstanceOutcomeSchema))
