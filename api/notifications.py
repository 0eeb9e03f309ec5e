"""In-app notifications: the caller's messages, unread first; mark read."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from api.context import actor, unit_of_work
from api.errors import secured
from api.paging import page_body
from api.schemas.notifications import (
    NotificationPageSchema,
    NotificationQuerySchema,
    NotificationSchema,
    ReadAllSchema,
)
from hotline.errors import Forbidden
from hotline.messages import notifications
from hotline.models.messages import Notification

blp = Blueprint(
    "notifications",
    __name__,
    url_prefix="/api/v1/notifications",
    description="The caller's in-app notifications",
)


def _me() -> int:
    """The caller's user id; every token belongs to a user."""
    user_id = actor().id
    if user_id is None:  # only the system actor has none, and it never calls the API
        raise Forbidden("only users have notifications")
    return user_id


@blp.route("", methods=["GET"])
@blp.arguments(NotificationQuerySchema, location="query")
@blp.response(200, NotificationPageSchema)
@blp.doc(**secured())
def list_(query: dict[str, Any]) -> dict[str, Any]:
    """The caller's notifications, unread first and newest first, with the unread count."""
    user = _me()
    with unit_of_work() as session:
        rows, total = notifications.list_notifications(
            session,
            user,
            unread=query.get("unread"),
            page=query["page"],
            per_page=query["per_page"],
        )
        body = page_body(rows, total, query)
        body["unread"] = notifications.unread_count(session, user)
        return body


@blp.route("/<int(max=2147483647):notification_id>/read", methods=["POST"])
@blp.response(200, NotificationSchema)
@blp.doc(**secured({"404": "not found, or another user's"}))
def read(notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (again: it keeps the first read time)."""
    with unit_of_work() as session:
        return notifications.mark_read(session, _me(), notification_id)


@blp.route("/read-all", methods=["POST"])
@blp.response(200, ReadAllSchema)
@blp.doc(**secured())
def read_all() -> dict[str, int]:
    """Mark every notification of the caller read."""
    with unit_of_work() as session:
        marked = notifications.mark_all_read(session, _me())
        return {"marked": marked, "unread": notifications.unread_count(session, _me())}
