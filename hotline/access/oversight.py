"""Processes, contacts, retention and oversight: statistics, scores, appeals, warnings."""

from __future__ import annotations

from sqlalchemy import (
    ColumnElement,
    exists,
    true,
)

from hotline.access.roles import ADMIN_ROLES, PROCESS_READERS, is_unit_user
from hotline.actors import Actor
from hotline.errors import Forbidden
from hotline.models.appeals import Appeal
from hotline.models.hotspots import HotspotWarning, HotspotWarningUnit
from hotline.statuses import ROLES as ROLES  # re-exported: every role, for callers of access
from hotline.statuses import Role

# -- processes and administration ------------------------------------------------------------


def may_read_processes(actor: Actor) -> bool:
    """Whether the actor sees deployed processes and their versions: admin and center."""
    return actor.role in PROCESS_READERS


def may_deploy(actor: Actor) -> bool:
    """Whether the actor deploys BPMN diagrams: admins only."""
    return actor.role in ADMIN_ROLES


def may_migrate(actor: Actor) -> bool:
    """Whether the actor migrates running instances between versions: admins only."""
    return actor.role in ADMIN_ROLES


def may_set_clock(actor: Actor) -> bool:
    """Whether the actor moves the manual clock: admins only."""
    return actor.role in ADMIN_ROLES


# -- contacts: who messages go to ------------------------------------------------------------

# Who manages every unit's and office's contacts; a unit user manages its own unit's only.
CONTACT_MANAGERS = (Role.CENTER, Role.ADMIN)
# Who reads every contact and the list of units messages cannot reach.
CONTACT_READERS = (Role.CENTER, Role.SUPERVISOR, Role.ADMIN)


def may_manage_contacts(actor: Actor, unit_code: str | None) -> bool:
    """Whether the actor adds, changes or deactivates a contact of `unit_code` (None: an
    office's, i.e. a local government or the duty office): the center and admins any, a
    unit user its own unit's."""
    if actor.role in CONTACT_MANAGERS:
        return True
    return is_unit_user(actor) and unit_code is not None and unit_code == actor.unit_code


def may_read_contacts(actor: Actor, unit_code: str | None) -> bool:
    """Whether the actor reads the contacts of `unit_code` (None: every unit's and the
    offices'): contact readers all, a unit user its own unit's."""
    if actor.role in CONTACT_READERS:
        return True
    return is_unit_user(actor) and unit_code is not None and unit_code == actor.unit_code


def reads_contact_problems(actor: Actor) -> bool:
    """Whether the actor reads which units messages cannot reach (the center's list)."""
    return actor.role in CONTACT_READERS


# -- retention: archive and legal holds (15-E fills this section) -----------------------------

# Who places and releases legal holds: the center answers for the records, admins run them.
HOLD_KEEPERS = (Role.CENTER, Role.ADMIN)
# Who reads a ticket's archive record (JSON and PDF, with the requester while it is kept):
# the records' keepers. Units, oversight roles and the auditor (who reads who accessed
# tickets, not the tickets) do not; every read is an export in the access audit.
ARCHIVE_READERS = (Role.CENTER, Role.ADMIN)


def may_hold(actor: Actor) -> bool:
    """Whether the actor places, releases and lists legal holds: the center and admins."""
    return actor.role in HOLD_KEEPERS


def may_read_archive(actor: Actor) -> bool:
    """Whether the actor reads and downloads archive records: the center and admins."""
    return actor.role in ARCHIVE_READERS


# -- oversight: statistics, assessment, appeals, bulletins, hot-spot warnings ----------------

# Who reads every unit's figures, scores and warnings; unit users read their own unit's only.
OVERSIGHT_READERS = (Role.CENTER, Role.SUPERVISOR, Role.LEADER, Role.ADMIN)
# Who records what scoring needs (call tests, callback findings, duty) and decides appeals.
ASSESSORS = (Role.CENTER, Role.ADMIN)


def sees_every_unit_figure(actor: Actor) -> bool:
    """Whether the actor reads the figures, scores and warnings of every unit."""
    return actor.role in OVERSIGHT_READERS


def figures_unit(actor: Actor, unit: str | None) -> str | None:
    """The unit whose figures the actor may ask for: any (None = all) for oversight readers,
    the own unit for unit users; anyone else, or a unit user asking for another unit, is
    refused (Forbidden)."""
    if sees_every_unit_figure(actor):
        return unit
    if is_unit_user(actor) and unit in (None, actor.unit_code):
        return actor.unit_code
    raise Forbidden("you may read only your own unit's figures")


def may_assess(actor: Actor) -> bool:
    """Whether the actor records assessment facts, excludes tickets and decides appeals."""
    return actor.role in ASSESSORS


def may_appeal(actor: Actor, unit: str) -> bool:
    """Whether the actor may appeal a deduction of (or ask an exemption for) `unit`."""
    return (is_unit_user(actor) and actor.unit_code == unit) or actor.role in ASSESSORS


def may_publish_bulletin(actor: Actor) -> bool:
    """Whether the actor may generate or regenerate a bulletin."""
    return actor.role in ASSESSORS


def may_read_bulletin(actor: Actor) -> bool:
    """Bulletins (通报) are published to every unit: every signed-in role reads them."""
    return actor.role in ROLES


def appeal_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `assessment_appeals` the actor may read; Forbidden for other roles.

    A unit reads its own appeals; those who read every unit's figures read all.
    """
    if sees_every_unit_figure(actor):
        return true()
    if is_unit_user(actor):
        return Appeal.unit_code == actor.unit_code
    raise Forbidden("only the center, oversight readers and the unit itself read appeals")


def warning_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on `hotspot_warnings` the actor may read; Forbidden for others.

    Oversight readers read every warning; a unit user those that concern its unit.
    """
    if sees_every_unit_figure(actor):
        return true()
    if is_unit_user(actor):
        return exists().where(
            HotspotWarningUnit.warning_id == HotspotWarning.id,
            HotspotWarningUnit.unit_code == actor.unit_code,
        )
    raise Forbidden("only oversight roles and the units concerned read hot-spot warnings")
