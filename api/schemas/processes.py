"""Process schemas: deployed diagrams, their versions, deploy uploads and refusals."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import RowSchema

READERS = "Readable by admin and center users; others get 403."


class DeployProblemSchema(Schema):
    """One problem of a file: an error refuses it (a 422 lists them in
    `error.fields.problems`), a warning does not (listed under `warnings` of a deployment)."""

    file = fields.String()
    element_id = fields.String(allow_none=True)
    element_name = fields.String(allow_none=True)
    element_type = fields.String(allow_none=True)
    line = fields.Integer(allow_none=True)
    message = fields.String(metadata={"description": "what is wrong and what to do"})
    severity = fields.String(
        metadata={"description": "error (refuses the file) or warning (deploys anyway)"}
    )


class DefinitionSchema(RowSchema):
    """One deployed version of a process."""

    process_id = fields.String(metadata={"description": "the BPMN process id"})
    version = fields.Integer(metadata={"description": "1, 2, … per process_id"})
    name = fields.String(allow_none=True)
    filename = fields.String(metadata={"description": "the deployed file's name"})
    hash = fields.String(metadata={"description": "SHA-256 of the file; same hash, same version"})
    deployed_at = fields.DateTime()


class DeployedProcessSchema(DefinitionSchema):
    """One process definition a deployment stored, or found unchanged (`new` false)."""

    new = fields.Boolean(
        metadata={"description": "true when this upload made the version; false when unchanged"}
    )
    warnings = fields.List(
        fields.Nested(DeployProblemSchema),
        metadata={"description": "what the process owner should still fix in this file"},
    )


class ProcessSchema(RowSchema):
    """The newest version of one process, with how many versions and running instances."""

    process_id = fields.String()
    name = fields.String(allow_none=True)
    latest_version = fields.Integer(metadata={"description": "new instances start on this"})
    filename = fields.String()
    hash = fields.String()
    deployed_at = fields.DateTime()
    versions = fields.Integer(metadata={"description": "how many versions were deployed"})
    running_instances = fields.Integer(metadata={"description": "running, over all versions"})


class ProcessVersionSchema(DefinitionSchema):
    """One deployed version and how many instances still run on it."""

    latest = fields.Boolean(metadata={"description": "new instances start on this version"})
    running_instances = fields.Integer(
        metadata={"description": "instances still running on this version"}
    )


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["files"],
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "one or more .bpmn files; repeat the `files` field",
                    }
                },
            }
        }
    },
}
