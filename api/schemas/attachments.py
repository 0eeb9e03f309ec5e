"""Schemas of ticket attachments (photos, documents, call recordings)."""

from __future__ import annotations

from marshmallow import Schema, fields

from api.schemas.common import RowSchema
from hotline.attachment_types import ACCEPTED, Kind, Purpose, accepted_labels


class AttachmentSchema(RowSchema):
    """One file a ticket carries; its bytes at `download_url` (every download is audited)."""

    id = fields.Integer()
    ticket_number = fields.String()
    kind = fields.String(metadata={"enum": list(Kind)})
    purpose = fields.String(
        metadata={
            "enum": list(Purpose),
            "description": "intake: attached by the center with the matter; reply: by the "
            "handling unit (`unit_code`) with its reply",
        }
    )
    filename = fields.String(metadata={"description": "the uploader's name for it, cleaned"})
    content_type = fields.String(metadata={"description": "the type found in the content"})
    size = fields.Integer(metadata={"description": "bytes"})
    sha256 = fields.String()
    unit_code = fields.String(allow_none=True, metadata={"description": "the replying unit"})
    uploaded_by = fields.String(allow_none=True, metadata={"description": "the user's name"})
    created_at = fields.DateTime()
    purged_at = fields.DateTime(
        allow_none=True, metadata={"description": "set once the bytes were purged (410 since)"}
    )
    purge_reason = fields.String(allow_none=True)
    download_url = fields.String(metadata={"example": "/api/v1/attachments/1"})


class AttachmentListSchema(Schema):
    """A ticket's attachments, oldest first: the center's and the units' replies alike."""

    ticket_number = fields.String()
    items = fields.List(fields.Nested(AttachmentSchema))


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "kind"],
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "the file; its type is read from its content: "
                        + accepted_labels(),
                    },
                    "kind": {
                        "type": "string",
                        "enum": list(Kind),
                        "description": "photo: an image; document: PDF, DOCX, XLSX or text; "
                        "recording: audio (the center's call recordings)",
                    },
                },
            }
        }
    },
}

DOWNLOAD_RESPONSE = {
    "description": "the file's bytes, as an attachment, in the type found in its content",
    "content": {
        found.content_type.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
        for found in ACCEPTED
    },
}
