"""Python handlers for service tasks, registered by camunda:topic, and form rules.

Importing this package registers everything; `load()` makes that explicit.
"""

from handlers import deadlines, ticket_forms, tickets  # noqa: F401  (registration on import)


def load() -> None:
    """Ensure every handler and form rule is registered."""
