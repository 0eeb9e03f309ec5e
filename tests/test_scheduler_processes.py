"""Two scheduler processes (real OS processes) on one database fire each timer once."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO, Hotline

FIRE = """
import sys
from datetime import datetime
from hotline import clock
from hotline.config import Settings
from wiring.services import build_services
from scheduler.firing import fire_due

url, now, bpmn, var = sys.argv[1:5]
when = datetime.fromisoformat(now)
clock.set_clock(clock.ManualClock(when))
settings = Settings(url, "guangyuan", "manual", __import__("pathlib").Path(bpmn),
                    __import__("pathlib").Path(var))
services = build_services(settings)
print(fire_due(services, owner=f"proc-{__import__('os').getpid()}", now=when))
services.dispose()
"""


def test_two_scheduler_processes_fire_each_acknowledge_timer_once(hotline: Hotline) -> None:
    """12 overdue acknowledgements, two `fire_due` processes at once: 12 urges, no more."""
    numbers = []
    for _ in range(12):
        number = hotline.new_ticket()["number"]
        hotline.center.complete(number, "triage", {"disposition": "dispatch", "unit": "ZJJ"})
        numbers.append(number)
    settings = hotline.services.settings
    now = "2026-11-23T09:31:00+08:00"  # the 30-minute acknowledge limit has passed
    # The same var dir: the same sealing keys, as processes of one deployment share them.
    args = [settings.database_url, now, str(settings.bpmn_dir), str(settings.var_dir)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", FIRE, *args],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in results]
    fired = [int(out.strip().splitlines()[-1]) for out, _ in results]
    assert sum(fired) == 12, fired
    for number in numbers:
        urged = [e for e in hotline.ticket(number)["events"] if e["kind"] == "ticket_urged"]
        assert len(urged) == 1, (number, urged)
