"""Python handlers for service tasks, registered by camunda:topic, and form rules.

Importing this package registers everything; `load()` makes that explicit.
"""

from handlers import (  # noqa: F401  (registration on import)
    deadlines,
    designation,
    joint,
    knowledge,
    knowledge_questions,
    repeats,
    supervision,
    ticket_forms,
    tickets,
)


def load() -> None:
    """Ensure every handler and form rule is registered."""
