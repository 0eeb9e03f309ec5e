"""Ticket facts (one row per ticket and unit it was dispatched to) for statistics."""

from __future__ import annotations
