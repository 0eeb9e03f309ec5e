"""The access audit cannot be changed unnoticed: the database refuses UPDATE and DELETE on its
rows, and `hotline audit verify` names any row edited or removed behind the service's back;
`hotline audit list` and `export` read it from a shell, and are recorded doing so."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hotline import audit
from hotline.actors import Actor
from hotline.models.audit import AuditRecord
from tests.conftest import Hotline
from tests.helpers.audit import audit_rows, auditor, behind_the_back, user_id


def _five_reads(h: Hotline) -> list[str]:
    """Five audit rows: tickets registered by the operator (phones apart: no same-phone
    repeats); their numbers."""
    return [
        h.new_ticket(requester={"name": "张三", "phone": f"1380000{n:04d}"})["number"]
        for n in range(5)
    ]


def test_the_database_refuses_update_and_delete_of_audit_rows(hotline: Hotline) -> None:
    _five_reads(hotline)
    engine = hotline.services.engine
    for sql in (
        "UPDATE audit_records SET actor_name = 'nobody' WHERE id = 2",
        "DELETE FROM audit_records WHERE id = 5",
        "DELETE FROM audit_records",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    with engine.connect() as conn:
        names = conn.execute(text("SELECT actor_name FROM audit_records ORDER BY id")).scalars()
        assert list(names) == ["demo-operator"] * 5


def test_verify_passes_an_untouched_chain(hotline: Hotline, cli) -> None:
    _five_reads(hotline)
    result = cli("audit", "verify")
    assert (result.exit_code, result.stdout) == (0, "5 rows, chain intact\n")


def test_verify_names_a_row_edited_behind_the_service(hotline: Hotline, cli) -> None:
    numbers = _five_reads(hotline)
    behind_the_back(
        hotline.services.engine,
        "UPDATE audit_records SET ticket_number = :other WHERE id = 3",
        other=numbers[0],
    )
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "row 3: its content does not match its hash (edited)" in result.stderr
    assert "5 rows, chain broken in 1 place(s)" in result.stderr
    assert "row 2" not in result.stderr and "row 4" not in result.stderr


def test_verify_names_rows_removed_behind_the_service(hotline: Hotline, cli) -> None:
    _five_reads(hotline)
    behind_the_back(hotline.services.engine, "DELETE FROM audit_records WHERE id IN (2, 3)")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "row 4: rows 2–3 are missing" in result.stderr
    assert "row 4: its previous hash does not match the row before it" in result.stderr
    # The newest row removed: the chain's head still names it.
    behind_the_back(hotline.services.engine, "DELETE FROM audit_records WHERE id = 5")
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "row 5: the last rows are missing (the head names a later row)" in result.stderr


def test_verify_names_a_row_rewritten_with_a_fresh_hash(hotline: Hotline, cli) -> None:
    """Recomputing the edited row's hash does not help: the next row no longer follows it."""
    _five_reads(hotline)
    engine = hotline.services.engine
    with hotline.services.transaction() as session:
        forged = session.get(AuditRecord, 2)
        assert forged is not None
        session.expunge(forged)  # edited here only; the database refuses the change
    forged.actor_name = "nobody"
    fresh = audit._digest(forged.prev_hash, audit._fields(forged))  # the forger knows the recipe
    behind_the_back(
        engine, "UPDATE audit_records SET actor_name = 'nobody', hash = :h WHERE id = 2", h=fresh
    )
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert "row 3: its previous hash does not match the row before it" in result.stderr


def test_list_and_export_from_a_shell_filter_and_are_recorded(
    hotline: Hotline, cli, tmp_path: Path
) -> None:
    h = hotline
    numbers = _five_reads(h)
    h.center.get(f"/api/v1/tickets/{numbers[0]}")
    listed = cli("audit", "list", "--role", "center")
    assert listed.exit_code == 0, listed.output
    lines = listed.stdout.splitlines()
    assert len(lines) == 2 and lines[-1] == "1 of 1 row(s)"
    assert lines[0].startswith("6  2026-11-23T01:00:00+00:00  demo-center (#")
    assert f"read_requester  {numbers[0]}  GET /api/v1/tickets/{numbers[0]}  127.0.0.1" in lines[0]
    assert cli("audit", "list", "--ticket", numbers[0], "--limit", "1").stdout.splitlines()[-1] == (
        "1 of 2 row(s)"
    )

    out = tmp_path / "audit.csv"
    exported = cli("audit", "export", "--output", str(out), "--role", "operator")
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == f"5 row(s) written to {out}\n"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["ticket_number"] for r in rows] == numbers
    assert {r["endpoint"] for r in rows} == {"POST /api/v1/tickets"}

    # Both shell reads (and the two lists) are in the audit, as the system user reading it.
    reads = audit_rows(auditor(h), action="read_audit")
    assert [r["endpoint"] for r in reads] == [
        "hotline audit export",
        "hotline audit list",
        "hotline audit list",
    ]
    assert {r["role"] for r in reads} == {"system"}
    assert all(r["actor_name"].startswith("hotline audit (") for r in reads)
    assert reads[0]["detail"] == {"format": "csv", "filters": {"role": "operator"}, "up_to": 8}
    assert cli("audit", "verify").exit_code == 0


def test_shell_filters_are_checked(hotline: Hotline, cli, tmp_path: Path) -> None:
    _five_reads(hotline)
    bad = [
        (["list", "--from", "2026-11-23T10:00+08:00", "--to", "2026-11-23T09:00+08:00"], "--to"),
        (["list", "--from", "2026-11-23 10:00"], "--from"),
        (["list", "--action", "peek"], "--action"),
        (["export", "--output", str(tmp_path / "audit.txt")], "--output"),
        (["export", "--output", str(tmp_path / "no" / "audit.csv")], "--output"),
    ]
    for args, option in bad:
        result = cli("audit", *args)
        assert result.exit_code == 2, (args, result.output)
        assert option in result.stderr, (args, result.stderr)
    assert not list(tmp_path.glob("**/*.csv")) and not list(tmp_path.glob("*.txt"))


ROWS = 1200  # more than one batch (hotline.audit.csv_export reads 1,000 at a time)


def test_exports_larger_than_a_batch_hold_every_row_once_in_order(
    hotline: Hotline, cli, tmp_path: Path
) -> None:
    """1,200 rows (two batches of reading): the file and the download hold each once."""
    h = hotline
    center = Actor(id=user_id(h, "demo-center"), name="demo-center", role="center")
    with h.services.transaction() as session:
        for n in range(ROWS):
            audit.record(session, center, audit.AuditAction.READ_REQUESTER, ticket_number=f"T{n}")
    out = tmp_path / "all.csv"
    exported = cli("audit", "export", "--output", str(out))
    assert exported.stdout == f"{ROWS} row(s) written to {out}\n"
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["ticket_number"] for r in rows] == [f"T{n}" for n in range(ROWS)]
    download = auditor(h).get("/api/v1/audit", query_string={"format": "csv"})
    table = list(csv.DictReader(io.StringIO(download.data.decode("utf-8-sig"))))
    assert [r["id"] for r in table] == [str(n) for n in range(1, ROWS + 2)]
    assert (table[-1]["endpoint"], table[-1]["action"]) == ("hotline audit export", "read_audit")
    assert cli("audit", "verify").stdout == f"{ROWS + 2} rows, chain intact\n"
