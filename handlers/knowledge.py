"""Service-task handlers of knowledge_publish.bpmn and knowledge_retire.bpmn."""

from __future__ import annotations
