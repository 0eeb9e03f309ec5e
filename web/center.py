"""The center's pages: extension approvals and the triage aids (placeholder: issue 16)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web_center", __name__)
