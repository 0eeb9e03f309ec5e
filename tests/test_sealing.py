"""Requester name, phone and address sealed at rest (issue 15 §3; guangyuan 第二十二条:
诉求人信息不得泄露), found again by a keyed hash of the national number.

Clock: Monday 2026-11-23 09:00 Shanghai (not moved). Tickets are registered through the API;
the database is read with plain SQL to see what a copy of it would show.
"""

from __future__ import annotations

import stat
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import event, text

from hotline.config import Settings
from tests.conftest import Hotline
from wiring.cli import main

NAME, PHONE, ADDRESS = "欧阳秀兰", "13987654321", "青川县乔庄镇凤凰路88号"
REQUESTER = {"name": NAME, "phone": PHONE}


def stored(h: Hotline, number: str) -> dict[str, str | None]:
    """The ticket's requester columns as the database holds them."""
    with h.services.engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT requester_name, requester_phone, address, requester_phone_hash "
                "FROM tickets WHERE number = :n"
            ),
            {"n": number},
        ).one()
    return dict(row._mapping)


def hotline_cli(settings: Settings, *args: str, **env: str | None) -> object:
    """`hotline …` in-process over the test database and var dir, with `env` on top."""
    base: dict[str, str | None] = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
        "HOTLINE_CLOCK": "manual",
        "HOTLINE_DATA_KEYS": None,
        "HOTLINE_PHONE_HASH_KEY": None,
    }
    return CliRunner().invoke(main, list(args), env={**base, **env})


def test_name_phone_and_address_are_sealed_in_the_database_and_read_in_clear(
    hotline: Hotline,
) -> None:
    """The API shows the requester as registered; the columns hold AES-GCM sealed values
    under the key file's key id, different each time even for the same phone."""
    first = hotline.new_ticket(requester=REQUESTER, address=ADDRESS)
    second = hotline.new_ticket(requester=REQUESTER, address=ADDRESS)
    shown = hotline.ticket(first["number"])
    assert shown["requester"] == {"name": NAME, "phone": PHONE}
    assert shown["address"] == ADDRESS
    one, two = stored(hotline, first["number"]), stored(hotline, second["number"])
    for column in ("requester_name", "requester_phone", "address"):
        value = one[column]
        assert value is not None and value.startswith("$s1$f"), value  # key file id f…
        assert NAME not in value and PHONE not in value and ADDRESS not in value
        assert value != two[column]  # a fresh nonce each time
    phone_hash = one["requester_phone_hash"]
    assert phone_hash is not None and len(phone_hash) == 64 and PHONE not in phone_hash
    assert phone_hash == two["requester_phone_hash"]


def test_the_same_number_written_otherwise_is_still_the_same_phone(hotline: Hotline) -> None:
    """Repeat detection finds the earlier ticket through the hash of the national number:
    +86, spaces and dashes do not make another requester."""
    first = hotline.new_ticket(requester=REQUESTER)
    other_way = {"name": "欧阳女士", "phone": "+86 139-8765-4321"}
    second = hotline.new_ticket(requester=other_way, content="工地夜里还在打桩", district="昭化区")
    reasons = {r["number"]: r["reason"] for r in second["possible_repeats"]}
    assert reasons == {first["number"]: "same_phone"}
    assert (
        stored(hotline, first["number"])["requester_phone_hash"]
        == (stored(hotline, second["number"])["requester_phone_hash"])
    )
    stranger = hotline.new_ticket(
        requester={"name": "李四", "phone": "13900005678"}, content="路灯不亮", district="苍溪县"
    )
    assert stranger["possible_repeats"] == []


def test_without_keys_in_the_environment_a_private_key_file_is_made_once(
    hotline: Hotline, settings: Settings
) -> None:
    """No HOTLINE_DATA_KEYS: the service made var/keys/data-keys (and the phone-hash key)
    readable by its owner only; a restart reads the tickets with the same key."""
    number = hotline.new_ticket(requester=REQUESTER)["number"]
    keys = Path(settings.var_dir) / "keys"
    for name in ("data-keys", "phone-hash-key"):
        mode = stat.S_IMODE((keys / name).stat().st_mode)
        assert mode == 0o600, oct(mode)
    before = (keys / "data-keys").read_text()
    assert before.startswith("f") and ":" in before
    result = hotline_cli(settings, "keys", "status")  # a second process on the same var dir
    assert result.exit_code == 0, result.output
    assert (keys / "data-keys").read_text() == before
    assert hotline.ticket(number)["requester"]["name"] == NAME


def test_a_malformed_key_stops_the_command_naming_the_variable(
    hotline: Hotline, settings: Settings
) -> None:
    """A bad HOTLINE_DATA_KEYS or HOTLINE_PHONE_HASH_KEY is refused at start, named, and the
    key material is never echoed."""
    short = "c2hvcnQta2V5"  # "short-key": 9 bytes, not 32
    for env, named in [
        ({"HOTLINE_DATA_KEYS": f"k1:{short}"}, "HOTLINE_DATA_KEYS entry 1 (id 'k1')"),
        ({"HOTLINE_DATA_KEYS": "no key id"}, "HOTLINE_DATA_KEYS entry 1"),
        ({"HOTLINE_PHONE_HASH_KEY": "%%%"}, "HOTLINE_PHONE_HASH_KEY"),
    ]:
        result = hotline_cli(settings, "keys", "status", **env)
        assert result.exit_code == 1, result.output
        assert named in result.output and short not in result.output, result.output
        assert "Traceback" not in result.output


def test_keys_new_prints_a_key_the_service_accepts(hotline: Hotline, settings: Settings) -> None:
    """`hotline keys new k2` prints `k2:<32 bytes in base64>`, fit for HOTLINE_DATA_KEYS."""
    result = hotline_cli(settings, "keys", "new", "k2")
    assert result.exit_code == 0, result.output
    line = result.output.strip()
    assert line.startswith("k2:") and len(line) == len("k2:") + 44
    bad = hotline_cli(settings, "keys", "new", "k 2")
    assert bad.exit_code == 2 and "KEY_ID" in bad.output


def test_repeat_detection_narrows_by_the_phone_hash_index(hotline: Hotline) -> None:
    """The same-phone candidates of an intake are read through the (requester_phone_hash,
    created_at) index, as they were through the phone's: intake cost does not grow with the
    number of tickets. The statement the API ran is explained on its backend."""
    hotline.new_ticket(requester=REQUESTER)
    engine = hotline.services.engine
    seen: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany) -> None:
        if "requester_phone_hash =" in statement and statement.lstrip().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        hotline.new_ticket(requester=REQUESTER)
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert seen, "intake looked for no same-phone ticket"
    statement, parameters = seen[0]
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: say what it could use
            plan = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars().all()
        else:
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
            plan = [row[-1] for row in rows]
    assert any("ix_tickets_phone_hash_created_at" in line for line in plan), plan


def test_a_sealed_value_copied_into_another_column_does_not_open(
    hotline: Hotline, settings: Settings
) -> None:
    """The column's name is sealed in with the value: someone with write access to the
    database who copies a requester's sealed phone into the address column (to have it
    shown where addresses are shown) gets a value no key opens, and rotation says where."""
    number = hotline.new_ticket(requester=REQUESTER, address=ADDRESS)["number"]
    with hotline.services.engine.begin() as conn:
        conn.execute(
            text("UPDATE tickets SET address = requester_phone WHERE number = :n"), {"n": number}
        )
    file_key = (Path(settings.var_dir) / "keys" / "data-keys").read_text().strip()
    new_key = "k2:" + "MjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjIyMjI="
    result = hotline_cli(settings, "keys", "rotate", HOTLINE_DATA_KEYS=f"{new_key},{file_key}")
    assert result.exit_code == 1, result.output
    file_id = file_key.split(":")[0]
    assert f"tickets.address holds a value that key '{file_id}' of HOTLINE_DATA_KEYS" in (
        result.output
    )
    assert PHONE not in result.output
