"""Checks of data objects, data stores and the data associations that use them."""

from __future__ import annotations

from typing import Any

from processes.checks.elements import bpmn, describe, local_name, scope
from processes.checks.walker import ProcessWalker


def data_store_refusal(used: str = "") -> str:
    """The refusal of a data store; `used` says which elements use it, if any."""
    return f"data stores are not supported{used}; keep data in variables"


class DataChecks(ProcessWalker):
    """`_on_<element>` checks of data store references, and of data associations anywhere."""

    def check_data_associations(self, element: Any) -> None:
        """Record a problem for each data association of `element` SpiffWorkflow cannot follow."""
        own_scope = scope(element)
        parent_scope = scope(own_scope) if own_scope is not None else None
        refs = [
            a.findtext(bpmn("sourceRef")) for a in element.findall(bpmn("dataInputAssociation"))
        ]
        refs += [
            a.findtext(bpmn("targetRef")) for a in element.findall(bpmn("dataOutputAssociation"))
        ]
        for ref in filter(None, refs):
            target = self.index.get(ref.strip())
            kind = local_name(target)
            if kind == "dataStoreReference":
                continue  # refused at the data store reference itself
            if target is None or kind != "dataObjectReference":
                self.add(
                    element,
                    f"a data association refers to {ref!r}, which is neither a data object "
                    "reference nor a data store reference in this file",
                )
                continue
            data_object = self.index.get(target.get("dataObjectRef") or "")
            owner = data_object.getparent() if data_object is not None else None
            if local_name(data_object) != "dataObject":
                self.add(
                    element,
                    f"data object reference {describe(target)} points to no data object",
                )
            elif owner is not own_scope and owner is not parent_scope:
                self.add(
                    element,
                    f"uses data object {describe(data_object)}, which is defined neither in "
                    "this element's (sub-)process nor in the one directly enclosing it; "
                    "define the data object there",
                )

    def _on_dataStoreReference(self, element: Any) -> None:
        users = sorted(
            {
                a.getparent().get("id")
                for a in self.process.iter(
                    bpmn("dataInputAssociation"), bpmn("dataOutputAssociation")
                )
                if element.get("id")
                in (a.findtext(bpmn("sourceRef")), a.findtext(bpmn("targetRef")))
            }
        )
        used = f" (used by {', '.join(users)})" if users else ""
        self.add(element, data_store_refusal(used))
