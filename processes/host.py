"""What the API and the scheduler need from the process that hosts them.

`wiring.services.Services` satisfies `Host`; the upper layers take a `Host`, so neither
imports the composition root nor (the API) the scheduler that moves the manual clock.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from hotline.attachment_store import AttachmentStore
from hotline.config import Settings
from processes.runtime import Runtime


@dataclass
class Advance:
    """Result of one clock move: the time reached, timers fired, instances whose timers failed."""

    now: datetime
    fired: int = 0
    failed: dict[int, str] = field(default_factory=dict)


class Host(Protocol):
    """Settings, database and runtime of one process, built once by the composition root."""

    settings: Settings
    engine: Engine
    runtime: Runtime
    attachment_store: AttachmentStore  # where attachment bytes live

    def transaction(self) -> AbstractContextManager[Session]:
        """One database transaction."""
        ...

    def dispose(self) -> None:
        """Close every pooled connection."""
        ...

    def advance_clock(self, when: datetime, *, owner: str) -> Advance:
        """Move the manual clock to `when`, firing what falls due; ClockError if it cannot."""
        ...
