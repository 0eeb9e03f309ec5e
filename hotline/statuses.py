"""Statuses, states, kinds and roles: one enum per concept, stored as their plain string values.

Members are `StrEnum`s, so they equal, store and serialise as the strings the database and
the API have always held; the derived tuples name the groups the rules ask about.
"""

from __future__ import annotations

from enum import StrEnum


def values(kind: type[StrEnum]) -> tuple[str, ...]:
    """The plain string values of an enum, in order: for choices, validators and API docs."""
    return tuple(member.value for member in kind)


class TicketStatus(StrEnum):
    """Where a ticket stands (`tickets.status`)."""

    NEW = "new"
    DISPATCHED = "dispatched"
    HANDLING = "handling"
    RETURNED = "returned"
    EXTENSION_REQUESTED = "extension_requested"
    IN_REVIEW = "in_review"
    CALLBACK = "callback"
    CLOSED = "closed"
    CLOSED_WITH_NOTE = "closed_with_note"
    DECLINED = "declined"
    MERGED = "merged"
    TERMINATED = "terminated"
    OBJECTION_RAISED = "objection_raised"


S = TicketStatus
CLOSED_STATUSES = (S.CLOSED, S.CLOSED_WITH_NOTE, S.DECLINED, S.MERGED, S.TERMINATED)
OPEN_STATUSES = tuple(s for s in TicketStatus if s not in CLOSED_STATUSES)
# Not yet handled: the handling deadline still runs whatever step the ticket is at (a unit
# acknowledging, handling, awaiting an extension or an objection). in_review and callback
# are delivered: the unit handled it. A returned ticket left its unit: that deadline ended
# with the return (a late return is flagged by its own rule), the center's dispatch limit
# runs now, and re-dispatch sets the next unit's deadline ([redispatch] of the profile).
UNHANDLED_STATUSES = (S.DISPATCHED, S.HANDLING, S.EXTENSION_REQUESTED, S.OBJECTION_RAISED)
HANDLED_STATUSES = (S.CLOSED, S.CLOSED_WITH_NOTE)  # handled lawfully: closed with a result
DELIVERED_STATUSES = (S.IN_REVIEW, S.CALLBACK)  # the unit handled it; the center reviews


class PartRole(StrEnum):
    """A unit's role in a joint ticket (会签): lead (主办) or assisting (协办)."""

    LEAD = "lead"
    ASSISTING = "assisting"


class PartStatus(StrEnum):
    """A joint part: dispatched → handling → done; handling → returned → reassigned | dropped."""

    DISPATCHED = "dispatched"
    HANDLING = "handling"
    DONE = "done"
    RETURNED = "returned"
    REASSIGNED = "reassigned"
    DROPPED = "dropped"
    CANCELLED = "cancelled"


P = PartStatus
LIVE_PART_STATUSES = (P.DISPATCHED, P.HANDLING, P.RETURNED)
ENDED_PART_STATUSES = (P.DONE, P.REASSIGNED, P.DROPPED, P.CANCELLED)


class ArticleStatus(StrEnum):
    """A knowledge article as a whole (`articles.status`)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    RETIRED = "retired"


class VersionStatus(StrEnum):
    """One version of a knowledge article (`article_versions.status`)."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"
    REJECTED = "rejected"
    RETIRED = "retired"


V = VersionStatus
UNPUBLISHED_VERSION_STATUSES = (V.DRAFT, V.IN_REVIEW, V.REJECTED)
ANSWERING_VERSION_STATUSES = (V.IN_REVIEW, V.PUBLISHED)  # a question may wait for these


class QuestionStatus(StrEnum):
    """A knowledge question a unit is asked (`knowledge_questions.status`)."""

    OPEN = "open"
    ANSWERED = "answered"


class AppealKind(StrEnum):
    """What a unit asks of an assessment (`assessment_appeals.kind`): an appeal (申诉) against a
    deduction or a day's data, or an exemption (免责) for objective causes or lawful inability."""

    APPEAL = "appeal"
    EXEMPTION = "exemption"


class AppealTarget(StrEnum):
    """What an appeal names (`assessment_appeals.target`): one deduction, one ticket, or the
    unit's data of one day."""

    DEDUCTION = "deduction"
    TICKET = "ticket"
    DAY = "day"


class AppealStatus(StrEnum):
    """An appeal or exemption request (`assessment_appeals.status`): filed → accepted | rejected."""

    FILED = "filed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class InstanceStatus(StrEnum):
    """A process instance (`process_instances.status`)."""

    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class UserTaskState(StrEnum):
    """A user task row (`user_tasks.state`); inboxes read the ready ones."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class LinkKind(StrEnum):
    """How two tickets are linked (`ticket_links.kind`)."""

    POSSIBLE_REPEAT = "possible_repeat"
    MERGED_INTO = "merged_into"
    TERMINATED_AS_REPEAT_OF = "terminated_as_repeat_of"


class Role(StrEnum):
    """A user's role (`users.role`); candidate groups in diagrams name these too."""

    OPERATOR = "operator"
    CENTER = "center"
    UNIT = "unit"
    SUPERVISOR = "supervisor"
    LEADER = "leader"
    AUTHORITY = "authority"
    ADMIN = "admin"
    AUDITOR = "auditor"  # reads and exports the access audit (hotline.audit), nothing else


ROLES = values(Role)
SYSTEM_ROLE = "system"  # timers and handlers act as this; no user has it


class DeductionStatus(StrEnum):
    """An assessment deduction (`assessment_deductions.status`): only active ones cost points."""

    ACTIVE = "active"
    VOIDED = "voided"  # an accepted appeal took it back
    EXCLUDED = "excluded"  # its ticket or day is excluded from assessment (an accepted exclusion)


class ExclusionStatus(StrEnum):
    """A written explanation or exemption (`assessment_exclusions.status`)."""

    FILED = "filed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class CallbackFinding(StrEnum):
    """What a callback verification (回访核实) found about a ticket's handling."""

    FAKE = "fake"  # 弄虚作假
    NOT_DONE = "not_done"  # 应办而未办
    NOT_REPORTED = "not_reported"  # 未及时将办理结果反馈给来电人


class DutyStatus(StrEnum):
    """A unit's on-site duty week at the platform (现场接听)."""

    ATTENDED = "attended"
    MISSED = "missed"  # 无故不到: costs points at year end
    EXCUSED = "excused"  # not there, with a reason the center accepted


class ProfileName(StrEnum):
    """The shipped jurisdiction profiles (HOTLINE_PROFILE); each numbers tickets by its prefix."""

    GUANGYUAN = "guangyuan"
    GUIZHOU = "guizhou"
    GUANGXI = "guangxi"
    MEIZHOU = "meizhou"
    PUYANG = "puyang"


PROFILE_NAMES = values(ProfileName)  # plain strings: click matches enum choices by name
PROFILE_PREFIXES = {
    ProfileName.GUANGYUAN.value: "GY",
    ProfileName.GUIZHOU.value: "GZ",
    ProfileName.GUANGXI.value: "GX",
    ProfileName.MEIZHOU.value: "MZ",
    ProfileName.PUYANG.value: "PY",
}

del S, P, V  # short aliases for the tuples above only

__all__ = [
    "ANSWERING_VERSION_STATUSES",
    "CLOSED_STATUSES",
    "DELIVERED_STATUSES",
    "ENDED_PART_STATUSES",
    "HANDLED_STATUSES",
    "LIVE_PART_STATUSES",
    "OPEN_STATUSES",
    "PROFILE_NAMES",
    "PROFILE_PREFIXES",
    "ROLES",
    "SYSTEM_ROLE",
    "UNHANDLED_STATUSES",
    "UNPUBLISHED_VERSION_STATUSES",
    "AppealKind",
    "AppealStatus",
    "AppealTarget",
    "ArticleStatus",
    "CallbackFinding",
    "DeductionStatus",
    "DutyStatus",
    "ExclusionStatus",
    "InstanceStatus",
    "LinkKind",
    "PartRole",
    "PartStatus",
    "ProfileName",
    "QuestionStatus",
    "Role",
    "TicketStatus",
    "UserTaskState",
    "VersionStatus",
    "values",
]


# The Chinese name of each category (诉求类型) as bulletins and messages print it.
CATEGORY_LABELS = {
    "consultation": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "praise": "表扬",
    "appeal": "申诉",
}

# The Chinese name of each ticket status (工单状态) as the workplace shows it.
TICKET_STATUS_LABELS: dict[str, str] = {
    TicketStatus.NEW: "待分类处置",
    TicketStatus.DISPATCHED: "已派单待签收",
    TicketStatus.HANDLING: "办理中",
    TicketStatus.RETURNED: "已退单",
    TicketStatus.EXTENSION_REQUESTED: "延期申请中",
    TicketStatus.IN_REVIEW: "待审核",
    TicketStatus.CALLBACK: "待回访",
    TicketStatus.CLOSED: "已办结",
    TicketStatus.CLOSED_WITH_NOTE: "备注办结",
    TicketStatus.DECLINED: "不予受理",
    TicketStatus.MERGED: "已并单",
    TicketStatus.TERMINATED: "终结办理",
    TicketStatus.OBJECTION_RAISED: "派单异议中",
}
# A joint part's status and role (会签分办) in Chinese.
PART_STATUS_LABELS: dict[str, str] = {
    PartStatus.DISPATCHED: "已派发",
    PartStatus.HANDLING: "办理中",
    PartStatus.DONE: "已完成",
    PartStatus.RETURNED: "已退回",
    PartStatus.REASSIGNED: "已改派",
    PartStatus.DROPPED: "已撤销",
    PartStatus.CANCELLED: "已取消",
}
PART_ROLE_LABELS: dict[str, str] = {PartRole.LEAD: "主办", PartRole.ASSISTING: "协办"}
