"""The README's attachments walk-through, run as written against a live server."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO, Hotline
from tests.helpers.servers import LiveServer
from tests.test_readme import BLOCK, block, run_script


def test_walkthrough_attachments(hotline: Hotline, live: LiveServer, tmp_path: Path) -> None:
    """A photo attached with the matter, a document with the unit's reply, a fake JPEG
    refused, both listed, the photo downloaded byte for byte, another unit turned away."""
    script = BLOCK.search((REPO / "README.md").read_text()).group(1) + block("attachments")
    lines = run_script(hotline, f"http://127.0.0.1:{live.port}", tmp_path, script)
    assert lines[-6:] == [
        "reply ZJJ text/plain; charset=utf-8",
        "unsupported_media_type {'file': ['content is plain text (UTF-8), not .jpg']}",
        "[('photo', 'intake', 'site.jpg', 'image/jpeg'), "
        "('document', 'reply', '回复.txt', 'text/plain; charset=utf-8')]",
        "Content-Disposition: attachment; filename=\"site.jpg\"; filename*=UTF-8''site.jpg",
        "same bytes",
        "404",
    ]
