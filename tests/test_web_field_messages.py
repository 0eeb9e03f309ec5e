"""Every message a form rule can answer with has a Chinese translation (web.field_messages).

The messages are read from the source (handlers/ and the hotline modules whose refusals the
form rules pass on), f-string parts filled with sample values, so a rule added later without
a translation fails here instead of showing a fallback to people.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from web.field_messages import FALLBACK, field_message, is_known

REPO = Path(__file__).resolve().parents[1]
# Modules outside handlers/ whose functions' messages the form rules pass on, and those functions.
REFUSALS = {
    "hotline/returns.py": {"return_refusal", "missing_return_fields"},
    "hotline/extensions.py": {
        "extension_check",
        "extension_request_errors",
        "extension_grant",
        "extension_beyond_soft_count",
    },
    "hotline/termination.py": {"decider_refusal", "find_original", "opinion_problem"},
    "hotline/repeats.py": {"merge_target"},
    "hotline/knowledge_questions.py": {"answer_refusal", "parse_article_ids", "published_articles"},
    "hotline/joint.py": {"unit_errors"},
    "processes/forms.py": {"with_defaults"},
}
# Values of the f-strings' placeholders, by their source text (anything else: "X").
SAMPLES = {
    "when": "outcome is done",
    "what": "a handled (closed)",
    "default": "",
    "note": "",
    "soft": "",
    "cap": "",
    "why": "",
    "names": "ordinary",
    "kind": "ordinary",
    "profile.name": "guangyuan",
    "MAX_UNITS": "30",
    "MAX_CITED": "20",
    "MAX_COMMENT": "2000",
    "len(codes)": "31",
    "len(ids)": "21",
    "extensions_so_far": "1",
    "ext.max_count": "1",
    "most": "10",
    "unit.replace('_', ' ')": "working days",
    "article_id": "12",
}
# Placeholders that mean something else in one function.
SAMPLES_IN = {"handlers/ticket_forms.py:joint_errors": {"what": "assisting units"}}
MESSAGE_CALLS = ("ValidationError", "Invalid", "ValueError")
MESSAGE_NAMES = ("why", "text", "refusal")


def sample(node: ast.expr, samples: dict[str, str]) -> str:
    """A string literal, or an f-string with its placeholders filled from `samples`."""
    if isinstance(node, ast.Constant):
        return str(node.value)
    assert isinstance(node, ast.JoinedStr)
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value))
            continue
        assert isinstance(part, ast.FormattedValue)
        source = ast.unparse(part.value)
        value = "" if isinstance(part.value, ast.IfExp) else samples.get(source, "X")
        out.append(repr(value) if part.conversion == ord("r") else value)
    return "".join(out)


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str)
    )


def _candidates(node: ast.AST) -> list[ast.expr]:
    """The expressions of `node` that are messages when they are text."""
    if isinstance(node, ast.Return) and node.value is not None:
        return list(node.value.elts) if isinstance(node.value, ast.Tuple) else [node.value]
    if isinstance(node, ast.List):
        return list(node.elts)
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in MESSAGE_CALLS or name == "append":
            return list(node.args[:1])
    names = [getattr(t, "id", None) for t in getattr(node, "targets", [])]
    if isinstance(node, ast.Assign) and any(name in MESSAGE_NAMES for name in names):
        return [node.value]
    return []


def messages(path: str, only: set[str] | None = None) -> list[tuple[str, str]]:
    """(where, sample message) of every message the functions of `path` (or `only`) answer."""
    tree = ast.parse((REPO / path).read_text())
    found = []
    for fn in ast.walk(tree):
        if not isinstance(fn, ast.FunctionDef) or (only is not None and fn.name not in only):
            continue
        where = f"{path}:{fn.name}"
        samples = {**SAMPLES, **SAMPLES_IN.get(where, {})}
        for node in ast.walk(fn):
            for candidate in _candidates(node):
                if _is_text(candidate):
                    found.append((where, sample(candidate, samples)))
    return found


def all_messages() -> list[tuple[str, str]]:
    """The messages of every form rule and of the refusals they pass on."""
    found = []
    for handler in sorted((REPO / "handlers").glob("*.py")):
        found += messages(f"handlers/{handler.name}")
    for path, only in REFUSALS.items():
        found += messages(path, only)
    return found


def test_the_walk_finds_the_rules_messages() -> None:
    found = {text for _where, text in all_messages()}
    assert "required when outcome is done" in found
    assert "required when satisfaction is unsatisfied" in found
    assert "a written opinion is required (guangyuan 第十四条(三): 提出详细书面意见)" in found
    assert len(found) > 50


@pytest.mark.parametrize(("where", "message"), all_messages())
def test_every_rules_message_has_chinese(where: str, message: str) -> None:
    assert is_known(message), f"{where}: no Chinese for {message!r}"


MARSHMALLOW = [
    ("Missing data for required field.", "必须填写"),
    ("Field may not be null.", "必须填写"),
    ("Not a valid integer.", "请填写整数"),
    ("Not a valid boolean.", "请选择“是”或“否”"),
    ("Not a valid datetime.", "请填写有效的日期和时间"),
    ("Unknown field.", "表单中没有这一项，请刷新页面后重试"),
    ("Longer than maximum length 100.", "最多 100 个字"),
    ("Shorter than minimum length 5.", "至少 5 个字"),
    ("Length must be between 2 and 10.", "应在 2 到 10 个字之间"),
    ("Must be greater than or equal to 1.", "不能小于 1"),
    ("Must be less than or equal to 9.", "不能大于 9"),
    ("Must be greater than or equal to 1 and less than or equal to 9.", "应在 1 到 9 之间"),
    ("must be true or false", "请选择“是”或“否”"),
    ("must not be blank", "不能只填空格"),
]


@pytest.mark.parametrize(("message", "chinese"), MARSHMALLOW)
def test_marshmallows_messages(message: str, chinese: str) -> None:
    assert field_message("x", message) == chinese


def test_fields_and_choices_are_named_by_the_diagrams_labels() -> None:
    labels = {"outcome": "办理结果", "basis": "处置依据"}
    options = {"outcome": {"done": "办结", "return": "退单"}}
    message = field_message("basis", "required when outcome is done", labels, options)
    assert message == "「办理结果」为「办结」时必须填写"
    chosen = field_message("outcome", "Must be one of: done, return.", labels, options)
    assert chosen == "请从以下选项中选择：办结、退单"
    refused = field_message("approved", "required when approved is false", {"approved": "同意"})
    assert refused == "「同意」为「否」时必须填写"


def test_an_unknown_message_falls_back_with_the_original() -> None:
    assert field_message("x", "something new") == f"{FALLBACK}（something new）"
