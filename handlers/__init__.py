"""Python handlers for service tasks and the form rules of user tasks.

`load()` registers the tables of handlers/registry.py; importing this package does nothing.
"""


def load() -> None:
    """Register every handler and form rule (handlers/registry.py), once."""
    from handlers.registry import register

    register()
