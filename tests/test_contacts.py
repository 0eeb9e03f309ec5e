"""Contacts (issue 14 §6): units get contact people through the API and the CLI, and a unit
no routed channel can reach is listed as a problem for the center.

The demo city brings a handler (经办人) and a leader (分管领导) with a mobile and an e-mail for
every unit, a local government (属地政府) per district and the government duty office
(政府值班室); the routes are the default ones (log for outside people, in-app for users)
unless a test switches them. Clock: Monday 2026-11-23 09:00.
"""

from __future__ import annotations

from typing import Any

from hotline.demo import DEMO_UNITS, demo_contacts
from hotline.messages.contacts import contacts_for
from tests.conftest import Hotline
from tests.helpers.api import Caller


def patch(caller: Caller, url: str, body: dict[str, Any]) -> Any:
    """PATCH with the caller's token."""
    headers = {"Authorization": f"Bearer {caller.token}"}
    return caller.client.patch(url, json=body, headers=headers)


def delete(caller: Caller, url: str) -> Any:
    """DELETE with the caller's token."""
    return caller.client.delete(url, headers={"Authorization": f"Bearer {caller.token}"})


def test_the_demo_city_brings_everyones_contacts(hotline: Hotline) -> None:
    with hotline.services.transaction() as session:
        handlers = contacts_for(session, "unit", "sms", unit_code="ZJJ")
        leaders = contacts_for(session, "unit_leader", "email", unit_code="ZJJ")
        government = contacts_for(session, "government", "sms", district="利州区")
        duty = contacts_for(session, "duty_office", "sms")
        shown = [(c.name, c.phone, c.email) for c in [*handlers, *leaders, *government, *duty]]
    assert shown == [
        ("示范市住房和城乡建设局经办人", "13900000011", "zjj.handler@shifan.example"),
        ("示范市住房和城乡建设局分管领导", "13900000012", "zjj.leader@shifan.example"),
        ("利州区人民政府办公室", "13900010002", "government2@shifan.example"),
        ("示范市人民政府总值班室", "13900020000", "duty_office@shifan.example"),
    ]
    assert len(demo_contacts()) == 2 * len(DEMO_UNITS) + 6 + 1
