"""lifecycle.py --profile: a cProfile pass over (b), summed into rows per API call."""

from __future__ import annotations

import cProfile
import pstats
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from lifecycle_service import ServiceBench
from sqlalchemy import event

# (label, file suffix, function name): cumulative (inclusive) time of these functions. Rows
# overlap: complete_task contains most of the others, Session.get contains its autoflush, etc.
PROFILE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("Runtime.complete_task (all of it)", "processes/runtime.py", "complete_task"),
    ("create_ticket (all of it)", "hotline/tickets.py", "create_ticket"),
    ("inbox read (bench, its own transaction)", "bench/lifecycle_service.py", "_inbox"),
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
