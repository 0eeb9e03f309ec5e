"""The real `hotline` console script, run as an operator would, against a scratch database."""

from __future__ import annotations

import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hotline.models import User
from tests.conftest import REPO
from tests.helpers.cli import HOTLINE, Cli, bearer, failed, ok

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
BODY = {
    "channel": "phone",
    "category": "complaint",
    "requester": {"name": "张三", "phone": "13800001234"},
    "content": "小区夜间施工噪音扰民",
}


@pytest.fixture
def cli(tmp_path: Path) -> Iterator[Cli]:
    """The CLI over a fresh, not yet created SQLite file, already `hotline init`ed."""
    runner = Cli(f"sqlite:///{tmp_path / 'db' / 'hotline.sqlite3'}", tmp_path / "var")
    ok(runner("init"))
    yield runner
    runner.close()


def test_console_script_is_installed() -> None:
    """The venv provides `hotline` and its help lists the commands."""
    assert HOTLINE.exists(), HOTLINE
    result = ok(subprocess.run([str(HOTLINE), "--help"], capture_output=True, text=True))
    for command in ("init", "deploy", "serve", "units", "users", "demo"):
        assert command in result.stdout


def test_init_on_a_fresh_sqlite_file_is_idempotent(tmp_path: Path) -> None:
    """`hotline init` creates the file and deploys v1; a second run adds no version."""
    runner = Cli(f"sqlite:///{tmp_path / 'new' / 'h.sqlite3'}", tmp_path / "var")
    try:
        first = ok(runner("init"))
        assert (tmp_path / "new" / "h.sqlite3").exists()
        assert "deployed ticket v1 (ticket.bpmn)" in first.stderr
        assert "database ready" in first.stderr
        second = ok(runner("init"))
        assert "deployed ticket v1 (ticket.bpmn)" in second.stderr
        assert "v2" not in second.stderr
        assert runner.versions() == [("ticket", 1)]
        assert runner.processes() == {
            "ticket", "joint", "supervision", "knowledge_publish", "knowledge_retire",
            "knowledge_question", "milestone", "assessment_appeal", "hotspot_warning",
        }  # fmt: skip
    finally:
        runner.close()


def test_init_twice_on_each_backend(database_url: str, tmp_path: Path) -> None:
    """On SQLite and PostgreSQL, init twice leaves exactly one ticket version, and it works."""
    runner = Cli(database_url, tmp_path / "var")
    try:
        ok(runner("init"))
        ok(runner("init"))
        assert runner.versions() == [("ticket", 1)]
        token = ok(runner("users", "add", "--role", "operator", "op")).stdout.strip()
        created = runner.api().post("/api/v1/tickets", json=BODY, headers=bearer(token))
        assert created.status_code == 201, created.json
        assert created.json["number"].startswith("GY")
        assert [t["key"] for t in created.json["tasks"]] == ["triage"]
    finally:
        runner.close()


def test_units_add_and_duplicate(cli: Cli) -> None:
    """`units add` makes the unit visible in the API; adding it again fails clearly."""
    ok(cli("units", "add", "DBJD", "利州区东坝街道办事处", "--district", "利州区"))
    token = ok(cli("users", "add", "--role", "center", "c")).stdout.strip()
    units = cli.api().get("/api/v1/units", headers=bearer(token)).json
    assert {
        "code": "DBJD",
        "name": "利州区东坝街道办事处",
        "district": "利州区",
        "active": True,
    } in (units)
    message = failed(cli("units", "add", "DBJD", "重复", "--district", "利州区"))
    assert "already exists" in message and "DBJD" in message


@pytest.mark.parametrize("code", ["DB JD", "DB,JD", "unit:DB"])
def test_units_add_refuses_bad_codes(cli: Cli, code: str) -> None:
    """Codes with spaces, commas or colons (they would break candidate groups) are refused."""
    message = failed(cli("units", "add", code, "某单位", "--district", "市直"))
    assert "unit code" in message


def test_units_add_needs_district(cli: Cli) -> None:
    """Without --district the command fails naming the option."""
    result = cli("units", "add", "DBJD", "某单位")
    assert result.returncode != 0
    assert "--district" in result.stderr


def test_users_add_prints_only_a_working_token(cli: Cli) -> None:
    """`users add --role unit --unit CODE` prints one line, the token; it acts as that unit."""
    ok(cli("units", "add", "DBJD", "东坝街道", "--district", "利州区"))
    result = ok(cli("users", "add", "--role", "unit", "--unit", "DBJD", "东坝-张科员"))
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    token = lines[0]
    assert token == token.strip() and len(token) >= 32 and " " not in token
    operator = ok(cli("users", "add", "--role", "operator", "op")).stdout.strip()
    center = ok(cli("users", "add", "--role", "center", "c")).stdout.strip()
    assert len({token, operator, center}) == 3
    api = cli.api()
    number = api.post("/api/v1/tickets", json=BODY, headers=bearer(operator)).json["number"]
    triage = api.get("/api/v1/tasks", headers=bearer(center)).json["items"][0]
    done = api.post(
        f"/api/v1/tasks/{triage['id']}/complete",
        json={"data": {"disposition": "dispatch", "unit": "DBJD"}},
        headers=bearer(center),
    )
    assert done.status_code == 200, done.json
    inbox = api.get("/api/v1/tasks", headers=bearer(token))
    assert inbox.status_code == 200, inbox.json
    assert [(t["ticket_number"], t["key"]) for t in inbox.json["items"]] == [
        (number, "acknowledge")
    ]
    assert api.get(f"/api/v1/tickets/{number}", headers=bearer(token)).status_code == 200
    refused = api.post("/api/v1/tickets", json=BODY, headers=bearer(token))
    assert refused.status_code == 403


def test_users_add_unit_without_unit_fails_clearly(cli: Cli) -> None:
    """`users add --role unit NAME` without --unit: exit ≠ 0, says --unit, creates nobody."""
    message = failed(cli("users", "add", "--role", "unit", "某人"))
    assert "--unit" in message
    with cli.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--role", "unit", "--unit", "NOPE", "某人"), "NOPE"),
        (("--role", "mayor", "某人"), "operator, center, unit"),
        (("--role", "center", "--unit", "ZJJ", "某人"), "only unit users"),
    ],
)
def test_users_add_refusals(cli: Cli, args: tuple[str, ...], says: str) -> None:
    """Unknown unit, unknown role, or a unit on a non-unit role: clear message, exit ≠ 0."""
    assert says in failed(cli("users", "add", *args))
    with cli.services.transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


def test_demo_prints_tokens_and_writes_env_file(cli: Cli) -> None:
    """`hotline demo` prints each demo user's token and writes var/demo-tokens.env (0600)."""
    result = ok(cli("demo"))
    env_file = cli.var_dir / "demo-tokens.env"
    assert env_file.exists()
    assert stat.S_IMODE(env_file.stat().st_mode) == 0o600
    pairs = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert set(pairs) == {
        "OPERATOR_TOKEN", "CENTER_TOKEN", "UNIT_ZJJ_TOKEN", "UNIT_LZQ_TOKEN", "UNIT_HBJ_TOKEN",
        "REVIEWER_ZJJ_TOKEN",
        "SUPERVISOR_TOKEN", "LEADER_TOKEN", "AUTHORITY_TOKEN", "ADMIN_TOKEN",
        "AUDITOR_TOKEN",
    }  # fmt: skip
    for name, token in pairs.items():
        assert token in result.stdout, name
    assert str(env_file) in result.stdout
    api = cli.api()
    created = api.post("/api/v1/tickets", json=BODY, headers=bearer(pairs["OPERATOR_TOKEN"]))
    assert created.status_code == 201, created.json
    # The demo's generated last month (the demo bulletin's history) is there too.
    number = created.json["number"]
    seen = api.get(f"/api/v1/tickets/{number}", headers=bearer(pairs["CENTER_TOKEN"]))
    assert seen.status_code == 200 and seen.json["number"] == number
    assert "Demo bulletin " in result.stdout
    assert api.get("/api/v1/tasks", headers=bearer(pairs["UNIT_ZJJ_TOKEN"])).status_code == 200


def test_demo_again_reissues_tokens(cli: Cli) -> None:
    """A second `hotline demo` prints new tokens; the old ones stop working."""
    ok(cli("demo"))
    env_file = cli.var_dir / "demo-tokens.env"
    old = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    ok(cli("demo"))
    new = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
    assert set(old) == set(new)
    assert all(old[name] != new[name] for name in old)
    api = cli.api()
    assert api.get("/api/v1/tickets", headers=bearer(old["CENTER_TOKEN"])).status_code == 401
    assert api.get("/api/v1/tickets", headers=bearer(new["CENTER_TOKEN"])).status_code == 200
    units = api.get("/api/v1/units", headers=bearer(new["CENTER_TOKEN"])).json
    assert len(units) == 15


def test_deploy_broken_bpmn_names_the_element_and_exits_1(cli: Cli, tmp_path: Path) -> None:
    """A service task with an unknown topic: exit 1, message names file, element and topic."""
    broken = tmp_path / "broken.bpmn"
    broken.write_text(
        TICKET_BPMN.replace('camunda:topic="ticket.answer"', 'camunda:topic="ticket.nope"'),
        encoding="utf-8",
    )
    result = cli("deploy", str(broken))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "broken.bpmn" in result.stderr
    assert "answer_directly" in result.stderr
    assert "ticket.nope" in result.stderr
    assert cli.versions() == [("ticket", 1)]


def test_deploy_malformed_xml_exits_1(cli: Cli, tmp_path: Path) -> None:
    """A file that is not XML: exit 1 with a refusal naming the file, no traceback."""
    bad = tmp_path / "half.bpmn"
    bad.write_text(TICKET_BPMN[:300], encoding="utf-8")
    result = cli("deploy", str(bad))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    assert "half.bpmn" in result.stderr and "not well-formed" in result.stderr
    assert cli.versions() == [("ticket", 1)]


def test_deploy_changed_bpmn_makes_version_2_once(cli: Cli, tmp_path: Path) -> None:
    """A changed diagram deploys as v2 (printed on stdout); deploying it again adds nothing."""
    changed = tmp_path / "ticket.bpmn"
    changed.write_text(TICKET_BPMN.replace("12345工单办理", "12345工单办理（修订）"), "utf-8")
    assert ok(cli("deploy", str(changed))).stdout.strip() == "deployed ticket v2 (ticket.bpmn)"
    assert ok(cli("deploy", str(changed))).stdout.strip() == "unchanged ticket v2 (ticket.bpmn)"
    assert cli.versions() == [("ticket", 1), ("ticket", 2)]


def test_deploy_several_files_is_all_or_nothing(cli: Cli, tmp_path: Path) -> None:
    """One good and one broken file in one command: exit 1 and neither is stored."""
    good = tmp_path / "good.bpmn"
    good.write_text(TICKET_BPMN.replace("12345工单办理", "12345工单办理（修订）"), "utf-8")
    broken = tmp_path / "broken.bpmn"
    broken.write_text(
        TICKET_BPMN.replace('camunda:topic="ticket.close"', 'camunda:topic="ticket.gone"'), "utf-8"
    )
    result = cli("deploy", str(good), str(broken))
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "ticket.gone" in result.stderr
    assert cli.versions() == [("ticket", 1)]


def test_deploy_gbk_file_has_no_traceback(cli: Cli, tmp_path: Path) -> None:
    """A GBK-encoded diagram either deploys or is refused with a message, never a traceback."""
    gbk = tmp_path / "gbk.bpmn"
    gbk.write_bytes(
        TICKET_BPMN.replace('encoding="UTF-8"', 'encoding="GBK"')
        .replace("12345工单办理", "12345工单办理GBK")
        .encode("gbk")
    )
    result = cli("deploy", str(gbk))
    assert "Traceback" not in result.stderr, result.stderr
    if result.returncode == 0:
        assert cli.versions() == [("ticket", 1), ("ticket", 2)]
    else:
        assert result.returncode == 1
        assert "gbk.bpmn" in result.stderr and "UTF-8" in result.stderr
        assert cli.versions() == [("ticket", 1)]


def test_deploy_missing_file_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    """A path that does not exist is refused by the command line itself (exit 2)."""
    result = cli("deploy", str(tmp_path / "nope.bpmn"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"), [("HOTLINE_PROFILE", "beijing"), ("HOTLINE_CLOCK", "sundial")]
)
def test_bad_configuration_names_the_variable(cli: Cli, variable: str, value: str) -> None:
    """A bad HOTLINE_* setting fails with a message naming the variable, no traceback."""
    message = failed(cli("users", "add", "--role", "center", "c", env={variable: value}))
    assert variable in message


def test_init_keeps_a_version_a_process_owner_deployed_since(cli: Cli, tmp_path: Path) -> None:
    """A restart (`hotline init`) does not put bpmn/ticket.bpmn back over the owner's v2."""
    changed = tmp_path / "ticket.bpmn"
    changed.write_text(TICKET_BPMN.replace("12345工单办理", "12345工单办理（修订）"), "utf-8")
    ok(cli("deploy", str(changed)))
    again = ok(cli("init"))
    assert "deployed ticket v2 (ticket.bpmn)" in again.stderr
    assert cli.versions() == [("ticket", 1), ("ticket", 2)]


def test_init_lists_each_process_once_and_refuses_a_second_file_for_one(
    cli: Cli, tmp_path: Path
) -> None:
    """Restarts list each process once; a new file redefining a deployed process is refused."""
    bpmn = tmp_path / "bpmn"
    shutil.copytree(REPO / "bpmn", bpmn)
    (bpmn / "copy.bpmn").write_bytes((bpmn / "ticket.bpmn").read_bytes())
    cli.env["HOTLINE_BPMN_DIR"] = str(bpmn)
    first = ok(cli("init")).stderr
    assert first.count("deployed ticket v1") == 1, first
    changed = TICKET_BPMN.replace("12345工单办理", "12345工单办理（副本）")
    (bpmn / "zz-ticket.bpmn").write_text(changed, "utf-8")
    refused = cli("init")
    assert refused.returncode == 1
    assert "process 'ticket' is also defined in copy.bpmn" in refused.stderr
    assert cli.versions() == [("ticket", 1)]
