"""Registry of Python handlers by `camunda:topic`; handlers/ fills it at import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], dict[str, Any] | None]

_handlers: dict[str, Handler] = {}


def topic(name: str) -> Callable[[Handler], Handler]:
    """Decorator: run `fn(ctx)` for service tasks with this topic; a returned dict becomes data."""

    def register(fn: Handler) -> Handler:
        if name in _handlers and _handlers[name] is not fn:
            raise ValueError(f"topic {name!r} already has a handler")
        _handlers[name] = fn
        return fn

    return register


def get_handler(name: str) -> Handler | None:
    """The handler for a topic, or None."""
    return _handlers.get(name)


def known_topics() -> set[str]:
    """Every registered topic."""
    return set(_handlers)
