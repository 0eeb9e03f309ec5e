"""Every service-task topic and form rule of the diagrams, with the function that runs it.

One table per kind: `TOPICS` (camunda:topic → handler) and `FORM_RULES` ((process, user
task) → rules, run in this order). BPMN topic strings stay as the diagrams spell them.
"""

from __future__ import annotations

from handlers import (
    appeals,
    deadlines,
    designation,
    escalation,
    government,
    hotspots,
    joint,
    joint_forms,
    knowledge,
    knowledge_forms,
    knowledge_questions,
    repeats,
    ticket_forms,
    tickets,
)
from hotline.policy.escalation import FINAL_LEVEL
from processes import forms, topics
from processes.forms import FormRule
from processes.topics import Handler

TOPICS: dict[str, Handler] = {
    # ticket.bpmn
    "ticket.answer": tickets.answer_directly,
    "ticket.decline": tickets.decline,
    "ticket.dispatch": tickets.dispatch,
    "ticket.acknowledge": tickets.acknowledge,
    "ticket.return": tickets.record_return,
    "ticket.extension_request": tickets.request_extension,
    "ticket.extension_decision": tickets.decide_extension,
    "ticket.result": tickets.record_result,
    "ticket.review_rejected": tickets.send_back,
    "ticket.review_approved": tickets.approve_result,
    "ticket.callback": tickets.record_callback,
    "ticket.rehandle": tickets.rehandle,
    "ticket.close_with_note": tickets.close_with_note,
    "ticket.close": tickets.close,
    "ticket.callback_no_answer": deadlines.callback_no_answer_rule,
    "ticket.leader_instruction": designation.leader_instruction,
    "ticket.objection": designation.record_objection,
    "ticket.coordinate": designation.record_coordination,
    "ticket.designate": designation.record_designation,
    "ticket.merge": repeats.merge_ticket,
    "ticket.terminate": repeats.terminate_ticket,
    "ticket.government_decision": government.apply_government_decision,
    # deadline timers (ticket.bpmn, milestone.bpmn)
    "deadline.milestone_overdue": deadlines.milestone_overdue,
    "deadline.acknowledge_overdue": deadlines.urge_acknowledge,
    "deadline.remind": deadlines.remind,
    "deadline.overdue": deadlines.overdue,
    "deadline.dispatch_overdue": deadlines.urge_dispatch,
    # supervision.bpmn: the escalation ladder
    "supervision.escalate": escalation.escalate,
    "supervision.check_effect": escalation.check_effect,
    "supervision.government_decision": escalation.forward_government_decision,
    # joint.bpmn
    "joint.start": joint.start_joint,
    "joint.open_part": joint.open_part,
    "joint.part_acknowledge": joint.acknowledge_part,
    "joint.part_result": joint.record_part_result,
    "joint.part_return": joint.record_part_return,
    "joint.part_reassign": joint.reassign_part,
    "joint.part_drop": joint.drop_part,
    "joint.part_acknowledge_overdue": joint.urge_part_acknowledge,
    "joint.part_overdue": joint.mark_part_overdue,
    "joint.parts_done": joint.parts_done,
    "joint.merge_overdue": joint.urge_merge,
    "joint.merge": joint.record_merge,
    # knowledge_publish.bpmn, knowledge_retire.bpmn, knowledge_question.bpmn
    "knowledge.publish": knowledge.publish,
    "knowledge.reject": knowledge.reject,
    "knowledge.resubmit": knowledge.resubmit,
    "knowledge.withdraw": knowledge.withdraw,
    "knowledge.remind_review": knowledge.remind_review,
    "knowledge.record_review": knowledge.record_review,
    "knowledge.retire": knowledge.retire,
    "knowledge.retire_rejected": knowledge.retire_rejected,
    "knowledge_question.answered": knowledge_questions.record_answer,
    "knowledge_question.overdue": knowledge_questions.urge_answer,
    # assessment_appeal.bpmn
    "appeal.accept": appeals.accept_appeal,
    "appeal.change_score": appeals.change_score,
    "appeal.reject": appeals.reject_appeal,
    "appeal.read": appeals.record_reading,
    # hotspot_warning.bpmn
    "hotspot_warning.acknowledged": hotspots.record_unit_acknowledgement,
    "hotspot_warning.acknowledged_by_all": hotspots.close_warning,
}

FORM_RULES: dict[tuple[str, str], tuple[FormRule, ...]] = {
    ("ticket", "triage"): (
        ticket_forms.triage_fields,
        ticket_forms.triage_articles,
        repeats.triage_merge,
        repeats.triage_terminate,
    ),
    ("ticket", "leader_instruction"): (ticket_forms.leader_instruction_fields,),
    ("ticket", "coordinate_objection"): (ticket_forms.coordination_fields,),
    ("ticket", "designate_unit"): (ticket_forms.designation_fields,),
    ("ticket", "handle"): (ticket_forms.handle_fields, repeats.handle_terminate),
    ("ticket", "approve_extension"): (
        ticket_forms.extension_grant_fields,
        ticket_forms.refusal_needs_comment,
    ),
    ("ticket", "review"): (ticket_forms.refusal_needs_comment,),
    ("ticket", "callback"): (ticket_forms.callback_fields,),
    ("supervision", FINAL_LEVEL): (escalation.government_review_fields,),
    ("joint", "handle_part"): (joint_forms.handle_part_fields,),
    ("joint", "reassign_part"): (joint_forms.reassign_part_fields,),
    ("joint", "merge"): (joint_forms.merge_fields,),
    ("knowledge_publish", "unit_review"): (
        knowledge_forms.refusal_needs_comment,
        knowledge_forms.four_eyes("knowledge_publish"),
    ),
    ("knowledge_publish", "center_review"): (
        knowledge_forms.refusal_needs_comment,
        knowledge_forms.no_gap_in_publication,
        knowledge_forms.four_eyes("knowledge_publish"),
    ),
    ("knowledge_publish", "review_article"): (knowledge_forms.outdated_needs_comment,),
    ("knowledge_publish", "revise"): (knowledge_forms.revise_note,),
    ("knowledge_retire", "unit_review"): (
        knowledge_forms.refusal_needs_comment,
        knowledge_forms.four_eyes("knowledge_retire"),
    ),
    ("knowledge_retire", "center_review"): (
        knowledge_forms.refusal_needs_comment,
        knowledge_forms.four_eyes("knowledge_retire"),
    ),
    ("knowledge_question", "answer_question"): (knowledge_questions.answer_fields,),
    ("assessment_appeal", "review_appeal"): (appeals.review_fields,),
}

_loaded = False


def register() -> None:
    """Hand both tables to the runtime's registries, once per process."""
    global _loaded
    if _loaded:
        return
    topics.register_all(TOPICS)
    for (process_id, task_id), rules in FORM_RULES.items():
        for rule in rules:
            forms.form_rule(process_id, task_id)(rule)
    _loaded = True
