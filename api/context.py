"""Request-scoped access to the services, the caller and one transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import current_app, g
from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.errors import Forbidden
from processes.host import Host

View = TypeVar("View", bound=Callable[..., Any])


def services() -> Host:
    """The services this app was built with."""
    host: Host = current_app.extensions["hotline"]
    return host


def actor() -> Actor:
    """The authenticated caller (auth runs before every /api/v1 view)."""
    return g.actor


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One database transaction for one API call."""
    with services().transaction() as session:
        yield session


def require(allowed: Callable[[Actor], bool], *, message: str) -> Callable[[View], View]:
    """Refuse callers `allowed` (a `hotline.access` decision) turns down, with 403 and `message`,
    before the body is read or validated.

    Place it between `@blp.route` and `@blp.arguments`, so a caller without the role
    learns nothing about what a valid body would be.
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not allowed(actor()):
                raise Forbidden(message)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate
