"""Assessment (考核) records, deductions and scores."""

from __future__ import annotations
