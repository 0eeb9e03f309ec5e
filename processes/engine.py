"""The script engine SpiffWorkflow calls for conditions, scripts, timers and service tasks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from hotline import clock
from processes import expressions


class SafeEnvironment(BasePythonScriptEngineEnvironment):
    """Evaluates only whitelisted expressions and scripts (see processes.expressions)."""

    def evaluate(self, expression: str, context: dict, external_context: dict | None = None) -> Any:
        variables = {**(external_context or {}), **context}
        return expressions.evaluate(expression, variables)

    def execute(self, script: str, context: dict, external_context: dict | None = None) -> bool:
        expressions.execute(script, context)
        return True


TopicRunner = Callable[[Any, str | None], bool]


class HotlineScriptEngine(PythonScriptEngine):
    """Script engine bound to one runtime call, so service tasks reach its handler context."""

    def __init__(self, run_topic: TopicRunner | None = None) -> None:
        super().__init__(environment=SafeEnvironment())
        self._run_topic = run_topic

    def run_topic(self, task: Any, topic: str | None) -> bool:
        """Run the registered handler for a service task's topic."""
        if self._run_topic is None:
            raise WorkflowTaskException(f"no handler runner for topic {topic!r}", task=task)
        return self._run_topic(task, topic)

    def call_service(self, task: Any, **kwargs: Any) -> Any:
        # The base class's error path refers to an undefined name; keep the real error.
        raise WorkflowTaskException("call_service is not supported; use a topic", task=task)


class _ClockMeta(type):
    def __instancecheck__(cls, obj: object) -> bool:
        return isinstance(obj, datetime)


class _ClockDatetime(datetime, metaclass=_ClockMeta):
    """datetime whose now() reads the service clock, for SpiffWorkflow's timer module."""

    @classmethod
    def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
        current = clock.now()
        return current.astimezone(tz) if tz is not None else current.replace(tzinfo=None)


def install_clock() -> None:
    """Make SpiffWorkflow's timer checks read the service clock."""
    spiff_timer.datetime = _ClockDatetime


install_clock()
