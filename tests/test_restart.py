"""A restarted process on the same database continues every ticket where it stopped."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from api import create_app
from hotline.config import Settings
from tests.conftest import Caller, Hotline
from tests.helpers.tickets import DONE
from wiring.services import Services, build_services

DISPATCH = {"disposition": "dispatch", "unit": "ZJJ"}
# (who, task key, data): 派单, 签收, 延期, 办理, 审核退回, 办理, 审核, 回访不满意, 重办, 办结
LIFECYCLE: list[tuple[str, str, dict[str, Any]]] = [
    ("center", "triage", DISPATCH),
    ("unit", "acknowledge", {"contacted": True, "note": "已联系"}),
    (
        "unit",
        "handle",
        {"outcome": "extension", "extension_reason": "需现场检测", "requester_told": True},
    ),
    ("center", "approve_extension", {"approved": True, "comment": "同意"}),
    ("unit", "handle", DONE),
    ("center", "review", {"approved": False, "comment": "结论不完整"}),
    ("unit", "handle", DONE),
    ("center", "review", {"approved": True}),
    ("center", "callback", {"satisfaction": "unsatisfied", "reasonable": True}),
    ("unit", "handle", DONE),
    ("center", "review", {"approved": True}),
    ("center", "callback", {"satisfaction": "satisfied"}),
]


@dataclasses.dataclass
class Process:
    """One running service process: its services, app and callers."""

    services: Services
    app: Flask
    callers: dict[str, Caller]

    def complete(self, number: str, who: str, key: str, data: dict[str, Any]) -> None:
        """Complete `key` on ticket `number` as `who` through this process's API."""
        self.callers[who].complete(number, key, data)

    def ticket(self, number: str) -> dict[str, Any]:
        """The ticket as this process's center sees it."""
        response = self.callers["center"].get(f"/api/v1/tickets/{number}")
        assert response.status_code == 200, response.json
        return response.json


@pytest.fixture
def restart(
    hotline: Hotline, settings: Settings, tmp_path: Path
) -> Iterator[Callable[..., Process]]:
    """Start a fresh process (new Services, new empty spec cache) over the same database.

    Its bpmn_dir is an empty directory: a restarted process must run tickets from the
    definitions stored in the database, not from files on disk.
    """
    started: list[Services] = []
    empty = tmp_path / "no-diagrams"
    empty.mkdir()

    def start(**changes: Any) -> Process:
        services = build_services(dataclasses.replace(settings, bpmn_dir=empty, **changes))
        started.append(services)
        app = create_app(services)
        client = app.test_client()
        callers = {
            role: Caller(client, getattr(hotline, role).token, getattr(hotline, role).name)
            for role in ("operator", "center", "unit", "other_unit", "admin")
        }
        return Process(services, app, callers)

    yield start
    for services in started:
        services.dispose()


def first_process(h: Hotline) -> Process:
    """The process the `hotline` fixture started."""
    names = ("operator", "center", "unit", "other_unit", "admin")
    return Process(h.services, h.app, {n: getattr(h, n) for n in names})


def kinds(ticket: dict[str, Any]) -> list[str]:
    """Event kinds without task bookkeeping."""
    # The second ticket of a test repeats the first (same caller): flagged at intake.
    skip = ("task_created", "possible_repeat_flagged")
    return [e["kind"] for e in ticket["events"] if e["kind"] not in skip]


def run_reference(p: Process, number: str) -> dict[str, Any]:
    """Drive the whole LIFECYCLE in one process; the ticket at the end."""
    for who, key, data in LIFECYCLE:
        p.complete(number, who, key, data)
    return p.ticket(number)


@pytest.mark.parametrize("stop_after", range(len(LIFECYCLE)))
def test_restart_at_every_step_finishes_the_ticket(
    hotline: Hotline, restart: Callable[..., Process], stop_after: int
) -> None:
    """Stopping after any step and finishing in a new process gives the same closed ticket."""
    old = first_process(hotline)
    reference = run_reference(old, hotline.new_ticket()["number"])
    number = hotline.new_ticket()["number"]
    for who, key, data in LIFECYCLE[:stop_after]:
        old.complete(number, who, key, data)
    before = old.ticket(number)
    hotline.services.dispose()  # the old process goes away; its connections close
    new = restart()
    assert new.services.runtime.specs is not hotline.services.runtime.specs
    assert new.ticket(number) == before
    expected_next = LIFECYCLE[stop_after][1]
    assert [t["key"] for t in before["tasks"]] == [expected_next]
    for who, key, data in LIFECYCLE[stop_after:]:
        new.complete(number, who, key, data)
    after = new.ticket(number)
    assert after["status"] == "closed"
    assert after["tasks"] == []
    assert (after["rehandle_count"], after["satisfaction"]) == (1, "satisfied")
    assert kinds(after) == kinds(reference)
    assert kinds(after)[-1] == "process_completed"


def test_two_processes_take_turns_on_one_ticket(
    hotline: Hotline, restart: Callable[..., Process]
) -> None:
    """Two live processes over one database alternate steps; the ticket closes correctly."""
    first = first_process(hotline)
    second = restart()
    number = hotline.new_ticket()["number"]
    for index, (who, key, data) in enumerate(LIFECYCLE):
        (first if index % 2 == 0 else second).complete(number, who, key, data)
    assert first.ticket(number) == second.ticket(number)
    assert second.ticket(number)["status"] == "closed"


def test_restarted_process_creates_tickets_with_the_next_number(
    hotline: Hotline, restart: Callable[..., Process]
) -> None:
    """Numbering continues across a restart: no reuse of the day's sequence."""
    numbers = [hotline.new_ticket()["number"] for _ in range(3)]
    hotline.services.dispose()
    new = restart()
    body = {
        "channel": "wechat",
        "category": "consultation",
        "requester": {"name": "李四", "phone": "13900001111"},
        "content": "公积金提取需要哪些材料？",
    }
    response = new.callers["operator"].post("/api/v1/tickets", json=body)
    assert response.status_code == 201, response.json
    assert numbers == [f"GY20261123{n:06d}" for n in (1, 2, 3)]
    assert response.json["number"] == "GY20261123000004"


def test_another_profile_numbers_with_its_own_prefix(
    hotline: Hotline, restart: Callable[..., Process]
) -> None:
    """A process configured for guizhou numbers GZ… with its own daily sequence."""
    assert hotline.new_ticket()["number"] == "GY20261123000001"
    guizhou = restart(profile="guizhou")
    response = guizhou.callers["operator"].post(
        "/api/v1/tickets",
        json={
            "channel": "app",
            "category": "help",
            "requester": {"name": "王五", "phone": "13700001111"},
            "content": "求助：老人走失",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["number"] == "GZ20261123000001"
    assert guizhou.callers["center"].get("/api/health").json["profile"] == "guizhou"


def test_restart_does_not_redeploy_or_change_the_running_version(
    hotline: Hotline, restart: Callable[..., Process]
) -> None:
    """Tickets started on v1 keep v1's forms after v2 is deployed and the process restarts."""
    xml = Path(hotline.services.settings.bpmn_dir / "ticket.bpmn").read_text(encoding="utf-8")
    changed = xml.replace('label="已联系诉求人"', 'label="已电话联系诉求人（v2）"')
    assert changed != xml
    old_ticket = hotline.new_ticket()["number"]
    deployed = hotline.admin.post("/api/v1/definitions?filename=ticket.bpmn", data=changed)
    assert deployed.status_code == 201, deployed.json
    assert [d["version"] for d in deployed.json] == [2]
    hotline.services.dispose()
    new = restart()
    new_ticket = new.callers["operator"].post(
        "/api/v1/tickets",
        json={
            "channel": "phone",
            "category": "complaint",
            "requester": {"name": "张三", "phone": "13800001234"},
            "content": "噪音",
        },
    )
    assert new_ticket.status_code == 201, new_ticket.json
    labels = {}
    for number in (old_ticket, new_ticket.json["number"]):
        new.complete(number, "center", "triage", DISPATCH)
        task = new.callers["unit"].task_for(number, "acknowledge")
        form = new.callers["unit"].get(f"/api/v1/tasks/{task['id']}").json["form"]
        labels[number] = next(f["label"] for f in form if f["id"] == "contacted")
    assert labels == {
        old_ticket: "已联系诉求人",
        new_ticket.json["number"]: "已电话联系诉求人（v2）",
    }
    for number in (old_ticket, new_ticket.json["number"]):
        for who, key, data in LIFECYCLE[1:]:
            new.complete(number, who, key, data)
        assert new.ticket(number)["status"] == "closed"
    versions = new.callers["admin"].get("/api/v1/definitions").json
    ticket_versions = [
        (d["process_id"], d["version"]) for d in versions if d["process_id"] == "ticket"
    ]
    assert ticket_versions == [("ticket", 2), ("ticket", 1)]


def test_refused_completion_before_restart_leaves_task_ready_after(
    hotline: Hotline, restart: Callable[..., Process]
) -> None:
    """A 422 just before a restart leaves the task ready for the new process."""
    number = hotline.new_ticket()["number"]
    hotline.center.complete(number, "triage", {"disposition": "joint"}, expect=422)
    hotline.services.dispose()
    new = restart()
    new.complete(number, "center", "triage", DISPATCH)
    ticket = new.ticket(number)
    assert (ticket["status"], ticket["current_unit"]) == ("dispatched", "ZJJ")
    assert kinds(ticket) == [
        "ticket_created",
        "task_completed",
        "ticket_dispatched",
        "deadlines_set",
    ]
