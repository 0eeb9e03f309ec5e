"""Attachments in tests: small real files of each accepted type, uploads, what the store holds."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from werkzeug.test import TestResponse

from hotline.models.audit import AuditRecord

if TYPE_CHECKING:
    from tests.conftest import Hotline
    from tests.helpers.api import Caller

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\x00" * 32
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
TEXT = "整改情况说明：施工单位已停止夜间作业。\n".encode()
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + b"\x00" * 64
AMR = b"#!AMR\n" + b"\x3c" * 64
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom\x00\x00\x00\x00" + b"\x00" * 32
AAC = b"\xff\xf1\x50\x80\x02\x1f\xfc" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


def wav(data_bytes: int = 1600) -> bytes:
    """A PCM WAV file (8 kHz mono 16-bit) with `data_bytes` of silence."""
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"data" + struct.pack("<I", data_bytes) + bytes(data_bytes)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def office(main_part: str) -> bytes:
    """A minimal Office Open XML zip: [Content_Types].xml and `main_part`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
    return buffer.getvalue()


DOCX = office("word/document.xml")
XLSX = office("xl/workbook.xml")


def plain_zip() -> bytes:
    """A zip that is no Office document."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


def upload(
    caller: Caller,
    number: str,
    content: bytes,
    filename: str,
    kind: str | None = "photo",
    client_type: str = "application/octet-stream",
) -> TestResponse:
    """POST the file as multipart `file` (with `client_type` as its claimed type) and `kind`."""
    data: dict[str, Any] = {"file": (io.BytesIO(content), filename, client_type)}
    if kind is not None:
        data["kind"] = kind
    return caller.post(f"/api/v1/tickets/{number}/attachments", data=data)


def listed(caller: Caller, number: str) -> list[dict[str, Any]]:
    """The ticket's attachments as `caller` lists them (asserts 200)."""
    response = caller.get(f"/api/v1/tickets/{number}/attachments")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def stored_files(h: Hotline) -> list[str]:
    """Every file under the attachment store's folder: kept ones and uploads in flight."""
    root = h.services.attachment_store.root
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def audit_rows(h: Hotline, action: str) -> list[AuditRecord]:
    """The audit rows of one action, oldest first."""
    with h.services.transaction() as session:
        return list(
            session.scalars(
                select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.id)
            )
        )
