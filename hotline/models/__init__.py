"""Tables of the service. Ticket content lives here, never in workflow data."""

# The oversight tables register with Base.metadata; import their classes from the submodules.
import hotline.models.appeals
import hotline.models.assessment
import hotline.models.attachments
import hotline.models.audit
import hotline.models.bulletins
import hotline.models.hotspots
import hotline.models.messages
import hotline.models.retention
import hotline.models.stats
import hotline.models.web  # noqa: F401
from hotline.models.base import NAMING, Base, UTCDateTime
from hotline.models.clock import ManualClockRow
from hotline.models.core import (
    CalendarDay,
    IdempotencyKey,
    Ticket,
    TicketEvent,
    TicketSequence,
    Unit,
    User,
)
from hotline.models.escalation import Escalation
from hotline.models.joint import JointPart
from hotline.models.knowledge import (
    Article,
    ArticleEvent,
    ArticleSearchEntry,
    ArticleVersion,
    KnowledgeQuestion,
)
from hotline.models.links import TicketLink
from hotline.models.workflow import ProcessDefinition, ProcessInstance, Timer, UserTask

__all__ = [
    "NAMING",
    "Article",
    "ArticleEvent",
    "ArticleSearchEntry",
    "ArticleVersion",
    "Base",
    "CalendarDay",
    "Escalation",
    "IdempotencyKey",
    "JointPart",
    "KnowledgeQuestion",
    "ManualClockRow",
    "ProcessDefinition",
    "ProcessInstance",
    "Ticket",
    "TicketEvent",
    "TicketLink",
    "TicketSequence",
    "Timer",
    "UTCDateTime",
    "Unit",
    "User",
    "UserTask",
]
