"""What an attachment is, read from its bytes: the accepted file types and their kinds.

A client's file name and Content-Type are never believed: `sniff` reads the file's first
bytes (and, for Office files, the zip's table of contents) and names the type it finds.
"""

from __future__ import annotations

import codecs
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

HEAD_BYTES = 64  # every signature below lies in the first bytes
TEXT_CHUNK = 64 * 1024


class Kind(StrEnum):
    """What a ticket's file is (`attachments.kind`)."""

    PHOTO = "photo"
    DOCUMENT = "document"
    RECORDING = "recording"  # a call recording (guangyuan 第十四条, guangxi 第二十八条)


class Purpose(StrEnum):
    """Why it was attached (`attachments.purpose`)."""

    INTAKE = "intake"  # by the center or its operators, with the matter
    REPLY = "reply"  # by a handling unit, with its reply


class Family(StrEnum):
    """Families of content; each kind accepts one."""

    IMAGE = "image"
    DOCUMENT = "document"
    AUDIO = "audio"


# The content a kind must have: a photo is an image, a recording is audio.
KIND_FAMILY = {
    Kind.PHOTO: Family.IMAGE,
    Kind.DOCUMENT: Family.DOCUMENT,
    Kind.RECORDING: Family.AUDIO,
}


@dataclass(frozen=True)
class FileType:
    """One accepted type: the media type served, a label for people, its file extensions."""

    content_type: str
    label: str
    family: Family
    extensions: tuple[str, ...]


JPEG = FileType("image/jpeg", "JPEG image", Family.IMAGE, ("jpg", "jpeg", "jpe", "jfif"))
PNG = FileType("image/png", "PNG image", Family.IMAGE, ("png",))
GIF = FileType("image/gif", "GIF image", Family.IMAGE, ("gif",))
WEBP = FileType("image/webp", "WebP image", Family.IMAGE, ("webp",))
PDF = FileType("application/pdf", "PDF document", Family.DOCUMENT, ("pdf",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word document (DOCX)",
    Family.DOCUMENT,
    ("docx",),
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel workbook (XLSX)",
    Family.DOCUMENT,
    ("xlsx",),
)
TEXT = FileType("text/plain; charset=utf-8", "plain text (UTF-8)", Family.DOCUMENT, ("txt",))
WAV = FileType("audio/wav", "WAV audio", Family.AUDIO, ("wav",))
MP3 = FileType("audio/mpeg", "MP3 audio", Family.AUDIO, ("mp3",))
AAC = FileType("audio/aac", "AAC audio", Family.AUDIO, ("aac",))
M4A = FileType("audio/mp4", "M4A audio", Family.AUDIO, ("m4a", "m4b", "mp4"))
AMR = FileType("audio/amr", "AMR audio", Family.AUDIO, ("amr",))
AMR_WB = FileType("audio/amr-wb", "AMR-WB audio", Family.AUDIO, ("awb", "amr"))
OGG = FileType("audio/ogg", "Ogg audio", Family.AUDIO, ("ogg", "oga", "opus"))

ACCEPTED = (JPEG, PNG, GIF, WEBP, PDF, DOCX, XLSX, TEXT, WAV, MP3, AAC, M4A, AMR, AMR_WB, OGG)
# Every extension an accepted type goes by: a name with one of them must match the content.
NAMED_EXTENSIONS = frozenset(ext for found in ACCEPTED for ext in found.extensions)


def accepted_labels(family: Family | None = None) -> str:
    """The accepted types (of one family), for messages: "JPEG image, PNG image, …"."""
    return ", ".join(t.label for t in ACCEPTED if family is None or t.family == family)


def sniff(path: Path) -> FileType | None:
    """The accepted type the file's content is, or None (unknown, or not accepted)."""
    with path.open("rb") as file:
        head = file.read(HEAD_BYTES)
    found = _by_signature(head)
    if found is not None:
        return found
    if head.startswith(b"PK\x03\x04"):
        return _office(path)
    return TEXT if head and _is_text(path) else None


def _by_signature(head: bytes) -> FileType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return WEBP if head[8:12] == b"WEBP" else WAV
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"#!AMR-WB\n"):
        return AMR_WB
    if head.startswith(b"#!AMR\n"):
        return AMR
    if head.startswith(b"OggS"):
        return OGG
    if head[4:8] == b"ftyp" and _audio_brand(head):
        return M4A
    if head.startswith(b"ID3"):  # an ID3v2 tag opens MP3 files
        return MP3
    return _mpeg_frame(head)


def _audio_brand(head: bytes) -> bool:
    """An ISO media file branded as audio (M4A/M4B), as major or compatible brand."""
    size = int.from_bytes(head[:4], "big")
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(size, len(head)), 4)]
    return any(brand in (b"M4A ", b"M4B ") for brand in brands)


def _mpeg_frame(head: bytes) -> FileType | None:
    """A bare MPEG audio frame header: AAC in ADTS, or MP3 (MPEG audio layer I–III)."""
    if len(head) < 3 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    if head[1] & 0xF6 == 0xF0:  # 12 sync bits, layer 00: ADTS
        return AAC
    version, layer = (head[1] >> 3) & 3, (head[1] >> 1) & 3
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 3
    if version != 1 and layer != 0 and bitrate != 0xF and rate != 3:  # none reserved
        return MP3
    return None


def _office(path: Path) -> FileType | None:
    """DOCX or XLSX: a zip holding [Content_Types].xml and the document's main part."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())  # the central directory only; nothing inflated
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


# C0 controls other than tab, line feed, form feed and carriage return, and DEL: binary.
_BINARY = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F])


def _is_text(path: Path) -> bool:
    """Whether the whole file is UTF-8 text (an optional BOM, no control characters)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as file:
        while chunk := file.read(TEXT_CHUNK):
            if len(chunk.translate(None, _BINARY)) != len(chunk):  # C speed, no Python loop
                return False
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return False
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True
