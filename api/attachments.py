"""/api/v1/tickets/{number}/attachments and /api/v1/attachments/{id}: files tickets carry.

Uploads stream to the attachment store while they arrive (hashed and counted, refused the
moment they pass the limit); downloads stream from it, and each one is audited.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import IO, Any, cast
from urllib.parse import quote

from flask import Response, request
from flask_smorest import Blueprint
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import wrap_file

from api.context import actor, audited, services, unit_of_work
from api.errors import documented_errors, secured
from api.schemas.attachments import (
    DOWNLOAD_RESPONSE,
    UPLOAD_BODY,
    AttachmentListSchema,
    AttachmentSchema,
)
from api.schemas.common import Shown
from hotline import attachments, tickets
from hotline.attachment_store import AttachmentStore, Incoming, too_large
from hotline.audit import AuditAction
from hotline.errors import Invalid

blp = Blueprint("attachments", __name__, url_prefix="/api/v1", description="Attachments (附件)")

# Room for the multipart framing and the `kind` field around a file of the largest size.
ENVELOPE_BYTES = 64 * 1024
# A text field (`kind`) at most; werkzeug checks each 64 KiB read buffer against it too.
MAX_FIELD_BYTES = 128 * 1024
MAX_PARTS = 4
# A download's own policy: whatever a browser makes of the bytes runs nothing.
DOWNLOAD_CSP = "default-src 'none'; sandbox"


def _shown(item: attachments.Listed) -> Shown:
    return Shown(
        item.row,
        ticket_number=item.ticket_number,
        uploaded_by=item.uploaded_by,
        purge_reason=item.purge_reason,
        download_url=f"{blp.url_prefix}/attachments/{item.row.id}",
    )


@blp.route("/tickets/<string:number>/attachments")
@blp.response(200, AttachmentListSchema)
@blp.doc(**secured({"404": "no such ticket, or not visible to you"}))
def list_(number: str) -> dict[str, Any]:
    """The ticket's files, oldest first: the center's (intake) and the units' (reply)."""
    with unit_of_work() as session:
        ticket = tickets.get_ticket(session, actor(), number)
        items = attachments.ticket_attachments(session, ticket)
        return {"ticket_number": ticket.number, "items": [_shown(item) for item in items]}


@blp.route("/tickets/<string:number>/attachments", methods=["POST"])
@blp.response(201, AttachmentSchema)
@blp.doc(
    **secured(
        {
            "403": "you may not attach (this kind) to this ticket",
            "404": "no such ticket, or not visible to you",
            "409": "the ticket is archived, or closed for the unit's replies",
            "413": "the file is larger than HOTLINE_ATTACHMENT_MAX_BYTES",
            "415": "the content is none of the accepted types, or not what its name says",
            "422": "a field is missing or wrong (`kind` that does not fit the content)",
            "503": "the attachment store could not write the file",
        },
        requestBody=UPLOAD_BODY,
    )
)
def upload(number: str) -> Shown:
    """Attach a file (multipart `file` and `kind`): the center with the matter, the unit
    holding the ticket with its reply; call recordings by the center and its operators."""
    who, host = actor(), services()
    store, limit = host.attachment_store, host.settings.privacy.attachment_max_bytes
    with unit_of_work() as session:  # before a byte is read: strangers send nothing
        attachments.check_may_attach(session, who, tickets.get_ticket(session, who, number), None)
    form = _receive(store, limit)
    try:
        with unit_of_work() as session:
            ticket = tickets.get_ticket(session, who, number)
            row = attachments.add(session, store, who, ticket, form.kind, form.filename, form.file)
            return _shown(attachments.listed(session, row, ticket))
    finally:
        store.discard(form.file)  # nothing left of a refused upload; a kept one has moved


@dataclass
class _Form:
    kind: str
    filename: str
    file: Incoming


def _receive(store: AttachmentStore, limit: int) -> _Form:
    """Read the multipart body, streaming the file part into the store's incoming folder."""
    if request.mimetype != "multipart/form-data":
        raise Invalid(
            "send multipart/form-data with the fields file and kind",
            fields={"file": ["a multipart/form-data file part is required"]},
        )
    if request.content_length is not None and request.content_length > limit + ENVELOPE_BYTES:
        raise too_large(limit)  # said before one byte is read
    # This route only: the app-wide limit (MAX_CONTENT_LENGTH) stays for every other one.
    request.max_content_length = limit + ENVELOPE_BYTES
    received: list[Incoming] = []

    def stream_factory(
        total_content_length: int | None,
        content_type: str | None,
        filename: str | None,
        content_length: int | None = None,
    ) -> IO[bytes]:
        received.append(store.incoming(limit))
        return cast(IO[bytes], received[-1])

    parser = FormDataParser(
        stream_factory, max_form_memory_size=MAX_FIELD_BYTES, max_form_parts=MAX_PARTS, silent=False
    )
    try:
        _, form, files = parser.parse(
            request.stream, request.mimetype, request.content_length, request.mimetype_params
        )
        part = files.get("file")
        if part is None:
            raise Invalid("the file field is missing", fields={"file": ["missing file part"]})
        kept = cast(Incoming, part.stream)
        kind = form.get("kind", "").strip()
        if not kind:
            raise Invalid(
                "the kind field is missing", fields={"kind": ["photo, document or recording"]}
            )
    except ValueError:
        _drop(store, received)
        raise Invalid(
            "the multipart body is malformed", fields={"file": ["malformed multipart body"]}
        ) from None
    except RequestEntityTooLarge:
        _drop(store, received)
        raise Invalid(
            f"send one file part and a short kind field (at most {MAX_PARTS} parts)",
            fields={"kind": ["too many parts, or a field too long"]},
        ) from None
    except BaseException:
        _drop(store, received)
        raise
    _drop(store, [upload for upload in received if upload is not kept])
    return _Form(kind, part.filename or "", kept)


def _drop(store: AttachmentStore, uploads: list[Incoming]) -> None:
    for upload in uploads:
        store.discard(upload)


@blp.route("/attachments/<int(max=2147483647):attachment_id>")
@blp.doc(
    security=[{"bearer": []}],
    responses={
        "200": DOWNLOAD_RESPONSE,
        **documented_errors(
            {
                "404": "no such attachment, or its ticket is not visible to you",
                "410": "the bytes were purged: the message says when and why",
            }
        ),
    },
)
def download(attachment_id: int) -> Response:
    """The file, streamed as a download in the type found in its content (audited)."""
    who, store = actor(), services().attachment_store
    opened: IO[bytes] | None = None
    try:
        with unit_of_work() as session:
            row, ticket = attachments.visible(session, who, attachment_id)
            opened = attachments.open_bytes(session, store, row, ticket)
            detail = {"attachment_id": row.id, "kind": row.kind, "filename": row.filename}
            audited(session, AuditAction.DOWNLOAD_ATTACHMENT, ticket, **detail)
    except BaseException:
        if opened is not None:  # the audit row did not commit: nothing is served
            opened.close()
        raise
    response = Response(
        wrap_file(request.environ, opened), content_type=row.content_type, direct_passthrough=True
    )
    response.content_length = row.size
    response.headers["Content-Disposition"] = content_disposition(row.filename, row.id)
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.set_etag(row.sha256)
    try:
        response.make_conditional(request, accept_ranges=True, complete_length=row.size)
    except BaseException:  # a range outside the file: 416, and the file is closed
        response.close()
        raise
    return response


def content_disposition(filename: str, attachment_id: int) -> str:
    """attachment; filename="<ASCII fallback>"; filename*=UTF-8''<the name> (RFC 6266/5987)."""
    stem, dot, extension = filename.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    # Accents fold to ASCII ("Bericht für" → "Bericht fur"); a name in another script gets
    # a neutral fallback: clients that read filename* show the real name anyway.
    folded = "".join(c for c in unicodedata.normalize("NFKD", stem) if not unicodedata.combining(c))
    safe = "".join(c for c in folded if c.isalnum() or c in " -_.()").strip()
    if not folded.isascii() or not safe:
        safe = f"attachment-{attachment_id}"
    fallback = f"{safe}{dot}{extension}"
    quoted = quote(filename, safe="!#$&+-.^_`|~")  # RFC 5987 attr-char
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quoted}"
