"""Joint handling (会签): parts per unit, a lead unit that merges them into one reply."""

from __future__ import annotations
