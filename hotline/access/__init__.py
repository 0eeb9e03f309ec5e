"""Who may see or do what: every access decision of the service, in one package (hotline.access).

Views, the inbox query, ticket, escalation, question and knowledge reads all ask these
functions; no other module compares roles. A decision needed both in Python (one row in
hand) and in SQL (a list query) is written once, as a rule, and both forms are read from it.

The decisions live in the submodules by subject; import them from here.
"""

from hotline.access.knowledge import article_scope as article_scope
from hotline.access.knowledge import check_knowledge_reader as check_knowledge_reader
from hotline.access.knowledge import edits_any_unit as edits_any_unit
from hotline.access.knowledge import escalation_scope as escalation_scope
from hotline.access.knowledge import may_ask_question as may_ask_question
from hotline.access.knowledge import may_escalate as may_escalate
from hotline.access.knowledge import may_write_article as may_write_article
from hotline.access.knowledge import question_scope as question_scope
from hotline.access.knowledge import sees_article as sees_article
from hotline.access.oversight import ARCHIVE_READERS as ARCHIVE_READERS
from hotline.access.oversight import ASSESSORS as ASSESSORS
from hotline.access.oversight import CONTACT_MANAGERS as CONTACT_MANAGERS
from hotline.access.oversight import CONTACT_READERS as CONTACT_READERS
from hotline.access.oversight import HOLD_KEEPERS as HOLD_KEEPERS
from hotline.access.oversight import OVERSIGHT_READERS as OVERSIGHT_READERS
from hotline.access.oversight import appeal_scope as appeal_scope
from hotline.access.oversight import figures_unit as figures_unit
from hotline.access.oversight import may_appeal as may_appeal
from hotline.access.oversight import may_assess as may_assess
from hotline.access.oversight import may_deploy as may_deploy
from hotline.access.oversight import may_hold as may_hold
from hotline.access.oversight import may_manage_contacts as may_manage_contacts
from hotline.access.oversight import may_migrate as may_migrate
from hotline.access.oversight import may_publish_bulletin as may_publish_bulletin
from hotline.access.oversight import may_read_archive as may_read_archive
from hotline.access.oversight import may_read_bulletin as may_read_bulletin
from hotline.access.oversight import may_read_contacts as may_read_contacts
from hotline.access.oversight import may_read_processes as may_read_processes
from hotline.access.oversight import may_set_clock as may_set_clock
from hotline.access.oversight import reads_contact_problems as reads_contact_problems
from hotline.access.oversight import sees_every_unit_figure as sees_every_unit_figure
from hotline.access.oversight import warning_scope as warning_scope
from hotline.access.roles import ADMIN_ROLES as ADMIN_ROLES
from hotline.access.roles import AUDIT_READERS as AUDIT_READERS
from hotline.access.roles import CLAIMS_EVERY_TASK as CLAIMS_EVERY_TASK
from hotline.access.roles import CLAIMS_UNOFFERED as CLAIMS_UNOFFERED
from hotline.access.roles import CONFIDENTIAL_REQUESTER_READERS as CONFIDENTIAL_REQUESTER_READERS
from hotline.access.roles import ESCALATING_ROLES as ESCALATING_ROLES
from hotline.access.roles import ESCALATION_READERS as ESCALATION_READERS
from hotline.access.roles import INTAKE_ROLES as INTAKE_ROLES
from hotline.access.roles import KNOWLEDGE_EDITORS as KNOWLEDGE_EDITORS
from hotline.access.roles import KNOWLEDGE_READERS as KNOWLEDGE_READERS
from hotline.access.roles import LEADER_ROLE as LEADER_ROLE
from hotline.access.roles import PROCESS_READERS as PROCESS_READERS
from hotline.access.roles import QUESTION_ASKERS as QUESTION_ASKERS
from hotline.access.roles import QUESTION_READERS as QUESTION_READERS
from hotline.access.roles import REPEAT_READERS as REPEAT_READERS
from hotline.access.roles import UNIT_ROLE as UNIT_ROLE
from hotline.access.roles import groups as groups
from hotline.access.roles import is_unit_user as is_unit_user
from hotline.access.roles import may_filter_unit as may_filter_unit
from hotline.access.roles import not_confidential as not_confidential
from hotline.access.roles import notified_unit_users as notified_unit_users
from hotline.access.roles import sees_confidential as sees_confidential
from hotline.access.tickets import ATTACHING_INTAKE as ATTACHING_INTAKE
from hotline.access.tickets import RECORDING_UPLOADERS as RECORDING_UPLOADERS
from hotline.access.tickets import ClaimRule as ClaimRule
from hotline.access.tickets import address_shown as address_shown
from hotline.access.tickets import attachment_purpose as attachment_purpose
from hotline.access.tickets import attachment_scope as attachment_scope
from hotline.access.tickets import claim_rule as claim_rule
from hotline.access.tickets import mask_phone as mask_phone
from hotline.access.tickets import may_claim as may_claim
from hotline.access.tickets import may_read_audit as may_read_audit
from hotline.access.tickets import may_register as may_register
from hotline.access.tickets import may_report_milestone as may_report_milestone
from hotline.access.tickets import reads_confidential_requester as reads_confidential_requester
from hotline.access.tickets import requester_shown as requester_shown
from hotline.access.tickets import sees_repeats as sees_repeats
from hotline.access.tickets import task_scope as task_scope
from hotline.access.tickets import ticket_scope as ticket_scope
from hotline.access.workplace import menu as menu
from hotline.access.workplace import opens_page as opens_page
from hotline.statuses import ROLES as ROLES  # re-exported: every role, for callers of access
