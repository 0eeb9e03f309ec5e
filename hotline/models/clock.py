"""The manual clock's one row: the instant every worker and scheduler reads."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer
from sqlalchemy.orm import Mapped, mapped_column

from hotline.models.base import Base, UTCDateTime


class ManualClockRow(Base):
    """The manual clock's current instant; only row id 1 exists."""

    __tablename__ = "manual_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    instant: Mapped[datetime] = mapped_column(UTCDateTime)
