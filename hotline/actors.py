"""Who acts: an API user or the system (timers, handlers)."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("operator", "center", "unit", "supervisor", "leader", "authority", "admin")


@dataclass(frozen=True)
class Actor:
    """The caller of a domain function, as far as permissions and history care."""

    id: int | None
    name: str
    role: str
    unit_code: str | None = None
    reviewer: bool = False  # reviews the unit's knowledge articles

    @property
    def groups(self) -> set[str]:
        """Candidate groups: the role, `unit:<code>` for units, `unit_reviewer:<code>` too."""
        groups = {self.role}
        if self.unit_code:
            groups.add(f"unit:{self.unit_code}")
            if self.reviewer:
                groups.add(f"unit_reviewer:{self.unit_code}")
        return groups

    def may_claim(self, candidate_group: str | None) -> bool:
        """Whether a task offered to `candidate_group` (comma-separated) is this actor's."""
        if self.role == "admin":
            return True
        if not candidate_group:
            return self.role == "center"
        offered = {g.strip() for g in candidate_group.split(",")}
        return bool(offered & self.groups)


SYSTEM = Actor(id=None, name="system", role="system")
