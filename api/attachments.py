"""/api/v1/tickets/{number}/attachments and /api/v1/attachments/{id}: files tickets carry."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("attachments", __name__, url_prefix="/api/v1", description="Attachments (附件)")
