"""Reading one TOML table of a profile strictly: types, unknown keys, limits, matches, sources."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, NoReturn

from hotline.policy import basics as b

# "<seed file> <article>", e.g. "000_27d936bb79493c2c.txt 第十三条(一)".
SOURCE_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt \S.*$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PROVENANCE_KEYS = ("source", "note", "default_not_from_regulation")
LIMIT_KEYS = (*b.LIMIT_UNITS, *PROVENANCE_KEYS, "soft")
MATCH_KEYS = ("categories", "urgencies", "channels")


class PolicyError(ValueError):
    """A profile that cannot be used; the message names the file, the key and the problem."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        super().__init__(f"{file}: {key}: {problem}")
        self.file, self.key, self.problem = file, key, problem


class _Table:
    """One TOML table being read; remembers which keys were used to refuse the others."""

    def __init__(self, file: str, data: Any, path: str) -> None:
        self.file, self.path = file, path
        if not isinstance(data, dict):
            self.fail("", f"expected a table, got {_kind(data)}")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path and name else (self.path or name)

    def fail(self, name: str, problem: str) -> NoReturn:
        raise PolicyError(self.file, self.key(name) or "(top level)", problem)

    def has(self, name: str) -> bool:
        return name in self.data

    def get(self, name: str, kinds: tuple[type, ...], *, required: bool = False) -> Any:
        self.used.add(name)
        if name not in self.data:
            if required:
                self.fail(name, "missing required key")
            return None
        value = self.data[name]
        # bool is an int in Python: never let true pass for a number, nor 1 for a bool.
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            wanted = " or ".join(_TYPE_NAMES[k] for k in kinds)
            self.fail(name, f"expected {wanted}, got {_kind(value)}")
        return value

    def text(self, name: str, *, required: bool = False) -> str | None:
        value = self.get(name, (str,), required=required)
        if value is not None and not value.strip():
            self.fail(name, "must not be empty")
        return value

    def choice(self, name: str, allowed: Iterable[str], *, required: bool = True) -> str | None:
        value = self.text(name, required=required)
        if value is not None and value not in allowed:
            self.fail(name, f"unknown value {value!r}; expected one of {', '.join(allowed)}")
        return value

    def choices(self, name: str, allowed: tuple[str, ...], what: str) -> frozenset[str] | None:
        values = self.get(name, (list,))
        if values is None:
            return None
        if not values:
            self.fail(name, "must not be an empty list (leave it out to mean any)")
        for value in values:
            if not isinstance(value, str):
                self.fail(name, f"expected a list of text, got an item {_kind(value)}")
            if value not in allowed:
                self.fail(name, f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
        return frozenset(values)

    def table(self, name: str, *, required: bool = True) -> _Table | None:
        value = self.get(name, (dict,), required=required)
        return None if value is None else _Table(self.file, value, self.key(name))

    def tables(self, name: str) -> list[_Table]:
        values = self.get(name, (list,)) or []
        return [_Table(self.file, v, f"{self.key(name)}[{i}]") for i, v in enumerate(values)]

    def done(self) -> None:
        for name in self.data:
            if name not in self.used:
                self.fail(name, "unknown key")


_TYPE_NAMES = {str: "text", int: "an integer", float: "a number", bool: "true/false"}
_TYPE_NAMES.update({list: "a list", dict: "a table"})


def _kind(value: Any) -> str:
    for kind in (bool, str, int, float, list, dict):
        if isinstance(value, kind):
            return _TYPE_NAMES[kind]
    return type(value).__name__


def _provenance(t: _Table) -> b.Provenance:
    source = t.text("source", required=True)
    assert source is not None
    if not SOURCE_RE.match(source):
        t.fail("source", f"{source!r} must read '<seed file> <article>', e.g. '000_….txt 第十三条'")
    note = t.text("note")
    default = bool(t.get("default_not_from_regulation", (bool,)))
    if default and note is None:
        t.fail("note", "default_not_from_regulation = true needs a note saying why")
    return b.Provenance(source, note, default)


def _limit(t: _Table, units: tuple[str, ...], *, positive: bool) -> b.Limit:
    """Read exactly one amount key of `units` plus the provenance keys from `t`."""
    given = [u for u in b.LIMIT_UNITS if t.has(u)]
    if not given:
        t.fail("", f"needs one of {', '.join(units)}")
    if len(given) > 1:
        t.fail("", f"give only one of {', '.join(given)}")
    unit = given[0]
    if unit not in units:
        t.fail(unit, f"not allowed here; use one of {', '.join(units)}")
    if unit == b.IMMEDIATELY:
        if t.get(unit, (bool,), required=True) is not True:
            t.fail(unit, "write immediately = true, or give a length of time instead")
        amount = 0
    else:
        amount = t.get(unit, (int,) if unit == "working_days" else (int, float), required=True)
    if amount < 0:
        t.fail(unit, f"must not be negative, got {amount}")
    if (positive or unit == "working_days") and amount == 0 and unit != b.IMMEDIATELY:
        at_once = units == DISPATCH_UNITS
        t.fail(unit, "must be positive" + ("; for 即时/立即 write immediately = true" * at_once))
    soft = bool(t.get("soft", (bool,)))
    origin = _provenance(t)
    return b.Limit(
        amount, unit, origin.source, origin.note, origin.default_not_from_regulation, soft
    )


def _limit_table(parent: _Table, name: str, units: tuple[str, ...], **kw: Any) -> b.Limit | None:
    t = parent.table(name, required=kw.pop("required", True))
    if t is None:
        return None
    limit = _limit(t, units, **kw)
    t.done()
    return limit


def _match(t: _Table) -> b.Match:
    return b.Match(
        t.choices("categories", b.CATEGORIES, "category"),
        t.choices("urgencies", b.URGENCIES, "urgency"),
        t.choices("channels", b.CHANNELS, "channel"),
    )


ALL_UNITS = ("minutes", "hours", "working_days")
CLOCK_UNITS = ("minutes", "hours")
# Dispatch may be "at once" (guizhou 第九条, guangxi 第二十五条(二), puyang 三(四)).
DISPATCH_UNITS = (*ALL_UNITS, b.IMMEDIATELY)
