"""hotline.access: each decision as users meet it, and its SQL and Python forms agreeing."""

from __future__ import annotations

import uuid
from itertools import product
from typing import Any

import pytest
from sqlalchemy import select

from hotline import access, inbox
from hotline.actors import SYSTEM, Actor
from hotline.errors import Forbidden
from hotline.models import ProcessInstance, Ticket, UserTask
from tests.conftest import START, Hotline
from tests.helpers.confidential import named_staff

UNITS = (None, "ZJJ", "LZQ", "Z_J")
# Candidate groups as diagrams write them, and the odd ones an expression may resolve to.
GROUPS = (
    None, "", "center", "operator", "supervisor", "leader", "authority", "admin",
    "unit:ZJJ", "unit:LZQ", "unit:Z_J", "unit:ZxJ", "unit:ZJ%", "unit_reviewer:ZJJ",
    "unit:ZJJ,unit_reviewer:ZJJ", "unit:LZQ, unit:ZJJ", " unit:ZJJ ", "supervisor,authority",
)  # fmt: skip
SECRET_NAME = "王秘密"
SECRET_PHONE = "13912345678"


def every_combination() -> list[Actor]:
    """Every role with no unit and with each unit, as reviewer or not, named for confidential
    tickets or not; and the system."""
    actors = [
        Actor(
            id=None,
            name=f"{role}-{unit}-{reviewer}-{named}",
            role=role,
            unit_code=unit,
            reviewer=reviewer,
            confidential=named,
        )
        for role, unit, reviewer, named in product(
            access.ROLES, UNITS, (False, True), (False, True)
        )
    ]
    return [*actors, SYSTEM]


def every_user() -> list[Actor]:
    """The actors the directory makes: unit users of each unit (reviewers or not, named for
    confidential tickets or not), other roles."""
    units = [
        Actor(
            id=None,
            name=f"unit-{unit}-{reviewer}-{named}",
            role="unit",
            unit_code=unit,
            reviewer=reviewer,
            confidential=named,
        )
        for unit, reviewer, named in product(("ZJJ", "LZQ", "HBJ"), (False, True), (False, True))
    ]
    others = [Actor(id=None, name=role, role=role) for role in access.ROLES if role != "unit"]
    return [*units, *others, SYSTEM]


def dispatched(hotline: Hotline, unit: str = "ZJJ", **overrides: Any) -> str:
    """A new ticket dispatched to `unit`; its number."""
    number = hotline.new_ticket(**overrides)["number"]
    hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": unit})
    return number


@pytest.fixture
def offered_tasks(hotline: Hotline) -> list[str]:
    """Real tasks from the ticket process, plus one ready task for each of GROUPS and each
    kind of subject: no ticket, a plain ticket, a confidential one (meizhou 第二十一条)."""
    dispatched(hotline)  # an acknowledge task for unit:ZJJ
    hotline.new_ticket()  # a triage task for the center
    dispatched(hotline, confidential=True)  # an acknowledge task for ZJJ's named staff
    ids = []
    with hotline.services.transaction() as session:
        plain, _, secret = session.scalars(select(Ticket).order_by(Ticket.id)).all()
        assert secret.confidential and not plain.confidential
        instance = session.scalars(select(ProcessInstance).order_by(ProcessInstance.id)).first()
        assert instance is not None
        for index, (group, subject) in enumerate(product(GROUPS, (None, plain.id, secret.id))):
            task = UserTask(
                id=str(uuid.uuid4()),
                instance_id=instance.id,
                ticket_id=subject,
                process_id="ticket",
                task_id=f"probe_{index}",
                candidate_group=group,
                state="ready",
                created_at=START,
            )
            session.add(task)
            ids.append(task.id)
    return ids


def test_inbox_sql_and_claim_check_agree_for_every_role_and_unit(
    hotline: Hotline, offered_tasks: list[str]
) -> None:
    """Each actor's inbox lists exactly the ready tasks `may_claim` lets it complete."""
    with hotline.services.transaction() as session:
        ready = list(session.scalars(select(UserTask).where(UserTask.state == "ready")))
        assert len(ready) >= 3 * len(GROUPS) + 3
        secret = set(session.scalars(select(Ticket.id).where(Ticket.confidential.is_(True))))
        for actor in every_combination():
            claimable = {
                t.id
                for t in ready
                if access.may_claim(actor, t.candidate_group, t.ticket_id in secret)
            }
            rows, total = inbox.inbox(session, actor, per_page=500)
            listed = {task.id for task, _number in rows}
            assert listed == claimable, (actor, sorted(t.candidate_group or "-" for t in ready))
            assert total == len(claimable)
            for task in ready:
                if task.id in claimable:
                    assert inbox.get_task(session, actor, task.id)[0].id == task.id


NAMED = Actor(1, "n", "unit", "ZJJ", confidential=True)


@pytest.mark.parametrize(
    ("actor", "group", "secret", "claims"),
    [
        # meizhou 第二十一条: a confidential ticket's unit tasks go to its named staff only.
        (Actor(1, "u", "unit", "ZJJ"), "unit:ZJJ", True, False),
        (Actor(1, "r", "unit", "ZJJ", reviewer=True), "unit:ZJJ", True, False),
        (NAMED, "unit:ZJJ", True, True),
        (NAMED, "unit:LZQ", True, False),
        (NAMED, "unit:ZJJ", False, True),
        (Actor(1, "c", "center"), None, True, True),
        (Actor(1, "a", "admin"), "unit:ZJJ", True, True),
        (Actor(1, "l", "leader"), "leader", True, True),
    ],
)
def test_who_claims_a_confidential_tickets_task(
    actor: Actor, group: str, secret: bool, claims: bool
) -> None:
    """Only named staff take a unit's confidential tasks; other roles as on any ticket."""
    assert access.may_claim(actor, group, secret) is claims


@pytest.mark.parametrize(
    ("actor", "group", "claims"),
    [
        (Actor(1, "c", "center"), None, True),
        (Actor(1, "c", "center"), "", True),
        (Actor(1, "o", "operator"), None, False),
        (Actor(1, "a", "admin"), "unit:LZQ", True),
        (Actor(1, "u", "unit", "ZJJ"), "unit:ZJJ", True),
        (Actor(1, "u", "unit", "ZJJ"), "unit:LZQ, unit:ZJJ", True),
        (Actor(1, "u", "unit", "ZJJ"), "unit:ZxJ", False),
        (Actor(1, "u", "unit", "Z_J"), "unit:ZxJ", False),  # "_" is no wildcard
        (Actor(1, "u", "unit", "ZJJ"), "unit_reviewer:ZJJ", False),
        (Actor(1, "r", "unit", "ZJJ", reviewer=True), "unit_reviewer:ZJJ", True),
        (Actor(1, "s", "supervisor"), "supervisor,authority", True),
        (SYSTEM, "center", False),
    ],
)
def test_who_claims_a_task(actor: Actor, group: str | None, claims: bool) -> None:
    """The center takes unoffered tasks, admins every task, others those offered to them."""
    assert access.may_claim(actor, group) is claims


def test_another_unit_cannot_complete_a_units_task(hotline: Hotline) -> None:
    """LZQ completing ZJJ's acknowledge task gets 403 (`may_claim`); it is not in LZQ's inbox."""
    number = dispatched(hotline)
    task = hotline.unit.task_for(number, "acknowledge")
    assert not [t for t in hotline.other_unit.inbox() if t["id"] == task["id"]]
    response = hotline.other_unit.post(
        f"/api/v1/tasks/{task['id']}/complete", json={"data": {"contacted": True}}
    )
    assert response.status_code == 403, response.json
    message = f"task {task['id']} (acknowledge) is offered to 'unit:ZJJ', not to you"
    assert response.json["error"]["message"] == message


# -- masking -------------------------------------------------------------------------------


@pytest.mark.parametrize("profile", ["guangyuan", "guangxi", "meizhou"])
def test_confidential_requester_is_shown_to_the_center_and_named_staff_only(
    profile_hotline: Any, profile: str
) -> None:
    """meizhou 第二十条–第二十一条, guangyuan and guangxi 第二十二条: the center and ZJJ's
    named staff read the requester and the address; oversight roles and admins read *** and
    139****5678; on a plain ticket everyone who sees it reads them."""
    hotline = profile_hotline(profile)
    who = {"name": SECRET_NAME, "phone": SECRET_PHONE}
    secret = dispatched(hotline, confidential=True, requester=who, address="滨河路3号")
    plain = dispatched(hotline, requester=who, address="滨河路3号")
    staff = named_staff(hotline)
    masked = {"name": "***", "phone": "139****5678"}
    listed = {t["number"]: t["requester"] for t in staff.get("/api/v1/tickets").json["items"]}
    assert listed == {secret: who, plain: who}
    assert hotline.unit.get(f"/api/v1/tickets/{plain}").json["requester"] == who
    for caller in (hotline.center, hotline.operator, staff):
        body = caller.get(f"/api/v1/tickets/{secret}").json
        assert (body["requester"], body["address"]) == (who, "滨河路3号"), caller.name
    oversight = (hotline.supervisor, hotline.authority, hotline.admin)
    for caller in oversight:
        body = caller.get(f"/api/v1/tickets/{secret}").json
        assert (body["requester"], body["address"]) == (masked, "***"), caller.name
        listed = {t["number"]: t for t in caller.get("/api/v1/tickets").json["items"]}
        assert listed[secret]["requester"] == masked and listed[secret]["address"] == "***"
        assert listed[plain]["requester"] == who and listed[plain]["address"] == "滨河路3号"


def test_masking_decision_for_every_role_on_a_stored_ticket(hotline: Hotline) -> None:
    """Only the center and named unit staff read a confidential requester whole."""
    number = dispatched(
        hotline, confidential=True, requester={"name": SECRET_NAME, "phone": SECRET_PHONE}
    )
    with hotline.services.transaction() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.number == number)).one()
        for actor in every_user():
            got = access.requester_shown(ticket, actor)
            if actor.role in ("operator", "center") or (
                actor.role == "unit" and actor.confidential
            ):
                assert got == {"name": SECRET_NAME, "phone": SECRET_PHONE}, actor
            else:
                assert got == {"name": "***", "phone": "139****5678"}, actor
            ticket.confidential = False
            assert access.requester_shown(ticket, actor)["name"] == SECRET_NAME
            ticket.confidential = True


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13912345678", "139****5678"), ("8326-1234", "****1234"), ("12345", "****")],
)
def test_mask_phone(phone: str, masked: str) -> None:
    """Mobiles keep 3 + 4 digits, landlines the last 4, short numbers none."""
    assert access.mask_phone(phone) == masked


# -- tickets, escalations, questions -------------------------------------------------------


def test_ticket_scope_for_every_role_and_unit(hotline: Hotline) -> None:
    """A unit sees its own tickets, confidential ones only its named staff (meizhou 第二十一条);
    the leader none until brought to it, the auditor none (it reads who accessed tickets, not
    tickets), others all."""
    at_zjj, at_lzq = dispatched(hotline, "ZJJ"), dispatched(hotline, "LZQ")
    secret = dispatched(hotline, "ZJJ", confidential=True)
    untouched = hotline.new_ticket()["number"]
    held = ((at_zjj, "ZJJ", False), (at_lzq, "LZQ", False), (secret, "ZJJ", True))
    with hotline.services.transaction() as session:
        for actor in every_user():
            seen = set(session.scalars(select(Ticket.number).where(access.ticket_scope(actor))))
            if actor.role == "unit":
                assert seen == {
                    n
                    for n, unit, confidential in held
                    if unit == actor.unit_code and (actor.confidential or not confidential)
                }, actor
            elif actor.role in ("leader", "auditor"):
                assert seen == set()
            else:
                assert seen == {at_zjj, at_lzq, secret, untouched}, actor


@pytest.mark.parametrize("role", ["operator", "leader", "system"])
def test_question_readers(role: str) -> None:
    """Operators, leaders and the system read no knowledge questions (403, as before)."""
    with pytest.raises(Forbidden, match="only the center, supervisors and the units asked"):
        access.question_scope(Actor(None, role, role))


def test_escalation_readers() -> None:
    """Operators read no escalations; units and the leader read a scope, others all."""
    with pytest.raises(Forbidden, match="operators do not read escalations"):
        access.escalation_scope(Actor(None, "o", "operator"))
    for role in ("unit", "leader", *access.ESCALATION_READERS):
        access.escalation_scope(Actor(None, role, role, "ZJJ"))


def test_unit_filter() -> None:
    """A unit user may filter by its own unit only; other roles by any."""
    unit = Actor(None, "u", "unit", "ZJJ")
    assert access.may_filter_unit(unit, None) and access.may_filter_unit(unit, "ZJJ")
    assert not access.may_filter_unit(unit, "LZQ")
    assert access.may_filter_unit(Actor(None, "c", "center"), "LZQ")


DECISIONS = {
    access.may_register: {"operator", "center", "admin"},
    access.sees_repeats: {"operator", "center", "supervisor", "admin"},
    access.may_escalate: {"center", "supervisor", "admin"},
    access.may_ask_question: {"center", "admin"},
    access.may_read_processes: {"center", "admin"},
    access.may_deploy: {"admin"},
    access.may_migrate: {"admin"},
    access.may_set_clock: {"admin"},
    access.edits_any_unit: {"center", "admin"},
}


@pytest.mark.parametrize("decision", list(DECISIONS), ids=lambda d: d.__name__)
def test_role_decisions(decision: Any) -> None:
    """Each role-only decision allows exactly its roles."""
    allowed = {role for role in access.ROLES if decision(Actor(None, role, role, "ZJJ"))}
    assert allowed == DECISIONS[decision]
    assert not decision(SYSTEM)


def refusal(response: Any) -> str:
    """The message of a 403 response."""
    assert response.status_code == 403, response.json
    return response.json["error"]["message"]


def test_views_refuse_with_the_same_403(hotline: Hotline) -> None:
    """A unit user is refused by each guarded view with the message it always had."""
    unit = hotline.unit
    register = "only operators, the center and admins register tickets"
    assert refusal(unit.post("/api/v1/tickets", json={})) == register
    assert refusal(unit.post("/api/v1/processes")) == "only admins deploy diagrams"
    processes = "only admin and center users see deployed processes"
    assert refusal(unit.get("/api/v1/processes")) == processes
    ask = "only the center asks units knowledge questions"
    assert refusal(unit.post("/api/v1/knowledge/questions", json={})) == ask
    migrate = "only admins migrate process instances"
    assert refusal(unit.post("/api/v1/processes/ticket/migrations", json={})) == migrate
