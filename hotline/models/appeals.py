"""Assessment appeals (申诉) and exemption requests (免责/甄别)."""

from __future__ import annotations
