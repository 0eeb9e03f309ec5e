"""Repeats (并单, 终结办理): merge a repeat into the open ticket or terminate it."""

from __future__ import annotations
