"""`hotline keys rotate` and `hotline keys status`: requester data moved to a new key in
batches, restartably, while the service keeps reading it (issue 15 §3).

Clock: Monday 2026-11-23 09:00 Shanghai (moved only by the SMS callback steps). guangxi texts
requesters through the stand-in gateway (tests.helpers.receivers), so sealed outbox
addresses and inbound phones exist too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from hotline.config import Settings
from hotline.messages.dispatch import dispatch_round
from hotline.sealing_rotation import rotate
from tests.conftest import Hotline, make_hotline
from tests.helpers.keys import (
    KEY1,
    KEY2,
    key_ids,
    keys_cli,
    raw_values,
    restarted,
    started,
    status_rows,
    with_keys,
)
from tests.helpers.receivers import SmsReceiver
from tests.helpers.retention import MARKER, closed_at, job, years_after
from tests.helpers.sms import at_callback, reply, with_gateway

NAME, PHONE, ADDRESS = "欧阳秀兰", "13987654321", "青川县乔庄镇凤凰路88号"


@pytest.fixture
def gateway() -> Iterator[SmsReceiver]:
    """The stand-in SMS gateway."""
    receiver = SmsReceiver()
    yield receiver
    receiver.close()


@pytest.fixture
def restarts() -> Iterator[list[Hotline]]:
    """Hotlines restarted during a test, disposed after it."""
    made: list[Hotline] = []
    yield made
    for h in made:
        h.services.dispose()


def test_rotation_moves_every_value_to_the_new_key_and_the_old_key_can_go(
    settings: Settings, manual_clock, gateway: SmsReceiver, restarts: list[Hotline]
) -> None:
    """Sealed under k1; restarted with "k2,k1" (k2 seals, k1 still opens); rotated in
    batches of 2 with a progress bar; restarted with k2 alone: every ticket, outbox text
    and inbound reply still reads, and the requester's SMS answer still finds its callback."""
    configured = with_keys(with_gateway(settings, gateway.url, gateway.secret, "guangxi"), KEY1)
    first = make_hotline(started(configured))
    restarts.append(first)
    requester = {"name": NAME, "phone": PHONE}
    number = at_callback(first, requester=requester, address=ADDRESS)
    other = first.new_ticket(requester={"name": "李四", "phone": "13900005678"})["number"]
    dispatch_round(first.services.sessions)  # the callback text reaches the gateway
    assert reply(first, gateway.secret, PHONE, "请问几点来修").json["outcome"] == "not_understood"
    assert key_ids(first) == {"k1"}
    before = keys_cli(settings, KEY1, "status")
    assert before.exit_code == 0, before.output
    assert before.output.splitlines()[0] == "current key: k1 (keys from HOTLINE_DATA_KEYS)"
    assert status_rows(before)["tickets.requester_phone"] == ["2", "0", "0", "0"]

    both = restarted(first, configured, f"{KEY2},{KEY1}")
    restarts.append(both)
    assert both.ticket(number)["requester"] == requester  # k1 still opens
    newer = both.new_ticket(requester={"name": "王五", "phone": "13700001111"})["number"]
    assert key_ids(both) == {"k1", "k2"}  # new values under k2 at once
    mixed = status_rows(keys_cli(settings, f"{KEY2},{KEY1}", "status"))
    assert mixed["column"] == ["k2", "k1", "clear", "unknown", "no", "hash"]
    assert mixed["tickets.requester_name"] == ["1", "2", "0", "0", "-"]

    rotated = keys_cli(settings, f"{KEY2},{KEY1}", "rotate", "--batch", "2")
    assert rotated.exit_code == 0, rotated.output
    assert "re-sealing" in rotated.output and "under k2" in rotated.output
    assert "tickets: 2 rows re-sealed" in rotated.output
    assert rotated.output.strip().endswith("every value is sealed under k2")
    assert key_ids(both) == {"k2"}
    again = keys_cli(settings, f"{KEY2},{KEY1}", "rotate")
    assert again.output.strip() == "nothing to rotate: every value is sealed under k2"

    only = restarted(first, configured, KEY2)
    restarts.append(only)
    assert only.ticket(number)["requester"] == requester
    assert only.ticket(number)["address"] == ADDRESS
    assert only.ticket(other)["requester"]["name"] == "李四"
    assert only.ticket(newer)["requester"]["name"] == "王五"
    answered = reply(only, gateway.secret, "+86 139 8765 4321", "1")
    assert answered.json["outcome"] == "satisfied", answered.json
    assert only.ticket(number)["status"] == "closed"
    after = keys_cli(settings, KEY2, "status")
    assert after.exit_code == 0, after.output
    assert status_rows(after)["tickets.requester_phone"] == ["3", "0", "0", "0"]
    assert status_rows(after)["inbound_sms.phone"] == ["2", "0", "0", "0"]


def test_an_unknown_or_wrong_key_gives_an_error_naming_the_variable(
    hotline: Hotline,
    settings: Settings,
    restarts: list[Hotline],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Started without HOTLINE_DATA_KEYS (the key file's key), restarted with k2 alone: the
    API answers a plain 500 and logs which key id is missing; `keys status` and `keys rotate`
    fail naming HOTLINE_DATA_KEYS and that id. A wrong key under the right id is refused as
    such. With k2 first and the file's key behind it, rotation moves everything to k2."""
    number = hotline.new_ticket(requester={"name": NAME, "phone": PHONE})["number"]
    file_key = (Path(settings.var_dir) / "keys" / "data-keys").read_text().strip()
    file_id = file_key.split(":")[0]

    lost = restarted(hotline, settings, KEY2)
    restarts.append(lost)
    with caplog.at_level(logging.ERROR):
        response = lost.center.get(f"/api/v1/tickets/{number}")
    assert response.status_code == 500, response.json
    assert response.json["error"]["code"] == "internal_error"
    assert NAME not in response.get_data(as_text=True)
    assert f"key id '{file_id}', which HOTLINE_DATA_KEYS does not hold" in caplog.text

    status = keys_cli(settings, KEY2, "status")
    assert status.exit_code == 1
    assert f"key id(s) {file_id} do not open: HOTLINE_DATA_KEYS" in status.output
    assert status_rows(status)["tickets.requester_name"] == ["0", "0", "1", "-"]
    refused = keys_cli(settings, KEY2, "rotate")
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert f"key id '{file_id}', which HOTLINE_DATA_KEYS does not hold" in refused.output

    wrong = f"{file_id}:{KEY1.split(':')[1]}"  # the right id, another key
    for command in ("status", "rotate"):
        refused = keys_cli(settings, f"{KEY2},{wrong}", command)
        assert refused.exit_code == 1, refused.output
        assert f"key {file_id!r} of HOTLINE_DATA_KEYS does not open" in refused.output

    moved = keys_cli(settings, f"{KEY2},{file_key}", "rotate")
    assert moved.exit_code == 0, moved.output
    assert key_ids(hotline) == {"k2"}
    final = restarted(hotline, settings, KEY2)
    restarts.append(final)
    assert final.ticket(number)["requester"]["name"] == NAME


def test_clear_text_from_before_sealing_is_sealed_and_hashed_by_rotation(
    hotline: Hotline, settings: Settings
) -> None:
    """Rows written before sealing (clear text, no phone hash) read as they are; repeats
    cannot find them by phone until `keys rotate` seals them and fills the hash."""
    old = hotline.new_ticket(content="路灯不亮", district="苍溪县")["number"]
    with hotline.services.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE tickets SET requester_name = '王五', requester_phone = '13700001111', "
                "address = '旧地址1号', requester_phone_hash = NULL WHERE number = :n"
            ),
            {"n": old},
        )
    assert hotline.ticket(old)["requester"] == {"name": "王五", "phone": "13700001111"}
    status = status_rows(keys_cli(settings, None, "status"))
    assert status["tickets.requester_phone"][-3:] == ["1", "0", "1"]  # clear, unknown, no hash
    caller = {"name": "王先生", "phone": "137 0000 1111"}
    unseen = hotline.new_ticket(requester=caller, content="噪音", district="昭化区")
    assert unseen["possible_repeats"] == []

    rotated = keys_cli(settings, None, "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert "clear" not in key_ids(hotline)
    assert "王五" not in str(raw_values(hotline))
    assert hotline.ticket(old)["address"] == "旧地址1号"
    found = hotline.new_ticket(requester=caller, content="噪音", district="昭化区")
    assert {r["number"]: r["reason"] for r in found["possible_repeats"]}[old] == "same_phone"


def test_a_rotation_stopped_part_way_keeps_its_batches_and_carries_on(
    settings: Settings, manual_clock, restarts: list[Hotline]
) -> None:
    """Interrupted after its first batch (Ctrl-C, a crash), the rotation has committed that
    batch; run again, it carries on with the rest and rewrites nothing twice."""
    first = make_hotline(started(with_keys(settings, KEY1)))
    restarts.append(first)
    numbers = [first.new_ticket(content=f"第{n}号路灯不亮")["number"] for n in range(5)]
    both = restarted(first, settings, f"{KEY2},{KEY1}")
    restarts.append(both)

    def stop(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate(both.services.transaction, 2, stop)
    halfway = status_rows(keys_cli(settings, f"{KEY2},{KEY1}", "status"))
    assert halfway["tickets.requester_name"][:2] == ["2", "3"]
    finished = keys_cli(settings, f"{KEY2},{KEY1}", "rotate", "--batch", "2")
    assert finished.exit_code == 0, finished.output
    assert "tickets: 3 rows re-sealed" in finished.output
    assert key_ids(both) == {"k2"}
    only = restarted(first, settings, KEY2)
    restarts.append(only)
    assert [only.ticket(n)["requester"]["name"] for n in numbers] == ["张三"] * 5


def test_a_purged_ticket_leaves_nothing_for_rotation_to_hash(
    settings: Settings, manual_clock, gateway: SmsReceiver, restarts: list[Hotline]
) -> None:
    """After the retention purge (guangxi: personal data kept 5 years) the ticket, its
    texts and the requester's SMS answer hold the purged marker without a phone hash:
    `keys status` counts no hash missing and a rotation finishes, the marker re-sealed."""
    configured = with_keys(with_gateway(settings, gateway.url, gateway.secret, "guangxi"), KEY1)
    h = make_hotline(started(configured))
    restarts.append(h)
    number = at_callback(h, requester={"name": NAME, "phone": PHONE})
    dispatch_round(h.services.sessions)
    assert reply(h, gateway.secret, PHONE, "1").json["outcome"] == "satisfied"
    assert job(h, years_after(closed_at(h, number), 5))["purged"] == [number]

    both = restarted(h, configured, f"{KEY2},{KEY1}")
    restarts.append(both)
    status = status_rows(keys_cli(settings, f"{KEY2},{KEY1}", "status"))
    for column in ("tickets.requester_phone", "outbox_messages.address", "inbound_sms.phone"):
        assert status[column][-1] == "0", status  # no hash missing
    rotated = keys_cli(settings, f"{KEY2},{KEY1}", "rotate")
    assert rotated.exit_code == 0, rotated.output
    assert key_ids(both) == {"k2"}
    assert both.ticket(number)["requester"] == {"name": MARKER, "phone": MARKER}
