"""The web workplace's pages: which of them each role opens (its menu and its page checks).

Pages show what the API would answer the same user; these decide only whether a page is
offered at all. What a page then lists is decided by the same scopes as the API's.
"""

from __future__ import annotations

from hotline.access.knowledge import check_knowledge_reader
from hotline.access.oversight import OVERSIGHT_READERS, may_read_processes
from hotline.access.roles import AUDIT_READERS, CENTER_DESK_ROLES, INTAKE_ROLES
from hotline.actors import Actor
from hotline.errors import Forbidden

# Workplace pages by key, in menu order, with their Chinese menu labels.
PAGES = (
    ("inbox", "待办"),
    ("new_ticket", "登记工单"),
    ("tickets", "工单"),
    ("extensions", "延期审批"),
    ("dashboard", "督办看板"),
    ("processes", "流程管理"),
    ("knowledge", "知识库"),
)


def opens_page(actor: Actor, page: str) -> bool:
    """Whether `actor` is offered the workplace page `page` (a key of PAGES)."""
    if actor.role in AUDIT_READERS:
        return False  # the auditor reads the access audit (API), nothing of the cases
    if page in ("inbox", "tickets"):
        return True
    if page == "new_ticket":
        return actor.role in INTAKE_ROLES
    if page == "extensions":
        return actor.role in CENTER_DESK_ROLES
    if page == "dashboard":
        return actor.role in OVERSIGHT_READERS
    if page == "processes":
        return may_read_processes(actor)
    if page == "knowledge":
        try:
            check_knowledge_reader(actor)
        except Forbidden:
            return False
        return True
    return False


def menu(actor: Actor) -> list[tuple[str, str]]:
    """The pages `actor` is offered, as (key, label), in menu order."""
    return [(key, label) for key, label in PAGES if opens_page(actor, key)]
