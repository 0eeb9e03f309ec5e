"""Bulletins (通报): stored, versioned reports of a period."""

from __future__ import annotations
