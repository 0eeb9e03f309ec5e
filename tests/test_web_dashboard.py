"""The supervisor dashboard (督办看板, /dashboard) through the test client: overdue and soon-due
tickets by unit, the escalation ladder, today's urges, this month's figures; who opens it."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from werkzeug.test import TestResponse

from hotline import clock
from hotline.demo import DEMO_UNITS
from hotline.escalations import LEVELS
from hotline.models import Escalation, ProcessInstance, Ticket
from hotline.models import ProcessDefinition as PD
from hotline.stats import generate_bulk
from tests.conftest import Hotline
from tests.helpers.tickets import dispatched
from tests.helpers.web import WebUser, web_user


def unit_row(html: str, table: str, unit: str) -> str:
    """The <tr> of `unit` in the dashboard table with class `table`."""
    section = html.split(f'<table class="{table}">', 1)[1].split("</table>", 1)[0]
    found = re.search(rf'<tr data-unit="{unit}">(.*?)</tr>', section, re.S)
    assert found is not None, section
    return found.group(1)


def dashboard(hotline: Hotline, user: str = "demo-supervisor") -> TestResponse:
    """/dashboard as `user`, signed in now (a session ends after days of idle clock)."""
    return web_user(hotline.app, user).get("/dashboard")


def test_an_overdue_ticket_of_zjj_is_counted_under_zjj(
    hotline: Hotline, manual_clock: clock.ManualClock
) -> None:
    """Before its deadline the ticket is open under ZJJ and not overdue; once the clock passes
    its deadline it is counted overdue there, with a link to the filtered ticket list."""
    number = dispatched(hotline)
    page = dashboard(hotline)
    assert page.status_code == 200
    row = unit_row(page.text, "deadlines", "ZJJ")
    assert "住房和城乡建设局" in row or "ZJJ" in row
    assert "已超期" not in row
    due = datetime.fromisoformat(hotline.ticket(number)["due_at"])
    manual_clock.set(due - timedelta(hours=2))
    row = unit_row(dashboard(hotline).text, "deadlines", "ZJJ")
    assert "1 件临期" in row and "已超期" not in row
    soon = re.search(r'<a class="soon" href="([^"]+)">', row)
    assert soon is not None and "overdue=false" in soon.group(1)
    listed = web_user(hotline.app, "demo-supervisor").get(soon.group(1).replace("&amp;", "&"))
    assert number in listed.text
    manual_clock.set(due + timedelta(minutes=1))
    page = dashboard(hotline)
    row = unit_row(page.text, "deadlines", "ZJJ")
    link = re.search(r'<a class="overdue" href="([^"]+)">1 件已超期</a>', row)
    assert link is not None and link.group(1).startswith("/tickets?unit=ZJJ&amp;overdue=true&amp;")
    listed = web_user(hotline.app, "demo-supervisor").get(link.group(1).replace("&amp;", "&"))
    assert listed.status_code == 200 and number in listed.text
    assert "Server-Timing" in page.headers


def test_the_ladder_and_todays_urges_show_an_urge(hotline: Hotline) -> None:
    """A supervisor's urge appears on the ladder (催办, against ZJJ) and among today's urges."""
    number = dispatched(hotline)
    response = hotline.supervisor.post(
        f"/api/v1/tickets/{number}/escalations", json={"level": "urge", "reason": "请尽快办理"}
    )
    assert response.status_code == 201, response.json
    page = web_user(hotline.app, "demo-center").get("/dashboard").text
    rung = re.search(r'data-level="urge"><span class="rung-label">催办</span> '
                     r'<span class="rung-count">(\d+)</span>', page)  # fmt: skip
    assert rung is not None and rung.group(1) == "1"
    ladder_row = unit_row(page, "ladder-units", "ZJJ")
    assert "<td>1</td>" in ladder_row
    today = page.split('<table class="today">', 1)[1].split("</table>", 1)[0]
    assert f'href="/tickets/{number}"' in today
    assert "催办" in today and "请尽快办理" in today and "人工督办" in today


def test_month_figures_per_unit(hotline: Hotline) -> None:
    """This month's figures: the dispatched ticket counts under its unit, as the stats API."""
    dispatched(hotline)
    api = hotline.supervisor.get(
        "/api/v1/stats", query_string={"from": "2026-11-23", "period": "month", "by": "unit"}
    )
    assert api.status_code == 200, api.json
    html = web_user(hotline.app, "demo-leader").get("/dashboard").text
    assert "本月统计（2026-11-01 至 2026-11-30）" in html
    for group in api.json["groups"]:
        row = unit_row(html, "month", group["key"] or "")
        assert f"<td>{group['counts']['received']}</td>" in row


def test_units_operators_and_the_auditor_get_404(hotline: Hotline) -> None:
    """The dashboard is not offered to units, operators or the auditor: 404, not in the menu."""
    for name in ("demo-unit-zjj", "demo-operator", "demo-auditor"):
        user = web_user(hotline.app, name)
        page = user.get("/dashboard")
        assert page.status_code == 404, name
        assert 'href="/dashboard"' not in page.text
    assert web_user(hotline.app, "demo-admin").get("/dashboard").status_code == 200


def test_signed_out_goes_to_sign_in(hotline: Hotline) -> None:
    """Nobody signed in: sent to the sign-in page, coming back afterwards."""
    response = hotline.app.test_client().get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=/dashboard"


def seed_open_tickets(hotline: Hotline, count: int) -> None:
    """`count` open tickets spread over the demo units (half overdue or due soon), escalations
    on a third of them, a running instance each, and a month of statistics facts."""
    now = clock.now()
    units = [code for code, _name, _district in DEMO_UNITS]
    tickets = [
        {
            "number": f"PERF{i:06d}",
            "channel": "phone",
            "category": "complaint",
            "urgency": "normal",
            "requester_name": "张三",
            "requester_phone": "13800001234",
            "confidential": i % 50 == 0,
            "content": "小区夜间施工噪音扰民",
            "district": "利州区",
            "status": "handling" if i % 2 else "dispatched",
            "current_unit": units[i % len(units)],
            "due_at": now + timedelta(hours=i % 96 - 48),
            "dispatched_at": now - timedelta(days=3),
            "created_at": now - timedelta(days=3),
            "updated_at": now,
        }
        for i in range(count)
    ]
    with hotline.services.transaction() as db:
        db.execute(insert(Ticket), tickets)
        ids = list(db.scalars(select(Ticket.id).where(Ticket.number.like("PERF%"))))
        ticket_v1 = db.scalar(select(PD.id).where(PD.process_id == "ticket"))
        db.execute(
            insert(ProcessInstance),
            [
                {"definition_id": ticket_v1, "ticket_id": t, "status": "running", "state": "{}"}
                | {"created_at": now, "updated_at": now}
                for t in ids
            ],
        )
        db.execute(
            insert(Escalation),
            [
                {
                    "ticket_id": t,
                    "unit_code": units[i % len(units)],
                    "level": LEVELS[i % len(LEVELS)],
                    "reason": "超期未办结",
                    "trigger": "overdue",
                    "actor_name": "system",
                    "open": True,
                    "created_at": now - timedelta(hours=i % 40),
                }
                for i, t in enumerate(ids[::3])
            ],
        )
        month = now.astimezone(clock.SHANGHAI).strftime("%Y-%m")
        generate_bulk(db, hotline.services.runtime.profile, tickets=2000, months=[month],
                      units=units)  # fmt: skip


def server_ms(user: WebUser, path: str) -> float:
    """The best of three answers' Server-Timing (ms) for `path`, after a warm-up call."""
    timings = []
    for _ in range(4):
        response = user.get(path)
        assert response.status_code == 200, response.text[:500]
        timings.append(float(response.headers["Server-Timing"].split("dur=")[1]))
    return min(timings[1:])


def test_ten_thousand_open_tickets_answer_within_300_ms(hotline: Hotline) -> None:
    """The dashboard and the process list stay within 300 ms server time with 10,000 open
    tickets, 3,334 open escalations and a month of facts: aggregate queries only."""
    seed_open_tickets(hotline, 10_000)
    supervisor = web_user(hotline.app, "demo-supervisor")
    html = supervisor.get("/dashboard").text
    assert "已超期" in html and "PERF" not in unit_row(html, "deadlines", "ZJJ")
    assert server_ms(supervisor, "/dashboard") <= 300
    admin = web_user(hotline.app, "demo-admin")
    assert server_ms(admin, "/processes") <= 300
