"""Hot-spot early warnings (热点预警) and the units they concern."""

from __future__ import annotations
