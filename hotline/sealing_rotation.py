"""Key rotation: every sealed column re-sealed under the current key, in batches.

`hotline keys rotate` opens each value not sealed under the current key (an older key, or
legacy clear text) and writes it back sealed under the current one, and fills a missing
phone hash. Each batch is its own transaction and the next batch starts after the last row
id, so a rotation stopped half-way (a crash, Ctrl-C) is simply run again: rows already under
the current key are not looked at twice. A row is written back only if it still holds what
was read, so a purge or another writer running meanwhile is never undone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    Text,
    and_,
    case,
    false,
    func,
    not_,
    or_,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from hotline import sealing
from hotline.models import Ticket
from hotline.models.messages import InboundSms, OutboxMessage
from hotline.sealing import PREFIX, Keyring, Sealed, sealed_prefix

Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class HashedPhone:
    """A phone column found by a keyed-hash column; `only`: the rows that carry one."""

    hash_column: str
    phone_column: str
    only: Callable[[Table], ColumnElement[bool]]


def _not_purged(table: Table) -> ColumnElement[bool]:
    """Rows of tickets whose personal data was not purged (hotline.retention drops the hash
    with the phone: the purged marker has none to find it by)."""
    tickets = Ticket.__table__
    purged = select(tickets.c.id).where(tickets.c.purged_at.is_not(None))
    return or_(table.c.ticket_id.is_(None), table.c.ticket_id.not_in(purged))


# Tables with sealed columns, and the phone hash each keeps. An outbox row carries a hash
# only when it texts a requester (hotline.messages.outbox.enqueue); a logged requester
# message holds a masked phone, whose "hash" would find nothing.
HASHES: dict[str, HashedPhone] = {
    "tickets": HashedPhone(
        "requester_phone_hash", "requester_phone", lambda t: t.c.purged_at.is_(None)
    ),
    "outbox_messages": HashedPhone(
        "address_hash",
        "address",
        lambda t: and_(t.c.recipient == "requester", t.c.channel == "sms", _not_purged(t)),
    ),
    "inbound_sms": HashedPhone("phone_hash", "phone", _not_purged),
}
TABLES: tuple[Table, ...] = tuple(
    m.__table__  # type: ignore[misc]
    for m in (Ticket, OutboxMessage, InboundSms)
)


def sealed_columns(table: Table) -> list[str]:
    """The names of `table`'s sealed columns."""
    return [c.name for c in table.columns if isinstance(c.type, Sealed)]


def _raw(table: Table, name: str) -> ColumnElement[Any]:
    """The column as stored, not opened: what rotation compares and counts."""
    return type_coerce(table.c[name], Text())


def _hash_missing(table: Table) -> ColumnElement[bool]:
    spec = HASHES.get(table.name)
    if spec is None:
        return false()
    phone = table.c[spec.phone_column]
    return and_(table.c[spec.hash_column].is_(None), phone.is_not(None), spec.only(table))


def _needs_work(table: Table, current: str) -> ColumnElement[bool]:
    prefix = sealed_prefix(current)
    stale = [
        and_(raw.is_not(None), not_(raw.startswith(prefix, autoescape=True)))
        for raw in (_raw(table, name) for name in sealed_columns(table))
    ]
    return or_(*stale, _hash_missing(table))


def pending(session: Session, keyring: Keyring) -> int:
    """Rows that `rotate` would still touch."""
    return sum(
        session.scalar(select(func.count()).where(_needs_work(t, keyring.current))) or 0
        for t in TABLES
    )


@dataclass
class Rotation:
    """What a rotation did: rows rewritten per table; rows another writer changed meanwhile
    (left alone: a later run takes them if they still need it)."""

    rewritten: dict[str, int] = field(default_factory=dict)
    changed_meanwhile: int = 0


def rotate(
    transaction: Transaction, batch: int, progress: Callable[[int], None] = lambda n: None
) -> Rotation:
    """Re-seal every value not under the current key and fill missing phone hashes, `batch`
    rows per transaction; `progress(n)` hears of each batch. SealingError on a value no key
    of the keyring opens (nothing of that batch is written)."""
    keyring = sealing.installed()
    done = Rotation()
    for table in TABLES:
        done.rewritten[table.name] = 0
        after = 0
        while True:
            with transaction() as session:
                seen, last, written, lost = _batch(session, keyring, table, after, batch)
            if not seen:
                break
            done.rewritten[table.name] += written
            done.changed_meanwhile += lost
            after = last
            progress(seen)
    return done


def _batch(
    session: Session, keyring: Keyring, table: Table, after: int, size: int
) -> tuple[int, int, int, int]:
    """One batch of `table` after row id `after`: rows seen, the last id, rows rewritten,
    rows another writer changed since they were read."""
    names = sealed_columns(table)
    spec = HASHES.get(table.name)
    query = (
        select(
            table.c.id,
            *(_raw(table, n).label(n) for n in names),
            case((_hash_missing(table), True), else_=False).label("hash_missing"),
        )
        .where(table.c.id > after, _needs_work(table, keyring.current))
        .order_by(table.c.id)
        .limit(size)
    )
    rows = session.execute(query).all()
    written = lost = 0
    for row in rows:
        values: dict[str, Any] = {}
        opened: dict[str, str | None] = {}
        for name in names:
            stored = getattr(row, name)
            opened[name] = None if stored is None else keyring.open(stored, _label(table, name))
            if stored is not None and sealing.key_id_of(stored) != keyring.current:
                values[name] = opened[name]  # sealed under the current key by the column type
        if spec is not None and row.hash_missing:
            hashed = keyring.phone_hash(opened[spec.phone_column])
            if hashed is not None:  # a phone without digits has no hash to find it by
                values[spec.hash_column] = hashed
        if not values:
            continue
        unchanged = [_same(table, n, getattr(row, n)) for n in names]
        result = session.execute(
            update(table).where(table.c.id == row.id, *unchanged).values(values)
        )
        if result.rowcount:  # type: ignore[attr-defined]
            written += 1
        else:
            lost += 1
    return len(rows), (rows[-1].id if rows else after), written, lost


def _same(table: Table, name: str, stored: str | None) -> ColumnElement[bool]:
    """The column still holds what was read."""
    raw = _raw(table, name)
    return raw.is_(None) if stored is None else raw == stored


def _label(table: Table, name: str) -> str:
    column_type = table.c[name].type
    assert isinstance(column_type, Sealed)
    return column_type.label


@dataclass(frozen=True)
class ColumnCount:
    """How one sealed column's values are stored: per key id, in clear, under unknown ids."""

    column: str
    by_key: dict[str, int]
    clear: int
    unknown: int
    missing_hashes: int | None  # rows lacking their phone hash; None: the column has none


def status(session: Session, keyring: Keyring) -> list[ColumnCount]:
    """Counts per sealed column: one query per table, no value opened."""
    out: list[ColumnCount] = []
    for table in TABLES:
        for name in sealed_columns(table):
            raw = _raw(table, name)
            known = [
                func.count(case((raw.startswith(sealed_prefix(k), autoescape=True), 1)))
                for k in keyring.key_ids
            ]
            counts = session.execute(
                select(
                    func.count(raw),
                    func.count(case((not_(raw.startswith(PREFIX, autoescape=True)), 1))),
                    *known,
                )
            ).one()
            total, clear, *per_key = counts
            spec = HASHES.get(table.name)
            missing = None
            if spec is not None and spec.phone_column == name:
                missing = session.scalar(select(func.count()).where(_hash_missing(table))) or 0
            out.append(
                ColumnCount(
                    column=f"{table.name}.{name}",
                    by_key=dict(zip(keyring.key_ids, per_key, strict=True)),
                    clear=clear,
                    unknown=total - clear - sum(per_key),
                    missing_hashes=missing,
                )
            )
    return out


def check_keys(session: Session, keyring: Keyring) -> None:
    """Open one value per key id and sealed column: SealingError when a key given under an
    id is not the key the values were sealed with."""
    for table, name in _each_column():
        raw = _raw(table, name)
        for kid in keyring.key_ids:
            query = select(raw).where(raw.startswith(sealed_prefix(kid), autoescape=True))
            sample = session.scalars(query.limit(1)).first()
            if sample is not None:
                keyring.open(sample, _label(table, name))


def unknown_key_ids(session: Session, keyring: Keyring, limit: int = 10) -> list[str]:
    """Key ids found in sealed columns that the keyring does not hold (a few, for the error)."""
    found: set[str] = set()
    for table, name in _each_column():
        raw = _raw(table, name)
        ours = [raw.startswith(sealed_prefix(k), autoescape=True) for k in keyring.key_ids]
        query = (
            select(func.substr(raw, 1, len(PREFIX) + 40))
            .where(raw.startswith(PREFIX, autoescape=True), not_(or_(*ours)))
            .limit(limit)
        )
        for head in session.scalars(query):
            kid = sealing.key_id_of(head)
            if kid:
                found.add(kid)
    return sorted(found)


def _each_column() -> Iterator[tuple[Table, str]]:
    for table in TABLES:
        for name in sealed_columns(table):
            yield table, name
