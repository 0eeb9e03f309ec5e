"""Diagram expressions: Camunda JUEL or Python, checked against a whitelist before use.

SpiffWorkflow evaluates with plain eval/exec, which is not a sandbox; every expression
and script is therefore parsed and refused if it reaches names or attributes outside
the whitelist (no dunders, no imports, no open).
"""

from __future__ import annotations

import ast
import datetime as _dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

ISO_DURATION = re.compile(
    r"^R?\d*/?P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$"
)
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$")
JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)
STRING = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
JUEL_WORDS = {
    "&&": " and ",
    "||": " or ",
    "eq": "==",
    "ne": "!=",
    "lt": "<",
    "gt": ">",
    "le": "<=",
    "ge": ">=",
    "null": "None",
    "true": "True",
    "false": "False",
}
# JUEL `empty x` (x a name, a dotted path or an indexed name) → is_empty(x)
JUEL_EMPTY = re.compile(r"\bempty\s+([A-Za-z_][\w.]*(?:\[[^\]]*\])?)")
JUEL_TOKEN = re.compile(r"&&|\|\||!(?!=)|\b(?:eq|ne|lt|gt|le|ge|null|true|false|and|or|not)\b")

SAFE_FUNCTIONS: dict[str, Any] = {
    "len": len,
    "str": str,
    "int": int,
    "float": float,
    "bool": bool,
    "min": min,
    "max": max,
    "abs": abs,
    "round": round,
    "sum": sum,
    "any": any,
    "all": all,
    "sorted": sorted,
    "list": list,
    "dict": dict,
    "set": set,
    "tuple": tuple,
    "range": range,
    "isinstance": isinstance,
    "timedelta": _dt.timedelta,
    "datetime": _dt.datetime,
}
# Never reachable, called or not: format strings walk attributes (`'{0.__class__}'.format`
# passed as a sort key runs without a call in the diagram), frames reach globals.
DENIED_ATTRIBUTES = frozenset(
    {
        "format", "format_map", "mro", "gi_frame", "gi_code", "cr_frame", "ag_frame",
        "f_globals", "f_locals", "f_builtins", "f_back", "tb_frame", "tb_next",
    }
)  # fmt: skip
SAFE_METHODS = {
    "get", "keys", "values", "items", "lower", "upper", "strip", "startswith", "endswith",
    "split", "join", "replace", "isoformat", "count", "index", "append", "copy",
}  # fmt: skip
EXPRESSION_NODES = (
    ast.Expression, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Name,
    ast.Constant, ast.List, ast.Tuple, ast.Dict, ast.Set, ast.Subscript, ast.Slice,
    ast.Attribute, ast.Call, ast.keyword, ast.Load, ast.And, ast.Or, ast.Not, ast.USub,
    ast.UAdd, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Eq,
    ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.In, ast.NotIn, ast.Is, ast.IsNot,
    ast.JoinedStr, ast.FormattedValue,
)  # fmt: skip
SCRIPT_NODES = (
    *EXPRESSION_NODES, ast.Module, ast.Assign, ast.AugAssign, ast.Expr, ast.If, ast.For,
    ast.Pass, ast.Store, ast.Del, ast.Delete, ast.Break, ast.Continue,
)  # fmt: skip
SAFE_BUILTINS: dict[str, Any] = {"__builtins__": {}}


class UnsafeExpression(ValueError):
    """An expression or script uses something outside the whitelist."""


def is_iso_literal(text: str) -> bool:
    """Whether `text` is written as a bare ISO 8601 duration, cycle or date (PT2H, R3/PT1H,
    2026-12-01): such values are taken literally, never evaluated."""
    stripped = text.strip()
    return bool(ISO_DURATION.match(stripped) or ISO_DATETIME.match(stripped))


def translate(text: str) -> str:
    """Turn a Camunda JUEL `${...}` expression into Python; leave Python alone.

    A bare ISO 8601 duration or date (Camunda timers, e.g. PT72H) becomes a string literal.
    """
    stripped = text.strip()
    if is_iso_literal(stripped):
        return repr(stripped)
    match = JUEL.match(text)
    if not match:
        return stripped
    body = match.group(1)
    out, last = [], 0
    for literal in STRING.finditer(body):
        out.append(_translate_code(body[last : literal.start()]))
        out.append(literal.group(0))
        last = literal.end()
    out.append(_translate_code(body[last:]))
    return "".join(out).strip()


def _translate_code(code: str) -> str:
    def repl(m: re.Match[str]) -> str:
        token = m.group(0)
        if token == "!":
            return " not "
        return JUEL_WORDS.get(token, token)

    code = JUEL_EMPTY.sub(r"is_empty(\1)", code)
    return JUEL_TOKEN.sub(repl, code)


def _is_empty(value: Any) -> bool:
    """JUEL `empty`: null, an empty string or an empty collection (0 and false are not)."""
    return value is None or (isinstance(value, str | list | tuple | dict | set) and not value)


def _check(tree: ast.AST, allowed: tuple[type, ...], source: str) -> None:
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise UnsafeExpression(f"{type(node).__name__} is not allowed in {source!r}")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise UnsafeExpression(f"name {node.id!r} is not allowed in {source!r}")
        if isinstance(node, ast.Attribute) and (
            node.attr.startswith("_") or node.attr in DENIED_ATTRIBUTES
        ):
            raise UnsafeExpression(f"attribute {node.attr!r} is not allowed in {source!r}")
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id not in SAFE_FUNCTIONS:
                raise UnsafeExpression(f"call to {func.id!r} is not allowed in {source!r}")
            if isinstance(func, ast.Attribute) and func.attr not in SAFE_METHODS:
                raise UnsafeExpression(f"method {func.attr!r} is not allowed in {source!r}")
            if not isinstance(func, ast.Name | ast.Attribute):
                raise UnsafeExpression(f"only plain calls are allowed in {source!r}")


MAX_EXPRESSION = 4_000
MAX_SCRIPT = 50_000


@lru_cache(maxsize=4096)
def compile_expression(text: str) -> Any:
    """Translate, check and compile an expression once; raise UnsafeExpression or SyntaxError."""
    if len(text) > MAX_EXPRESSION:
        raise UnsafeExpression(f"an expression may be at most {MAX_EXPRESSION} characters long")
    source = translate(text)
    try:
        tree = ast.parse(source, mode="eval")
        _check(tree, EXPRESSION_NODES, text)
        return compile(tree, "<expression>", "eval")
    except (RecursionError, MemoryError):  # Python's parser gives up on deep nesting
        raise UnsafeExpression("the expression is nested too deeply") from None


@lru_cache(maxsize=1024)
def compile_script(text: str) -> Any:
    """Check and compile a script task's Python once; raise UnsafeExpression or SyntaxError."""
    if len(text) > MAX_SCRIPT:
        raise UnsafeExpression(f"a script may be at most {MAX_SCRIPT} characters long")
    try:
        tree = ast.parse(text, mode="exec")
        _check(tree, SCRIPT_NODES, text)
        return compile(tree, "<script>", "exec")
    except (RecursionError, MemoryError):
        raise UnsafeExpression("the script is nested too deeply") from None


def evaluate(text: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate a checked expression against workflow variables."""
    scope = dict(SAFE_BUILTINS)
    scope.update(SAFE_FUNCTIONS)
    scope.update(variables)
    return eval(compile_expression(text), scope)


def execute(text: str, variables: dict[str, Any]) -> None:
    """Run a checked script; assignments land in `variables`."""
    scope: dict[str, Any] = dict(SAFE_BUILTINS)
    scope.update(SAFE_FUNCTIONS)
    scope.update(variables)
    exec(compile_script(text), scope)
    for key, value in scope.items():
        if key == "__builtins__" or (key in SAFE_FUNCTIONS and value is SAFE_FUNCTIONS[key]):
            continue
        variables[key] = value


PLACEHOLDER = re.compile(r"[$#]\{([^{}]*)\}")


def substitute(template: str, variables: Mapping[str, Any]) -> str:
    """Resolve `${...}` (or `#{...}`) inside a string, e.g. candidateGroups `unit:${unit}`."""

    def repl(m: re.Match[str]) -> str:
        return str(evaluate("${" + m.group(1) + "}", variables))

    return PLACEHOLDER.sub(repl, template)


def placeholders(template: str) -> list[str]:
    """The `${...}` and `#{...}` expressions inside a string template, as `${...}`."""
    return ["${" + m + "}" for m in PLACEHOLDER.findall(template)]


SAFE_FUNCTIONS["is_empty"] = _is_empty
