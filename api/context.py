"""Request-scoped access to the services, the caller and one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, g
from sqlalchemy.orm import Session

from hotline.actors import Actor
from hotline.services import Services


def services() -> Services:
    """The services this app was built with."""
    return current_app.extensions["hotline"]


def actor() -> Actor:
    """The authenticated caller (auth runs before every /api/v1 view)."""
    return g.actor


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """One database transaction for one API call."""
    with services().transaction() as session:
        yield session
