"""Read a profile TOML file strictly: any unknown key, wrong type or missing source is fatal."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from hotline.policy import model as m
from hotline.policy import oversight, termination

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
# "<seed file> <article>", e.g. "000_27d936bb79493c2c.txt 第十三条(一)".
SOURCE_RE = re.compile(r"^\d{3}_[0-9a-f]{16}\.txt \S.*$")
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
PROVENANCE_KEYS = ("source", "note", "default_not_from_regulation")
LIMIT_KEYS = (*m.LIMIT_UNITS, *PROVENANCE_KEYS, "soft")
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


def _provenance(t: _Table) -> m.Provenance:
    source = t.text("source", required=True)
    assert source is not None
    if not SOURCE_RE.match(source):
        t.fail("source", f"{source!r} must read '<seed file> <article>', e.g. '000_….txt 第十三条'")
    note = t.text("note")
    default = bool(t.get("default_not_from_regulation", (bool,)))
    if default and note is None:
        t.fail("note", "default_not_from_regulation = true needs a note saying why")
    return m.Provenance(source, note, default)


def _limit(t: _Table, units: tuple[str, ...], *, positive: bool) -> m.Limit:
    """Read exactly one amount key of `units` plus the provenance keys from `t`."""
    given = [u for u in m.LIMIT_UNITS if t.has(u)]
    if not given:
        t.fail("", f"needs one of {', '.join(units)}")
    if len(given) > 1:
        t.fail("", f"give only one of {', '.join(given)}")
    unit = given[0]
    if unit not in units:
        t.fail(unit, f"not allowed here; use one of {', '.join(units)}")
    if unit == m.IMMEDIATELY:
        if t.get(unit, (bool,), required=True) is not True:
            t.fail(unit, "write immediately = true, or give a length of time instead")
        amount = 0
    else:
        amount = t.get(unit, (int,) if unit == "working_days" else (int, float), required=True)
    if amount < 0:
        t.fail(unit, f"must not be negative, got {amount}")
    if (positive or unit == "working_days") and amount == 0 and unit != m.IMMEDIATELY:
        at_once = units == DISPATCH_UNITS
        t.fail(unit, "must be positive" + ("; for 即时/立即 write immediately = true" * at_once))
    soft = bool(t.get("soft", (bool,)))
    origin = _provenance(t)
    return m.Limit(
        amount, unit, origin.source, origin.note, origin.default_not_from_regulation, soft
    )


def _limit_table(parent: _Table, name: str, units: tuple[str, ...], **kw: Any) -> m.Limit | None:
    t = parent.table(name, required=kw.pop("required", True))
    if t is None:
        return None
    limit = _limit(t, units, **kw)
    t.done()
    return limit


def _match(t: _Table) -> m.Match:
    return m.Match(
        t.choices("categories", m.CATEGORIES, "category"),
        t.choices("urgencies", m.URGENCIES, "urgency"),
        t.choices("channels", m.CHANNELS, "channel"),
    )


ALL_UNITS = ("minutes", "hours", "working_days")
CLOCK_UNITS = ("minutes", "hours")
# Dispatch may be "at once" (guizhou 第九条, guangxi 第二十五条(二), puyang 三(四)).
DISPATCH_UNITS = (*ALL_UNITS, m.IMMEDIATELY)


def _timed(parent: _Table, name: str) -> tuple[m.TimedRule, ...]:
    rules = []
    for t in parent.tables(name):
        match = _match(t)
        clock_start = t.choice("clock_start", m.CLOCK_STARTS, required=False)
        if clock_start is not None and name != "handling":
            t.fail("clock_start", "only handling rules have their own clock start")
        label = t.text("name", required=name == "milestone")
        if label is not None and name != "milestone":
            t.fail("name", "only milestones have a name")
        meaning = t.text("meaning")
        limit = _limit(t, DISPATCH_UNITS if name == "dispatch" else ALL_UNITS, positive=True)
        if clock_start == "next_working_day" and limit.unit != "working_days":
            t.fail("clock_start", "next_working_day applies to working-day limits only")
        t.done()
        rules.append(m.TimedRule(match, limit, clock_start, label, meaning))
    return tuple(rules)


def _check_coverage(top: _Table, handling: tuple[m.TimedRule, ...]) -> None:
    """Every category needs a plain handling limit, so every ticket gets a due time."""
    for category in m.CATEGORIES:
        if not any(
            r.match.urgencies is None
            and r.match.channels is None
            and (r.match.categories is None or category in r.match.categories)
            for r in handling
        ):
            top.fail(
                "handling",
                f"no limit for category {category!r}; every category needs one "
                "(ship a default marked default_not_from_regulation = true)",
            )


def _several(top: _Table) -> m.SeveralLimits:
    t = top.table("several_limits")
    assert t is not None
    combine = t.choice("combine", m.COMBINE)
    statutory = t.choice("statutory", m.STATUTORY)
    result = m.SeveralLimits(str(combine), str(statutory), _provenance(t))
    t.done()
    return result


def _returns(top: _Table) -> m.Returns:
    t = top.table("returns")
    assert t is not None
    windows = []
    for w in t.tables("window"):
        match = _match(w)
        after = w.choice("after", m.RETURN_AFTER)
        late = w.choice("late_counts_as", m.LATE_RETURN)
        # What a late return counts as, when the article does not say (guangxi, meizhou).
        late_default = bool(w.get("late_counts_as_default", (bool,)))
        requires = w.choices("requires", m.RETURN_FIELDS, "return field") or frozenset()
        limit = _limit(w, ALL_UNITS, positive=True)
        w.done()
        ordered = tuple(f for f in m.RETURN_FIELDS if f in requires)
        if late_default and limit.note is None:
            w.fail("note", "late_counts_as_default = true needs a note saying why")
        windows.append(m.ReturnWindow(match, str(after), limit, str(late), ordered, late_default))
    refused: dict[str, m.ReturnRefusal] = {}
    for r in t.tables("refused"):
        assignment = str(r.choice("assignment", m.ASSIGNMENTS))
        if assignment in refused:
            r.fail("assignment", f"{assignment!r} is refused twice")
        refused[assignment] = m.ReturnRefusal(assignment, _provenance(r))
        r.done()
    without = t.table("without_window", required=False)
    fields = None
    if without is not None:
        requires = without.choices("requires", m.RETURN_FIELDS, "return field") or frozenset()
        ordered = tuple(f for f in m.RETURN_FIELDS if f in requires)
        fields = m.ReturnFields(ordered, _provenance(without))
        without.done()
    result = m.Returns(
        tuple(windows),
        _provenance(t),
        tuple(refused[a] for a in m.ASSIGNMENTS if a in refused),
        fields,
    )
    t.done()
    return result


def _extension(k: _Table) -> m.ExtensionKind:
    kind = k.text("kind", required=True)
    categories = k.choices("categories", m.CATEGORIES, "category")
    ask_before = _limit_table(k, "ask_before", CLOCK_UNITS, positive=False)
    max_count = k.get("max_count", (int,))
    if max_count is not None and max_count < 1:
        k.fail("max_count", f"must be at least 1 (leave it out for no cap), got {max_count}")
    max_soft = bool(k.get("max_count_soft", (bool,)))
    length = _limit_table(k, "length", ALL_UNITS, positive=True, required=False)
    factor = _limit_table(k, "length_factor", ("factor",), positive=True, required=False)
    new_limit = _limit_table(k, "new_limit", ALL_UNITS, positive=True, required=False)
    from_law = bool(k.get("length_from_law", (bool,)))
    if sum(x is not None for x in (length, factor, new_limit)) + from_law != 1:
        k.fail("", "give exactly one of length, length_factor, new_limit, length_from_law = true")
    approver = k.choice("approver", m.APPROVERS)
    tell = bool(k.get("tell_requester", (bool,)))
    writing = bool(k.get("in_writing", (bool,)))
    total = bool(k.get("length_is_total", (bool,)))
    if total and length is None and factor is None:
        k.fail("length_is_total", "only a length or length_factor can cap the total")
    origin = _provenance(k)
    k.done()
    assert kind is not None and ask_before is not None
    return m.ExtensionKind(
        kind, categories, ask_before, max_count, max_soft, length, factor, new_limit,
        from_law, str(approver), tell, writing, origin, total,
    )  # fmt: skip


def _extensions(top: _Table) -> m.Extensions:
    t = top.table("extensions")
    assert t is not None
    kinds = tuple(_extension(k) for k in t.tables("kind"))
    names = [k.kind for k in kinds]
    for i, name in enumerate(names):
        if name in names[:i]:
            t.fail(f"kind[{i}].kind", f"duplicate extension kind {name!r}")
    result = m.Extensions(kinds, _provenance(t))
    t.done()
    return result


def _simple(top: _Table, name: str) -> _Table:
    t = top.table(name)
    assert t is not None
    return t


def _profile(file: str, data: dict[str, Any], expected_name: str) -> m.Profile:
    top = _Table(file, data, "")
    name = top.text("profile", required=True)
    if name != expected_name:
        top.fail("profile", f"{name!r} does not match the file name {expected_name!r}")
    title = top.text("title", required=True)
    regulation_file = top.text("regulation_file", required=True)
    notes = top.get("notes", (list,)) or []
    if not all(isinstance(n, str) for n in notes):
        top.fail("notes", "expected a list of text")

    c = _simple(top, "clock")
    clock = m.ClockRule(str(c.choice("start", m.CLOCK_STARTS)), _provenance(c))
    c.done()
    if clock.start == "acceptance":
        c.fail("start", "acceptance may start single handling rules, not the whole profile")

    handling = _timed(top, "handling")
    _check_coverage(top, handling)

    u = _simple(top, "upper_platform")
    upper = m.UpperPlatform(_limit_table(u, "lead", CLOCK_UNITS, positive=False), _provenance(u))
    u.done()

    r = _simple(top, "reminder")
    lead = _limit_table(r, "lead", CLOCK_UNITS, positive=True)
    fraction = r.get("at_most_fraction", (int, float), required=True)
    if not 0 < fraction <= 1:
        r.fail("at_most_fraction", f"must be above 0 and at most 1, got {fraction}")
    r.done()

    cb = _simple(top, "callback")
    counts_as = cb.choice("no_answer_counts_as", m.SATISFACTION, required=False)
    window = _limit_table(cb, "no_answer_window", CLOCK_UNITS, positive=True, required=False)
    if (counts_as is None) != (window is None):
        cb.fail("no_answer_window", "give no_answer_counts_as and no_answer_window together")
    callback = m.Callback(counts_as, window, _provenance(cb))
    cb.done()

    rh = _simple(top, "rehandle")
    rehandle = m.Rehandle(
        _limit_table(rh, "limit", ALL_UNITS, positive=True, required=False), _provenance(rh)
    )
    rh.done()

    rd = _simple(top, "redispatch")
    restarts = rd.get("restarts_clock", (bool,), required=True)
    redispatch = m.Redispatch(restarts, _provenance(rd))
    rd.done()

    profile = m.Profile(
        name=expected_name,
        title=str(title),
        regulation_file=str(regulation_file),
        file=file,
        notes=tuple(notes),
        clock=clock,
        several_limits=_several(top),
        dispatch=_timed(top, "dispatch"),
        acknowledge=_timed(top, "acknowledge"),
        handling=handling,
        milestones=_timed(top, "milestone"),
        upper_platform=upper,
        returns=_returns(top),
        extensions=_extensions(top),
        reminder=m.Reminder(lead, float(fraction)),  # type: ignore[arg-type]
        callback=callback,
        rehandle=rehandle,
        redispatch=redispatch,
        joint=oversight.read_joint(top, _limit_table, _provenance),
        repeats=oversight.read_repeats(top, _provenance),
        supervision=oversight.read_supervision(top, _limit, _provenance),
        knowledge=oversight.read_knowledge(top, _limit_table, _provenance),
        termination=termination.read_termination(top, _provenance),
    )
    top.done()
    return profile


def load_profile(name: str, directory: Path | None = None) -> m.Profile:
    """Load and validate `<directory>/<name>.toml`; raise PolicyError naming file, key, problem."""
    directory = Path(directory) if directory is not None else PROFILES_DIR
    path = directory / f"{name}.toml"
    if not NAME_RE.match(name):
        raise PolicyError(str(path), "(file)", f"{name!r} is not a profile name")
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in directory.glob("*.toml"))) or "none"
        raise PolicyError(str(path), "(file)", f"no such profile; available: {known}")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), "(syntax)", str(exc)) from None
    return _profile(str(path), data, name)
