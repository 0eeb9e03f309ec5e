"""Service-task handlers of knowledge_question.bpmn: deadlines and urging of unit answers."""

from __future__ import annotations
