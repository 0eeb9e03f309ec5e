"""Diagram expressions: Camunda JUEL and ISO timer values work, nothing escapes the whitelist.

SpiffWorkflow evaluates with plain eval/exec, so processes.expressions is the only thing
between a diagram and the interpreter: these tests try the classic sandbox escapes, at
evaluation time and at deploy time (where the process owner learns which flow is at fault).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hotline.models import ProcessDefinition
from processes import expressions
from processes.expressions import UnsafeExpression
from processes.problems import DeploymentRefused
from processes.registry import deploy, parse_bpmn
from tests.helpers.bpmn import gateway_diagram, process


def script_diagram(script: str) -> bytes:
    """start → script task running `script` → end."""
    return process(
        f"""
    <bpmn:startEvent id="start"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="compute"/>
    <bpmn:scriptTask id="compute" name="Compute">
      <bpmn:script><![CDATA[{script}]]></bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="compute" targetRef="end"/>
    <bpmn:endEvent id="end"/>""",
        "scripted",
    )


# -- JUEL and ISO values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "variables", "expected"),
    [
        ("${amount > 100}", {"amount": 150}, True),
        ("${amount gt 100 && !urgent}", {"amount": 150, "urgent": True}, False),
        ("#{!approved}", {"approved": False}, True),
        ("${level eq 'high' || level == 'critical'}", {"level": "critical"}, True),
        ("${reply ne null}", {"reply": None}, False),
        ("${count ge 3 and count le 5}", {"count": 5}, True),
        ("${flag == true}", {"flag": True}, True),
        # JUEL words inside string literals stay as they are
        # JUEL empty: null, empty text or collection; 0 and false are values
        ("${empty comment}", {"comment": ""}, True),
        ("${not empty comment}", {"comment": "ok"}, True),
        ("${!empty units && count eq 0}", {"units": ["a"], "count": 0}, True),
        ("${empty count}", {"count": 0}, False),
        ("${empty reply}", {"reply": None}, True),
        ("${note == 'empty x'}", {"note": "empty x"}, True),
        ("${note == 'a && b eq c'}", {"note": "a && b eq c"}, True),
        ('${note != "!x"}', {"note": "!x"}, False),
        # plain Python conditions are left alone
        ("amount > 100 and not urgent", {"amount": 150, "urgent": False}, True),
        ("len(units) == 2", {"units": ["a", "b"]}, True),
    ],
)
def test_juel_and_python_conditions_evaluate(text: str, variables: dict, expected: object) -> None:
    assert expressions.evaluate(text, variables) is expected


@pytest.mark.parametrize(
    "value",
    [
        "PT5M",
        "PT72H",
        "P3D",
        "P1W",
        "R3/PT10M",
        "R/PT1H",
        "2026-12-01T09:00:00+08:00",
        "2026-12-01",
    ],
)
def test_bare_iso_timer_values_are_string_literals(value: str) -> None:
    """Camunda writes timers without quotes (PT5M); they must not be evaluated as names."""
    assert expressions.translate(value) == repr(value)
    assert expressions.translate(f"  {value}\n") == repr(value)
    assert expressions.evaluate(value, {}) == value


def test_quoted_timer_values_and_variables_still_work() -> None:
    assert expressions.evaluate('"PT0.2S"', {}) == "PT0.2S"
    assert expressions.evaluate("due_at", {"due_at": "2026-12-01T09:00:00+08:00"}) == (
        "2026-12-01T09:00:00+08:00"
    )


def test_candidate_group_placeholders_are_substituted() -> None:
    assert expressions.substitute("unit:${unit}", {"unit": "GY01"}) == "unit:GY01"
    assert expressions.placeholders("center, unit:${unit}") == ["${unit}"]


def test_scripts_assign_variables() -> None:
    variables = {"amount": 3}
    expressions.execute("total = amount * 2\nif total > 5:\n    label = 'big'", variables)
    assert variables == {"amount": 3, "total": 6, "label": "big"}


# -- escapes ---------------------------------------------------------------------------

ESCAPES = [
    ("__import__('os')", "call to '__import__'"),
    ("__import__", "name '__import__'"),
    ("__import__('os').system('id')", "method 'system'"),
    ("open('/etc/passwd')", "call to 'open'"),
    ("open('/etc/passwd').read()", "method 'read'"),
    ("().__class__.__base__.__subclasses__()", "method '__subclasses__'"),
    ("().__class__.__base__", "attribute '__base__'"),
    ("().__class__", "attribute '__class__'"),
    ("'{0.__class__}'.format(x)", "method 'format'"),
    ("sorted(names, key='{0.__class__.__mro__}'.format)", "attribute 'format'"),
    ("'{x.__class__}'.format_map(vars)", "method 'format_map'"),
    ("max(names, key=str.format_map)", "attribute 'format_map'"),
    ("x.__dict__", "attribute '__dict__'"),
    ("getattr(x, '__class__')", "call to 'getattr'"),
    ("eval('1')", "call to 'eval'"),
    ("exec('import os')", "call to 'exec'"),
    ("globals()", "call to 'globals'"),
    ("(lambda: 1)()", "only plain calls are allowed"),
    ("sorted(names, key=lambda n: n)", "Lambda is not allowed"),
    ("[c for c in ().__class__.__bases__]", "ListComp is not allowed"),
    ("{c: 1 for c in names}", "DictComp is not allowed"),
    ("{c for c in names}", "SetComp is not allowed"),
    ("list(c for c in names)", "GeneratorExp is not allowed"),
    ("(x := 1)", "NamedExpr is not allowed"),
    ("gen.gi_frame.f_globals", "attribute"),
    ("str.mro()", "method 'mro'"),
    ("str.mro", "attribute 'mro'"),
    ("[x][0].__init__", "attribute '__init__'"),
    ("f'{x.__class__}'", "attribute '__class__'"),
    ("${x.__class__}", "attribute '__class__'"),
    ("#{''.__class__.__mro__[1].__subclasses__()}", "method '__subclasses__'"),
    ("_private", "name '_private'"),
    ("[].append.__self__", "attribute '__self__'"),
    ("datetime.now()", "method 'now'"),
]


@pytest.mark.parametrize(("text", "reason"), ESCAPES)
def test_expression_escapes_are_refused(text: str, reason: str) -> None:
    with pytest.raises(UnsafeExpression) as refused:
        expressions.compile_expression(text)
    assert reason in str(refused.value)
    with pytest.raises(UnsafeExpression):  # and at run time, whatever deploy said
        expressions.evaluate(text, {"x": 1, "names": ["a"], "vars": {}, "gen": None})


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import os", "Import is not allowed"),
        ("from os import system", "ImportFrom is not allowed"),
        ("def f():\n    return 1", "FunctionDef is not allowed"),
        ("class A:\n    pass", "ClassDef is not allowed"),
        ("while True:\n    pass", "While is not allowed"),
        ("with open('x') as f:\n    pass", "With is not allowed"),
        ("try:\n    x = 1\nexcept Exception:\n    pass", "Try is not allowed"),
        ("global x", "Global is not allowed"),
        ("x = [y for y in ().__class__.__bases__]", "ListComp is not allowed"),
        ("f = '{0.__class__}'.format\nlabel = f(x)", "attribute 'format'"),
        ("x.__class__ = None", "attribute '__class__'"),
        ("print('hello')", "call to 'print'"),
    ],
)
def test_script_escapes_are_refused(script: str, reason: str) -> None:
    with pytest.raises(UnsafeExpression) as refused:
        expressions.compile_script(script)
    assert reason in str(refused.value)
    with pytest.raises(UnsafeExpression):
        expressions.execute(script, {"x": 1})


# -- at deploy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "reason"),
    [
        ("__import__('os')", "call to '__import__'"),
        ("().__class__.__base__.__subclasses__()", "method '__subclasses__'"),
        ("${amount.__class__}", "attribute '__class__'"),
        ("open('/etc/passwd') != None", "call to 'open'"),
        ("'{0.__class__}'.format(amount) != ''", "method 'format'"),
        ("[c for c in amount]", "ListComp is not allowed"),
        ("${amount >}", "is not a valid expression"),
    ],
)
def test_unsafe_condition_is_refused_naming_the_flow_and_gateway(
    condition: str, reason: str
) -> None:
    with pytest.raises(DeploymentRefused) as refused:
        parse_bpmn(gateway_diagram(condition), "routing.bpmn")
    (problem,) = refused.value.problems
    assert (problem.element_id, problem.element_name, problem.element_type) == (
        "to_big",
        "big",
        "bpmn:sequenceFlow",
    )
    assert "exclusiveGateway 'amount_gateway' (Amount?)" in problem.message
    assert reason in problem.message
    assert str(problem).startswith("routing.bpmn:")


def test_unsafe_condition_deploy_stores_nothing(services) -> None:
    with pytest.raises(DeploymentRefused), services.transaction() as session:
        deploy(session, gateway_diagram("().__class__"), "routing.bpmn")
    with services.transaction() as session:
        count = session.scalar(
            select(func.count())
            .select_from(ProcessDefinition)
            .where(ProcessDefinition.process_id == "routing")
        )
    assert count == 0


def test_unsafe_script_is_refused_naming_the_script_task() -> None:
    with pytest.raises(DeploymentRefused) as refused:
        parse_bpmn(script_diagram("total = ().__class__.__base__"), "scripted.bpmn")
    (problem,) = refused.value.problems
    assert (problem.element_id, problem.element_type) == ("compute", "bpmn:scriptTask")
    assert "script is not allowed: attribute '__base__'" in problem.message


def test_safe_condition_and_script_deploy() -> None:
    assert list(parse_bpmn(gateway_diagram("${amount gt 100}"), "routing.bpmn")) == ["routing"]
    assert list(parse_bpmn(script_diagram("total = amount * 2"), "scripted.bpmn")) == ["scripted"]


def test_power_is_refused_so_an_expression_cannot_stall_a_request() -> None:
    """`9**9**9` would compute for minutes inside a request; `**` is not allowed."""
    with pytest.raises(expressions.UnsafeExpression):
        expressions.compile_expression("9**9**9 > 0")
