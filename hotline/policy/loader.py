"""Read a profile TOML file strictly: any unknown key, wrong type or missing source is fatal."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from hotline.policy import (
    appeals,
    assessment,
    bulletins,
    escalation,
    hotspots,
    joint,
    knowledge,
    messages,
    repeats,
    retention,
    termination,
)
from hotline.policy import model as m
from hotline.policy.tables import (
    ALL_UNITS,
    CLOCK_UNITS,
    DISPATCH_UNITS,
    NAME_RE,
    PolicyError,
    _limit,
    _limit_table,
    _match,
    _provenance,
    _Table,
)

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"


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
    upper_lead = _limit_table(u, "lead", CLOCK_UNITS, positive=False)
    assert upper_lead is not None  # a required table: its absence failed above
    upper = m.UpperPlatform(upper_lead, _provenance(u))
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

    published = bulletins.read_bulletins(top, _provenance)
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
        joint=joint.read_joint(top, _limit_table, _provenance),
        repeats=repeats.read_repeats(top, _provenance),
        escalation=escalation.read_escalation(top, _limit, _provenance),
        knowledge=knowledge.read_knowledge(top, _limit_table, _provenance),
        termination=termination.read_termination(top, _provenance),
        bulletins=published,
        # Scores are published with the bulletin: its period is the scoring period.
        assessment=assessment.read_assessment(top, _provenance, published.period),
        appeals=appeals.read_appeals(top, _limit_table, _provenance),
        hotspots=hotspots.read_hotspots(top, _provenance),
        messages=messages.read_messages(top, _limit_table, _match, _provenance),
        retention=retention.read_retention(top, _provenance),
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
