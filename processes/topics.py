"""Registry of Python handlers by `camunda:topic`; handlers/registry.py fills it in one table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from processes.context import HandlerContext

Handler = Callable[["HandlerContext"], dict[str, Any] | None]

_handlers: dict[str, Handler] = {}


def register(name: str, fn: Handler) -> None:
    """Run `fn(ctx)` for service tasks with this topic; a returned dict becomes data."""
    if name in _handlers and _handlers[name] is not fn:
        raise ValueError(f"topic {name!r} already has a handler")
    _handlers[name] = fn


def register_all(table: Mapping[str, Handler]) -> None:
    """Register every topic → handler of `table` (idempotent for the same functions)."""
    for name, fn in table.items():
        register(name, fn)


def topic(name: str) -> Callable[[Handler], Handler]:
    """Decorator form of `register`, for diagrams outside handlers/ (tests)."""

    def decorate(fn: Handler) -> Handler:
        register(name, fn)
        return fn

    return decorate


def get_handler(name: str) -> Handler | None:
    """The handler for a topic, or None."""
    return _handlers.get(name)


def known_topics() -> set[str]:
    """Every registered topic."""
    return set(_handlers)
