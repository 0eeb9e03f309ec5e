"""Done when (issue 15): a copy of the database contains no requester in clear text.

A whole ticket goes through the HTTP API under guangxi with requesters texted through the
stand-in SMS gateway: intake, dispatch, acknowledge, handle, review, the callback text,
the requester's SMS answer closing it, the public lookup, the center reading the ticket.
Then SQLite's database file (after a checkpoint, with its -wal and -journal if any) is read
byte by byte, and on PostgreSQL every row of every table of the schema as text, for the
phone (as typed, digits only, national), the name and the address, also as JSON escapes.

Clock: Monday 2026-11-23 09:00 Shanghai (not moved).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hotline.config import Settings
from hotline.messages.dispatch import dispatch_round
from tests.conftest import Hotline, make_hotline
from tests.helpers.keys import started
from tests.helpers.receivers import SmsReceiver
from tests.helpers.sms import at_callback, reply, with_gateway

TYPED_PHONE = "+86 139-8765-4321"
NATIONAL = "13987654321"
NAME = "欧阳秀兰"
ADDRESS = "青川县乔庄镇凤凰路88号"
CONTENT = "小区门前路灯连续一周不亮，夜里行人摔倒"  # not sealed: the control


def needles() -> dict[str, list[bytes]]:
    """What must not appear, each in every form a copy could hold it in."""
    forms = {
        "phone": [TYPED_PHONE, NATIONAL, "86" + NATIONAL, "139-8765-4321", "139 8765 4321"],
        "name": [NAME],
        "address": [ADDRESS, "凤凰路88号"],
    }
    out: dict[str, list[bytes]] = {}
    for what, texts in forms.items():
        escaped = [json.dumps(t)[1:-1] for t in texts]  # JSON written with ensure_ascii
        out[what] = sorted({t.encode() for t in texts + escaped})
    return out


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """The stand-in SMS gateway."""
    receiver = SmsReceiver()
    yield receiver
    receiver.close()


def full_loop(h: Hotline, gateway: SmsReceiver) -> str:
    """One ticket from intake to closed by the requester's SMS answer; its number."""
    requester = {"name": NAME, "phone": TYPED_PHONE}
    number = at_callback(h, requester=requester, address=ADDRESS, content=CONTENT)
    dispatch_round(h.services.sessions)
    asked = [t for t in gateway.texts("+86" + NATIONAL) if t["kind"] == "callback_request"]
    assert asked, gateway.texts()  # the requester was really texted at that number
    assert reply(h, gateway.secret, "+86 139 8765 4321", "1").json["outcome"] == "satisfied"
    dispatch_round(h.services.sessions)
    shown = h.ticket(number)
    assert shown["status"] == "closed"
    assert shown["requester"] == requester and shown["address"] == ADDRESS
    lookup = h.app.test_client().get(
        f"/public/tickets/{number}", query_string={"phone_tail": "4321"}
    )
    assert lookup.status_code == 200, lookup.json
    listed = h.center.get("/api/v1/tickets", query_string={"per_page": 100})
    assert listed.status_code == 200 and number in listed.get_data(as_text=True)
    return number


def found_in(blob: bytes) -> dict[str, list[str]]:
    """The needles `blob` contains, by what they reveal."""
    hits = {what: [n.decode() for n in forms if n in blob] for what, forms in needles().items()}
    return {what: found for what, found in hits.items() if found}


def sqlite_copy(h: Hotline) -> bytes:
    """The SQLite database file and its companions, as a copy of the directory holds them."""
    h.services.dispose()
    path = Path(h.services.settings.database_url.split("///", 1)[1])
    # Everything written reaches the main file, as a backup tool copying it would want.
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    files = [path, *(path.with_name(path.name + s) for s in ("-wal", "-journal", "-shm"))]
    return b"".join(p.read_bytes() for p in files if p.exists())


def postgres_rows(h: Hotline) -> bytes:
    """Every row of every table in the test's schema, as PostgreSQL prints it, raw SQL."""
    chunks: list[str] = []
    with h.services.engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
            )
        ).scalars()
        for table in list(tables):
            rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
            chunks.extend(rows)
    return "\n".join(chunks).encode()


def test_a_copy_of_the_database_holds_no_requester_in_clear_text(
    settings: Settings, manual_clock, gateway: SmsReceiver
) -> None:
    """guangyuan 第二十二条 (诉求人信息保密), issue 15 §3: after a full ticket loop the
    database, read as raw bytes or raw rows, shows the ticket's content (the control) but
    no trace of the requester's phone, name or address."""
    h = make_hotline(started(with_gateway(settings, gateway.url, gateway.secret, "guangxi")))
    full_loop(h, gateway)
    if h.services.engine.dialect.name == "sqlite":
        copy = sqlite_copy(h)
    else:
        copy = postgres_rows(h)
        h.services.dispose()
    assert CONTENT.encode() in copy  # the copy is readable: unsealed text shows
    assert found_in(copy) == {}
