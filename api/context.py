"""Request-scoped access to the services, the caller and one transaction."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import current_app, g, request
from sqlalchemy.orm import Session

from hotline import audit
from hotline.actors import Actor
from hotline.errors import Forbidden
from hotline.models import Ticket
from processes.host import Host

View = TypeVar("View", bound=Callable[..., Any])


def services() -> Host:
    """The services this app was built with."""
    host: Host = current_app.extensions["hotline"]
    return host


def actor() -> Actor:
    """The authenticated caller (auth runs before every /api/v1 view)."""
    return g.actor


def source() -> audit.Source:
    """Where this request came from, as the access audit records it."""
    return audit.Source(client=request.remote_addr, endpoint=f"{request.method} {request.path}")


def audited(
    session: Session,
    action: audit.AuditAction,
    ticket: Ticket | None = None,
    **detail: Any,
) -> None:
    """Record the caller's access in the audit, in the request's transaction."""
    audit.record(
        session,
        actor(),
        action,
        ticket_id=ticket.id if ticket is not None else None,
        ticket_number=ticket.number if ticket is not None else None,
        detail=detail,
        source=source(),
    )


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
