"""/api/v1/units: the handling units a ticket can be dispatched to."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import select

from api.context import unit_of_work
from api.errors import secured
from hotline.models import Unit

blp = Blueprint("units", __name__, url_prefix="/api/v1/units", description="Handling units")


class UnitSchema(Schema):
    """A handling unit (承办单位)."""

    code = fields.String()
    name = fields.String()
    district = fields.String()
    active = fields.Boolean()


@blp.route("")
@blp.response(200, UnitSchema(many=True))
@blp.doc(**secured())
def list_() -> Any:
    """Every unit, by district and code."""
    with unit_of_work() as session:
        return list(session.scalars(select(Unit).order_by(Unit.district, Unit.code)))
