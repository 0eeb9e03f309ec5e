"""Lifecycle throughput of ticket.bpmn: raw SpiffWorkflow in memory vs. the service layer.

One run measures N full ticket lifecycles two ways:

(a) raw:     `processes.parser.HotlineParser` parses bpmn/ticket.bpmn once; each lifecycle is
             a fresh in-memory `BpmnWorkflow` driven along the path below with the variables
             the service would store, conditions evaluated by `HotlineScriptEngine`, service
             tasks run by a no-op topic runner. No database, no serialization.
(b) service: what the API does: `hotline.tickets.create_ticket` in one transaction, then per
             user task the actor's inbox (`hotline.inbox.inbox` over the `user_tasks` index,
             its own transaction) and `Runtime.complete_task` in one transaction, on a
             migrated SQLite file, with the real handlers, form validation, history events
             and state persistence.

b/a is (b)'s lifecycles per second divided by (a)'s: the share of the bare engine's
throughput that survives everything the service adds around it (locking, loading and saving
state, form validation, handlers, history, the task index, commits). 1.0 would mean the
service adds nothing; the project's goal b/a >= 0.5 means the service may at most double the
cost of the engine work itself. (a') is (a) plus a StateSerializer dump/load per call: its
ratio to (a) bounds b/a for any design that round-trips the whole state on every call.

Every (b) lifecycle must end with the ticket `closed` and its instance `completed`, and every
step must find exactly the expected task, so the bench cannot silently time errors.

    python bench/lifecycle.py [--n 200] [--path happy|loops] [--db FILE] [--json]
    python bench/lifecycle.py --profile [FILE.prof]   # extra cProfile pass over (b)
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
try:
    import hotline  # noqa: F401  (installed editable in the project's venv)
except ModuleNotFoundError:
    sys.path.insert(0, str(REPO_ROOT))

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.util.task import TaskState  # noqa: E402
from sqlalchemy import event, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from hotline import directory  # noqa: E402
from hotline.actors import Actor  # noqa: E402
from hotline.config import Settings  # noqa: E402
from hotline.inbox import inbox  # noqa: E402
from hotline.migrate import upgrade  # noqa: E402
from hotline.models import ProcessInstance, Ticket, Unit, UserTask  # noqa: E402
from hotline.services import Services, build_services  # noqa: E402
from hotline.tickets import create_ticket  # noqa: E402
from processes.engine import HotlineScriptEngine  # noqa: E402
from processes.forms import form_fields, split_variables  # noqa: E402
from processes.parser import HotlineParser  # noqa: E402
from processes.registry import deploy_directory  # noqa: E402
from processes.serializer import StateSerializer  # noqa: E402

BPMN_DIR = REPO_ROOT / "bpmn"
PROCESS_ID = "ticket"
UNIT_CODE = "BENCH01"
CENTER, UNIT = "center", "unit"

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "category": "complaint",
    "urgency": "normal",
    "requester": {"name": "王女士", "phone": "13800000000"},
    "content": (
        "小区门口道路施工噪音持续到深夜，影响居民休息，希望有关部门督促施工单位按规定时间作业。"
    ),
    "address": "广元市利州区东坝街道某小区",
    "district": "利州区",
}
DONE = {
    "outcome": "done",
    "basis": "《中华人民共和国噪声污染防治法》第四十三条",
    "findings": "经现场核查，施工单位夜间作业属实，已责令整改并限定作业时间。",
    "reply": "已电话联系诉求人，告知处理结果，诉求人表示认可。",
}


@dataclass(frozen=True)
class Step:
    """One user task of a lifecycle: which task must be ready, who completes it, with what."""

    task: str
    role: str
    form: dict[str, Any]


DISPATCH = Step("triage", CENTER, {"disposition": "dispatch", "unit": UNIT_CODE})
ACK = Step("acknowledge", UNIT, {"contacted": True, "note": "已签收"})
HANDLE = Step("handle", UNIT, DONE)
APPROVE = Step("review", CENTER, {"approved": True})
SATISFIED = Step("callback", CENTER, {"satisfaction": "satisfied", "comment": "满意"})

PATHS: dict[str, tuple[Step, ...]] = {
    # triage dispatch -> acknowledge -> handle done -> review approved -> callback satisfied
    "happy": (DISPATCH, ACK, HANDLE, APPROVE, SATISFIED),
    # ... plus one return to the center, one review rejection and one rehandle after callback.
    "loops": (
        DISPATCH,
        ACK,
        Step(
            "handle",
            UNIT,
            {"outcome": "return", "return_reason": "不属本单位职责", "suggested_unit": "X"},
        ),
        DISPATCH,
        ACK,
        HANDLE,
        Step("review", CENTER, {"approved": False, "comment": "答复依据不充分"}),
        HANDLE,
        APPROVE,
        Step("callback", CENTER, {"satisfaction": "unsatisfied", "reasonable": True}),
        HANDLE,
        APPROVE,
        SATISFIED,
    ),
}


class BenchError(AssertionError):
    """The lifecycle did not go where the bench expected: its timings would be meaningless."""


def summary(values: list[float]) -> dict[str, float]:
    """Mean, median and 95th percentile, in milliseconds."""
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {
        "mean": statistics.fmean(values) * 1e3,
        "p50": statistics.median(values) * 1e3,
        "p95": p95 * 1e3,
    }


# -- (a) raw SpiffWorkflow --------------------------------------------------------------------


IDLE_TIMERS = {
    name: "9999-12-31T00:00:00+00:00"
    for name in (
        "dispatch_due_at",
        "acknowledge_due_at",
        "handle_remind_at",
        "handle_due_at",
        "callback_no_answer_at",
    )
}


class RawBench:
    """The diagram parsed once; lifecycles run in memory with a no-op topic runner."""

    def __init__(self, steps: tuple[Step, ...]) -> None:
        parser = HotlineParser()
        parser.add_bpmn_file(str(BPMN_DIR / "ticket.bpmn"))
        self.spec = parser.get_spec(PROCESS_ID)
        self.subprocess_specs = parser.get_subprocess_specs(PROCESS_ID)
        self.engine = HotlineScriptEngine(run_topic=lambda task, topic: True)
        self.steps = steps
        # The variables the service stores for each form (content fields stay out), computed
        # here, untimed, so both sides hand the engine the same data.
        self.variables = [
            split_variables(form_fields(self.spec.task_specs[s.task]), s.form)[0] for s in steps
        ]

    def lifecycle(
        self,
        ticket_id: int,
        step_times: list[list[float]] | None = None,
        serializer: StateSerializer | None = None,
    ) -> None:
        """One lifecycle from start to end_closed; raise BenchError if it strays.

        With a serializer, the state is dumped after each call and loaded before the next,
        as the service does, but kept in a Python string instead of a database row.
        """
        workflow = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.engine)
        # The service hands the diagram its due times; far-future ones keep every timer idle.
        workflow.task_tree.data.update({"ticket_id": ticket_id, **IDLE_TIMERS})
        workflow.do_engine_steps()
        state = serializer.dumps(workflow) if serializer else ""
        for index, (step, variables) in enumerate(zip(self.steps, self.variables, strict=True)):
            started = time.perf_counter()
            if serializer is not None:
                workflow = serializer.loads(state, self.spec, self.subprocess_specs)
                workflow.script_engine = self.engine
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if len(ready) != 1 or ready[0].task_spec.bpmn_id != step.task:
                raise BenchError(f"raw step {index}: expected {step.task}, ready: {ready}")
            task = ready[0]
            task.data.update(variables)
            task.run()
            workflow.do_engine_steps()
            if serializer is not None:
                state = serializer.dumps(workflow)
            if step_times is not None:
                step_times[index].append(time.perf_counter() - started)
        if not workflow.is_completed():
            raise BenchError("raw lifecycle did not complete")
        if not workflow.get_tasks(spec_name="end_closed", state=TaskState.COMPLETED):
            raise BenchError("raw lifecycle did not end at end_closed")

    def run(self, n: int, warmup: int, rounds: int = 5) -> dict[str, Any]:
        """Time n lifecycles after `warmup` untimed ones; the median of `rounds` rounds.

        One round of (a) lasts well under a second, so a burst of other load on the machine
        would skew a single round; (b) runs long enough to average such bursts out.
        """
        for i in range(warmup):
            self.lifecycle(i)
        step_times: list[list[float]] = [[] for _ in self.steps]
        elapsed_rounds, cpu_rounds = [], []
        for _ in range(rounds):
            started, cpu = time.perf_counter(), time.process_time()
            for i in range(n):
                self.lifecycle(i)
            elapsed_rounds.append(time.perf_counter() - started)
            cpu_rounds.append(time.process_time() - cpu)
        elapsed = statistics.median(elapsed_rounds)
        for i in range(n):  # per-step figures from a separate pass, so the total is clean
            self.lifecycle(i, step_times)
        serializer = StateSerializer()
        persisted_rounds = []
        for _ in range(rounds):
            started = time.perf_counter()
            for i in range(n):
                self.lifecycle(i, serializer=serializer)
            persisted_rounds.append(time.perf_counter() - started)
        persisted = statistics.median(persisted_rounds)
        return {
            "with_state_roundtrip": {
                "lifecycles_per_s": n / persisted,
                "ms_per_lifecycle": persisted / n * 1e3,
            },
            "seconds": elapsed,
            "rounds_seconds": elapsed_rounds,
            "lifecycles_per_s": n / elapsed,
            "cpu_lifecycles_per_s": n / statistics.median(cpu_rounds),
            "ms_per_lifecycle": elapsed / n * 1e3,
            "steps": [
                {"task": s.task, **summary(t)} for s, t in zip(self.steps, step_times, strict=True)
            ],
        }


# -- (b) the service layer on SQLite -----------------------------------------------------------


@dataclass
class ServiceTimes:
    """Per-lifecycle and per-step timings of (b), in seconds, plus state sizes in bytes."""

    lifecycles: list[float] = field(default_factory=list)
    create: list[float] = field(default_factory=list)
    inbox: list[list[float]] = field(default_factory=list)
    complete: list[list[float]] = field(default_factory=list)
    commit: list[list[float]] = field(default_factory=list)
    state_bytes: list[list[int]] = field(default_factory=list)
    create_state_bytes: list[int] = field(default_factory=list)


def _instance_in(session: Session) -> ProcessInstance | None:
    """The process instance the call just saved, from the identity map (no SQL)."""
    for obj in session.identity_map.values():
        if isinstance(obj, ProcessInstance):
            return obj
    return None


def _state_bytes(instance: ProcessInstance | None) -> int:
    """Size of the saved workflow state."""
    return len(instance.state.encode()) if instance is not None else 0


class ServiceBench:
    """A migrated SQLite file with bpmn/ deployed, one unit, a center user and a unit user."""

    def __init__(self, db_path: Path, steps: tuple[Step, ...]) -> None:
        settings = Settings(
            database_url=f"sqlite:///{db_path}",
            profile="guangyuan",
            clock="system",
            bpmn_dir=BPMN_DIR,
            var_dir=db_path.parent,
        )
        self.settings = settings
        self.services: Services = build_services(settings)
        self.steps = steps
        upgrade(self.services.engine)
        with self.services.transaction() as session:
            deploy_directory(session, settings.bpmn_dir)
            if session.get(Unit, UNIT_CODE) is None:  # --db may point at an earlier run's file
                directory.add_unit(session, UNIT_CODE, "广元市利州区住房和城乡建设局", "利州区")
                session.flush()
            tokens = {
                CENTER: directory.add_user(session, "bench center", CENTER),
                UNIT: directory.add_user(session, "bench unit", UNIT, UNIT_CODE),
            }
        with self.services.transaction() as session:
            actors = {role: directory.actor_for_token(session, t) for role, t in tokens.items()}
        self.actors: dict[str, Actor] = {r: a for r, a in actors.items() if a is not None}
        self.ticket_ids: list[int] = []

    def _inbox(self, actor: Actor, ticket_id: int) -> tuple[str, str]:
        """What GET /api/v1/tasks does (hotline.inbox.inbox, its own transaction); returns
        the id and BPMN id of the one ready task of this ticket it lists."""
        with self.services.transaction() as session:
            rows, _total = inbox(session, actor)
            mine = [
                (task.id, task.task_id) for task, _number in rows if task.ticket_id == ticket_id
            ]
        if len(mine) != 1:
            raise BenchError(f"the inbox lists {len(mine)} ready tasks of ticket {ticket_id}")
        return mine[0]

    def lifecycle(self, times: ServiceTimes | None = None) -> int:
        """One lifecycle through create_ticket and complete_task; returns the ticket id."""
        runtime = self.services.runtime
        started = time.perf_counter()
        with self.services.transaction() as session:
            intake = create_ticket(session, runtime, self.actors[CENTER], dict(INTAKE), prefix="GY")
            ticket_id = intake.ticket.id
            started_instance = _instance_in(session)
        created = time.perf_counter()
        if times is not None:
            times.create.append(created - started)
            times.create_state_bytes.append(_state_bytes(started_instance))
        for index, step in enumerate(self.steps):
            actor = self.actors[step.role]
            t0 = time.perf_counter()
            task_id, task_name = self._inbox(actor, ticket_id)
            if task_name != step.task:
                raise BenchError(
                    f"step {index}: expected {step.task}, the inbox offers {task_name}"
                )
            t1 = time.perf_counter()
            with self.services.transaction() as session:
                runtime.complete_task(session, task_id, dict(step.form), actor)
                t2 = time.perf_counter()
                instance = _instance_in(session)
            t3 = time.perf_counter()
            if times is not None:
                times.inbox[index].append(t1 - t0)
                times.complete[index].append(t2 - t1)
                times.commit[index].append(t3 - t2)
                times.state_bytes[index].append(_state_bytes(instance))
        if times is not None:
            times.lifecycles.append(time.perf_counter() - started)
        self.ticket_ids.append(ticket_id)
        return ticket_id

    def new_times(self) -> ServiceTimes:
        """Empty timing lists shaped for this path."""
        times = ServiceTimes()
        for _ in self.steps:
            times.inbox.append([])
            times.complete.append([])
            times.commit.append([])
            times.state_bytes.append([])
        return times

    def run(self, n: int, warmup: int) -> dict[str, Any]:
        """Time n lifecycles after `warmup` untimed ones, then check every ticket closed."""
        for _ in range(warmup):
            self.lifecycle()
        times = self.new_times()
        started, cpu = time.perf_counter(), time.process_time()
        for _ in range(n):
            self.lifecycle(times)
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu
        end_state = self.verify()
        inbox_total = sum(sum(t) for t in times.inbox)
        steps = []
        for i, step in enumerate(self.steps):
            total = [
                a + b + c
                for a, b, c in zip(times.inbox[i], times.complete[i], times.commit[i], strict=True)
            ]
            steps.append(
                {
                    "task": step.task,
                    **summary(total),
                    "inbox_ms": statistics.fmean(times.inbox[i]) * 1e3,
                    "complete_ms": statistics.fmean(times.complete[i]) * 1e3,
                    "commit_ms": statistics.fmean(times.commit[i]) * 1e3,
                    "state_bytes": round(statistics.fmean(times.state_bytes[i])),
                }
            )
        return {
            "seconds": elapsed,
            "lifecycles_per_s": n / elapsed,
            "ms_per_lifecycle": elapsed / n * 1e3,
            "lifecycles_per_s_without_inbox": n / (elapsed - inbox_total),
            "cpu_lifecycles_per_s": n / cpu,
            "lifecycle": summary(times.lifecycles),
            "create": {
                **summary(times.create),
                "state_bytes": round(statistics.fmean(times.create_state_bytes)),
            },
            "steps": steps,
            "end_state_bytes": end_state,
        }

    def verify(self, ticket_ids: list[int] | None = None) -> dict[str, int]:
        """Every lifecycle run so far (or these): ticket closed, instance completed, no task
        left ready. Returns the final state size (bytes of process_instances.state).
        """
        ids = self.ticket_ids if ticket_ids is None else ticket_ids
        with self.services.transaction() as session:
            rows = session.execute(
                select(Ticket.id, Ticket.status, ProcessInstance.status, ProcessInstance.state)
                .join(ProcessInstance, ProcessInstance.ticket_id == Ticket.id)
                .where(Ticket.id.in_(ids))
            ).all()
            left = session.scalars(
                select(UserTask.id).where(UserTask.ticket_id.in_(ids), UserTask.state == "ready")
            ).all()
        if len(rows) != len(ids):
            raise BenchError(f"{len(ids)} tickets started, {len(rows)} found")
        bad = Counter((t, p) for _, t, p, _ in rows if (t, p) != ("closed", "completed"))
        if bad:
            raise BenchError(f"tickets not closed/completed: {dict(bad)}")
        if left:
            raise BenchError(f"{len(left)} user tasks still ready after the lifecycles")
        sizes = [len(state.encode()) for *_, state in rows]
        return {"min": min(sizes), "mean": round(statistics.fmean(sizes)), "max": max(sizes)}

    def dispose(self) -> None:
        """Close pooled connections."""
        self.services.dispose()


# -- profiling (b) -----------------------------------------------------------------------------

# (label, file suffix, function name): cumulative (inclusive) time of these functions. Rows
# overlap: complete_task contains most of the others, Session.get contains its autoflush, etc.
PROFILE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Runtime.complete_task (all of it)", "processes/runtime.py", "complete_task"),
    ("create_ticket (all of it)", "hotline/tickets.py", "create_ticket"),
    ("inbox read (bench, its own transaction)", "bench/lifecycle.py", "_inbox"),
    ("state: StateSerializer.loads", "processes/serializer.py", "loads"),
    ("state: StateSerializer.dumps", "processes/serializer.py", "dumps"),
    ("engine: BpmnWorkflow.do_engine_steps", "bpmn/workflow.py", "do_engine_steps"),
    ("engine: Task.run (also inside the above)", "SpiffWorkflow/task.py", "run"),
    ("handlers: run_topic (inside engine steps)", "processes/runtime.py", "run_topic"),
    ("form: Runtime._validate", "processes/runtime.py", "_validate"),
    ("form: build_schema", "processes/forms.py", "build_schema"),
    ("form: Schema.load", "marshmallow/schema.py", "load"),
    ("index: Runtime._sync_tasks", "processes/runtime.py", "_sync_tasks"),
    ("history: record_event", "hotline/history.py", "record_event"),
    ("SQL: Session.flush (incl. autoflush)", "sqlalchemy/orm/session.py", "flush"),
    ("SQL: Session.execute", "sqlalchemy/orm/session.py", "execute"),
    ("SQL: Session.get", "sqlalchemy/orm/session.py", "get"),
    ("SQL: Session.refresh", "sqlalchemy/orm/session.py", "refresh"),
    ("SQL: SessionTransaction.commit", "sqlalchemy/orm/session.py", "commit"),
    ("SQL: sqlite3 Cursor.execute (C)", "~", "<method 'execute' of 'sqlite3.Cursor' objects>"),
    ("SQL: sqlite3 commit (C)", "~", "<method 'commit' of 'sqlite3.Connection' objects>"),
    ("json.dumps (all callers)", "json/__init__.py", "dumps"),
    ("json.loads (all callers)", "json/__init__.py", "loads"),
)


@contextmanager
def count_statements(bench: ServiceBench) -> Iterator[Counter[str]]:
    """Count SQL statements by their first word while the block runs."""
    counts: Counter[str] = Counter()

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counts[statement.lstrip().split(None, 1)[0].upper()] += 1

    engine = bench.services.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield counts
    finally:
        event.remove(engine, "before_cursor_execute", before)


def profile_service(bench: ServiceBench, n: int, out: Path | None) -> dict[str, Any]:
    """cProfile n more (b) lifecycles; the rows above in ms per API call.

    API calls are create_ticket and each complete_task; the inbox reads are charged to them.
    cProfile roughly doubles the run time, so read the rows as shares, not as wall time.
    """
    calls = n * (len(bench.steps) + 1)
    with count_statements(bench) as counts:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(n):
            bench.lifecycle()
        profiler.disable()
    bench.verify()
    stats = pstats.Stats(profiler)
    if out is not None:
        stats.dump_stats(str(out))
    # {(file, line, function): (primitive calls, calls, own time, cumulative time, callers)}
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    rows = []
    for label, suffix, name in PROFILE_ROWS:
        found = [
            v
            for (f, _, fn), v in table.items()
            if fn == name and f.replace("\\", "/").endswith(suffix)
        ]
        rows.append(
            {
                "label": label,
                "ms_per_call": sum(v[3] for v in found) / calls * 1e3,
                "calls_per_call": sum(v[1] for v in found) / calls,
            }
        )
    top = sorted(table.items(), key=lambda kv: kv[1][2], reverse=True)[:15]
    return {
        "lifecycles": n,
        "api_calls_per_lifecycle": len(bench.steps) + 1,
        "profiled_ms_per_call": sum(v[2] for v in table.values()) / calls * 1e3,
        "sql_statements_per_call": {k: v / calls for k, v in counts.most_common()},
        "rows": rows,
        "top_own_time": [
            {
                "function": f"{Path(f).name}:{line}({fn})",
                "ms_per_call": v[2] / calls * 1e3,
                "calls_per_call": v[1] / calls,
            }
            for (f, line, fn), v in top
        ],
    }


# -- report ------------------------------------------------------------------------------------


def print_report(result: dict[str, Any]) -> None:
    """Human-readable figures."""
    raw, svc = result["raw"], result["service"]
    names = " -> ".join(result["user_tasks"])
    print(f"ticket.bpmn, path {result['path']!r}: {len(result['user_tasks'])} user tasks")
    print(f"  ({names})")
    print(
        f"  N={result['n']} lifecycles timed after {result['warmup']} warm-up ones each"
        f" ((a): median of {len(raw['rounds_seconds'])} rounds)"
    )
    print(f"  SQLite file: {result['db']}")
    print()
    print(
        f"(a) raw SpiffWorkflow, in memory : {raw['lifecycles_per_s']:8.1f} lifecycles/s"
        f"  ({raw['ms_per_lifecycle']:.2f} ms each)"
    )
    rt = raw["with_state_roundtrip"]
    print(
        f"(a') (a) + state dump/load per call: {rt['lifecycles_per_s']:6.1f} lifecycles/s"
        f"  ({rt['ms_per_lifecycle']:.2f} ms each; a'/a = {result['ratio_state_floor']:.3f},"
        " the most b/a can be while every call loads and dumps the whole state)"
    )
    print(
        f"(b) service layer + SQLite       : {svc['lifecycles_per_s']:8.1f} lifecycles/s"
        f"  ({svc['ms_per_lifecycle']:.2f} ms each; p50 {svc['lifecycle']['p50']:.2f},"
        f" p95 {svc['lifecycle']['p95']:.2f})"
    )
    print(
        f"    b/a = {result['ratio']:.3f}   (goal >= 0.5; without the inbox reads:"
        f" {result['ratio_without_inbox']:.3f}; by CPU time: {result['ratio_cpu']:.3f})"
    )
    print()
    print("(b) per step, ms            mean    p50    p95 | inbox complete commit | (a) mean"
          " | state bytes")  # fmt: skip
    create = svc["create"]
    print(
        f"  {'create_ticket':<22} {create['mean']:6.2f} {create['p50']:6.2f} {create['p95']:6.2f}"
        f" | {'':5} {'':8} {'':6} | {'':8} | {create['state_bytes']:>7}"
    )
    for s, r in zip(svc["steps"], raw["steps"], strict=True):
        print(
            f"  {s['task']:<22} {s['mean']:6.2f} {s['p50']:6.2f} {s['p95']:6.2f}"
            f" | {s['inbox_ms']:5.2f} {s['complete_ms']:8.2f} {s['commit_ms']:6.2f}"
            f" | {r['mean']:8.3f} | {s['state_bytes']:>7}"
        )
    end = svc["end_state_bytes"]
    print(
        f"  state at the end of a lifecycle: {end['mean']} bytes"
        f" (min {end['min']}, max {end['max']}); all {result['n'] + result['warmup']}"
        " tickets closed"
    )
    prof = result.get("profile")
    if prof:
        print()
        print(
            f"cProfile of (b): {prof['lifecycles']} more lifecycles, inclusive ms per API call"
            f" ({prof['api_calls_per_lifecycle']} per lifecycle: create_ticket + completions,"
            f" inbox reads charged to them); profiled {prof['profiled_ms_per_call']:.2f} ms/call,"
            " about 2x the unprofiled time - read as shares. Rows overlap."
        )
        for row in prof["rows"]:
            print(f"  {row['label']:<44} {row['ms_per_call']:7.3f}  ({row['calls_per_call']:.1f}x)")
        sql = ", ".join(f"{k} {v:.1f}" for k, v in prof["sql_statements_per_call"].items())
        print(f"  SQL statements per API call: {sql}")
        print("  top functions by own time (ms per API call):")
        for row in prof["top_own_time"]:
            print(
                f"    {row['ms_per_call']:7.3f}  {row['function']}  ({row['calls_per_call']:.0f}x)"
            )


def main(argv: list[str] | None = None) -> int:
    """Run both benches and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="timed lifecycles (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed lifecycles first")
    parser.add_argument("--path", choices=sorted(PATHS), default="happy")
    parser.add_argument("--db", type=Path, help="SQLite file (default: a temporary file)")
    parser.add_argument("--json", action="store_true", help="print machine-readable results")
    parser.add_argument(
        "--profile",
        nargs="?",
        const="",
        metavar="FILE.prof",
        help="also cProfile (b) for another N lifecycles (optionally saving the stats)",
    )
    args = parser.parse_args(argv)
    if args.n < 1 or args.warmup < 0:
        parser.error("--n must be >= 1 and --warmup >= 0")
    steps = PATHS[args.path]

    tmpdir = None
    if args.db is None:
        tmpdir = Path(tempfile.mkdtemp(prefix="hotline-bench-"))
        db_path = tmpdir / "bench.sqlite3"
    else:
        db_path = args.db.resolve()
    profile = None
    try:
        raw = RawBench(steps).run(args.n, args.warmup)
        bench = ServiceBench(db_path, steps)
        try:
            service = bench.run(args.n, args.warmup)
            if args.profile is not None:
                out = Path(args.profile) if args.profile else None
                profile = profile_service(bench, args.n, out)
        finally:
            bench.dispose()
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)

    result: dict[str, Any] = {
        "path": args.path,
        "user_tasks": [s.task for s in steps],
        "n": args.n,
        "warmup": args.warmup,
        "db": str(db_path) if tmpdir is None else "(temporary, removed)",
        "raw": raw,
        "service": service,
        "ratio": service["lifecycles_per_s"] / raw["lifecycles_per_s"],
        "ratio_without_inbox": service["lifecycles_per_s_without_inbox"] / raw["lifecycles_per_s"],
        "ratio_state_floor": raw["with_state_roundtrip"]["lifecycles_per_s"]
        / raw["lifecycles_per_s"],
        "ratio_cpu": service["cpu_lifecycles_per_s"] / raw["cpu_lifecycles_per_s"],
    }
    if profile is not None:
        result["profile"] = profile
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
