"""Attachment bytes on the filesystem: random keys in sharded folders, written atomically.

No path ever comes from a client: a key is 32 random hex digits and its file lives at
`<root>/<k[0:2]>/<k[2:4]>/<k>`. An upload streams into `<root>/incoming/` (the same
filesystem), hashed and counted as it arrives; it is moved into place by one rename, so a
reader never finds half a file, and a refused upload leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path
from typing import BinaryIO

from hotline.errors import DomainError

KEY = re.compile(r"[0-9a-f]{32}")
INCOMING = "incoming"


class TooLarge(DomainError):
    """The file is larger than HOTLINE_ATTACHMENT_MAX_BYTES allows."""

    status = 413
    code = "payload_too_large"


class StoreFailed(DomainError):
    """The store could not write, read or remove a file (a full disk, a lost mount)."""

    status = 503
    code = "attachment_store_unavailable"


def describe_size(size: int) -> str:
    """20 MiB (20971520 bytes): a limit as people and scripts both read it."""
    for unit, factor in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit} ({size} bytes)"
    return f"{size} bytes"


def too_large(limit: int) -> TooLarge:
    """The refusal of a file over `limit` bytes, naming the limit and the field."""
    message = f"the file is larger than {describe_size(limit)}, the largest attachment accepted"
    return TooLarge(message, fields={"file": [f"at most {limit} bytes"]})


class Incoming:
    """One upload on its way in: written to a temporary file, hashed and counted per chunk.

    Writing past `limit` raises TooLarge at once, before the rest of the body is read.
    """

    def __init__(self, path: Path, limit: int) -> None:
        self.path = path
        self.limit = limit
        self.size = 0
        self._hash = hashlib.sha256()
        self._file: BinaryIO | None = path.open("xb")

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes written so far."""
        return self._hash.hexdigest()

    def write(self, data: bytes) -> int:
        """Append a chunk; TooLarge once the file passes the limit."""
        self.size += len(data)
        if self.size > self.limit:
            raise too_large(self.limit)
        self._hash.update(data)
        assert self._file is not None, "write after finish"
        return self._file.write(data)

    def seek(self, offset: int, whence: int = 0) -> int:
        """The multipart parser rewinds a finished part; nothing else moves the position."""
        return self._file.seek(offset, whence) if self._file is not None else 0

    def finish(self) -> None:
        """Flush the bytes to disk and close the temporary file (idempotent)."""
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())  # on disk before a row names it
            self._file.close()
            self._file = None

    def close(self) -> None:
        """Close without flushing to disk (the upload is being dropped)."""
        if self._file is not None:
            self._file.close()
            self._file = None


class AttachmentStore:
    """The directory attachment bytes live in (HOTLINE_ATTACHMENTS_DIR)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def incoming(self, limit: int) -> Incoming:
        """A new temporary file for an upload of at most `limit` bytes."""
        folder = self.root / INCOMING
        try:
            folder.mkdir(parents=True, exist_ok=True)
            return Incoming(folder / f"{secrets.token_hex(16)}.part", limit)
        except OSError as exc:
            raise _failed("receive the file", exc) from exc

    def keep(self, upload: Incoming) -> str:
        """Move a finished upload into place; its new key."""
        key = secrets.token_hex(16)
        target = self.path(key)
        try:
            upload.finish()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(upload.path, target)  # atomic: the file appears whole or not at all
        except OSError as exc:
            self.discard(upload)
            raise _failed("store the file", exc) from exc
        return key

    def discard(self, upload: Incoming) -> None:
        """Drop an upload that was not kept (nothing happens to one that was)."""
        upload.close()
        upload.path.unlink(missing_ok=True)

    def path(self, key: str) -> Path:
        """Where key's bytes live; ValueError for anything that is not a store key."""
        if not KEY.fullmatch(key):
            raise ValueError(f"not an attachment key: {key!r}")
        return self.root / key[0:2] / key[2:4] / key

    def exists(self, key: str) -> bool:
        """Whether key's bytes are in the store."""
        return self.path(key).is_file()

    def open(self, key: str) -> BinaryIO:
        """Key's bytes for reading (the caller closes the file)."""
        try:
            return self.path(key).open("rb")
        except OSError as exc:
            raise _failed("read the file", exc) from exc

    def delete(self, key: str) -> None:
        """Remove key's bytes (already gone is fine)."""
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError as exc:
            raise _failed("remove the file", exc) from exc

    def keys(self) -> list[str]:
        """Every key in the store (not uploads still arriving), for checks and tests."""
        return sorted(p.name for p in self.root.glob("??/??/*") if KEY.fullmatch(p.name))


def _failed(doing: str, exc: OSError) -> StoreFailed:
    return StoreFailed(f"the attachment store could not {doing}: {exc.strerror or exc}")
