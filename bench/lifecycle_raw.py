"""(a) of lifecycle.py: ticket.bpmn driven by raw SpiffWorkflow in memory, no database."""

from __future__ import annotations

import statistics
import time
from typing import Any

from lifecycle_common import BPMN_DIR, PROCESS_ID, BenchError, Step, summary
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from processes.engine import HotlineScriptEngine
from processes.forms import form_fields, split_variables
from processes.parser import HotlineParser
from processes.serializer import StateSerializer

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
