"""The workplace's intake page (/tickets/new, 登记工单): the operator registers a demand.

The form has the fields of POST /api/v1/tickets; the posted strings become the API's JSON
body and go through the API's own schema (TicketCreateSchema) and `tickets.create_ticket`,
in one transaction. Each rendering of the form carries a fresh idempotency key, so a form
sent twice (a double click, a retry after a timeout) registers one ticket.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, request
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from api.schemas.tickets import TicketCreateSchema
from hotline import tickets
from hotline.archive_pdf import CHANNEL_LABELS
from hotline.errors import Conflict, Invalid
from hotline.policy import CATEGORIES, CHANNELS, URGENCIES
from web import pages, session
from web.field_messages import field_message
from web.forms import LOCAL_DATETIME, SHANGHAI_OFFSET, FieldView
from web.inbox import category_label, urgency_label

bp = Blueprint("web_intake", __name__)

KEY_FIELD = "idempotency_key"
ALREADY_SENT = "这张表单已经登记过一张工单；如需再登记一张，请核对内容后重新提交。"
IN_PROGRESS = "这张表单正在登记中，请稍候到工单列表查看，不要重复提交。"
KEY_FORMAT = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def channel_label(channel: str | None) -> str:
    """渠道 in Chinese."""
    return CHANNEL_LABELS.get(channel or "", channel or "")


# (posted name, the API's field, label, widget, required, limits, hint)
FIELDS: tuple[tuple[str, str, str, str, bool, dict[str, int], str], ...] = (
    ("channel", "channel", "受理渠道", "select", True, {}, ""),
    ("category", "category", "诉求类型", "select", True, {}, ""),
    ("urgency", "urgency", "紧急程度", "select", False, {}, "特殊、紧急事项按规定时限加急处理"),
    ("requester_name", "requester.name", "诉求人姓名", "text", True, {"maxlength": 100}, ""),
    ("requester_phone", "requester.phone", "联系电话", "tel", True, {"maxlength": 20}, ""),
    ("confidential", "confidential", "保密工单（诉求人要求保密）", "checkbox", False, {}, ""),
    ("content", "content", "诉求内容", "textarea", True, {"maxlength": 20000}, ""),
    ("address", "address", "事发地址", "text", False, {"maxlength": 500}, ""),
    ("district", "district", "所属区县", "text", False, {"maxlength": 100}, ""),
    (
        "upper_deadline",
        "upper_deadline",
        "上级平台办理时限",
        "datetime",
        False,
        {},
        "仅上级平台派单填写；北京时间",
    ),
)
OPTIONS = {
    "channel": [(c, channel_label(c)) for c in CHANNELS],
    "category": [(c, category_label(c)) for c in CATEGORIES],
    "urgency": [(u, urgency_label(u)) for u in URGENCIES],
}
DEFAULTS = {"urgency": "normal"}
LABELS = {api: label for _name, api, label, *_rest in FIELDS}
API_TO_POSTED = {api: name for name, api, *_rest in FIELDS}


def draw(posted: Mapping[str, str] | None, errors: Mapping[str, list[str]]) -> list[FieldView]:
    """The intake form's fields, with the user's input and messages after a refusal."""
    out = []
    for name, _api, label, widget, required, limits, hint in FIELDS:
        value = (posted or DEFAULTS).get(name, "")
        out.append(
            FieldView(
                id=name,
                html_id=f"f-{name}",
                label=label,
                widget=widget,
                required=required,
                value=value,
                options=OPTIONS.get(name, []),
                errors=list(errors.get(name, [])),
                hint=hint,
                attrs=limits,
            )
        )
    return out


def parse(posted: MultiDict[str, str]) -> dict[str, Any]:
    """The JSON body a client would send to POST /api/v1/tickets for this form."""
    data: dict[str, Any] = {}
    for name in ("channel", "category", "urgency", "content", "address", "district"):
        text = posted.get(name, "")
        if text.strip():
            data[name] = text
    requester = {}
    for name, key in (("requester_name", "name"), ("requester_phone", "phone")):
        text = posted.get(name, "")
        if text.strip():
            requester[key] = text.strip()
    data["requester"] = requester
    data["confidential"] = posted.get("confidential") == "true"
    deadline = posted.get("upper_deadline", "").strip()
    if deadline:
        data["upper_deadline"] = (
            deadline + SHANGHAI_OFFSET if LOCAL_DATETIME.match(deadline) else deadline
        )
    return data


def _flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """{"requester": {"name": [...]}} → {"requester.name": [...]}."""
    if not isinstance(messages, dict):
        return {prefix or "_schema": [str(m) for m in messages]}
    out: dict[str, list[str]] = {}
    for key, found in messages.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(found, dict):
            out.update(_flatten(found, name))
        else:
            out[name] = [str(m) for m in (found if isinstance(found, list) else [found])]
    return out


def chinese_errors(fields: Mapping[str, Any]) -> tuple[dict[str, list[str]], list[str]]:
    """Per posted field the Chinese messages, and those of no field on the form."""
    options = {api: dict(OPTIONS[name]) for name, api, *_r in FIELDS if name in OPTIONS}
    per_field: dict[str, list[str]] = {}
    general: list[str] = []
    for name, texts in _flatten(fields).items():
        chinese = [field_message(name, t, LABELS, options) for t in texts]
        if name in API_TO_POSTED:
            per_field.setdefault(API_TO_POSTED[name], []).extend(chinese)
        else:
            general.extend(chinese)
    return per_field, general


def _form(
    *,
    status: int = 200,
    posted: MultiDict[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    general: list[str] | None = None,
    key: str | None = None,
) -> Response:
    fields = draw(posted, errors or {})
    return pages.render(
        "intake.html",
        status=status,
        active="new_ticket",
        title="登记工单",
        fields={f.id: f for f in fields},
        errors=[(f, m) for f in fields for m in f.errors],
        general=general or [],
        key=key or secrets.token_urlsafe(24),
    )


@bp.route("/tickets/new", methods=["GET"])
@pages.page_for("new_ticket")
def new_ticket() -> Response:
    """登记工单: an empty form with a fresh idempotency key."""
    return _form()


@bp.route("/tickets/new", methods=["POST"])
@pages.page_for("new_ticket")
def register() -> Response:
    """Register the demand through the API's schema and domain code; then its ticket page."""
    who = pages.signed_in_actor()
    posted = request.form
    key = posted.get(KEY_FIELD, "")
    key = key if KEY_FORMAT.match(key) else secrets.token_urlsafe(24)
    try:
        data = TicketCreateSchema().load(parse(posted))
    except ValidationError as exc:
        per_field, general = chinese_errors(exc.messages)  # type: ignore[arg-type]
        return _form(status=422, posted=posted, errors=per_field, general=general, key=key)
    services = session.services()
    try:
        with services.transaction() as db:
            intake = tickets.create_ticket(
                db,
                services.runtime,
                who,
                data,
                prefix=services.settings.ticket_prefix,
                idempotency_key=f"web-{key}",
            )
            number = intake.ticket.number
    except Invalid as exc:
        per_field, general = chinese_errors(exc.fields or {"_schema": [exc.message]})
        return _form(status=422, posted=posted, errors=per_field, general=general, key=key)
    except Conflict as exc:
        if not exc.fields:  # the same form is being registered right now (a double click)
            return _form(status=409, posted=posted, general=[IN_PROGRESS], key=key)
        # The key was used for another body: the form was sent, then changed and sent again.
        return _form(status=409, posted=posted, general=[ALREADY_SENT])
    return pages.redirect_with_notice(
        f"/tickets/{number}", f"已登记工单 {number}，已进入分类处置。"
    )


__all__ = ["CHANNEL_LABELS", "bp", "channel_label", "parse"]
