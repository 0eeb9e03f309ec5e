"""The clock API in tests: GET/POST /api/v1/admin/clock as one demo user or another, over any
services (the timers test database included), and its times read and written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from api import admin
from hotline import clock

if TYPE_CHECKING:
    from wiring.services import Services

CLOCK = "/api/v1/admin/clock"


@dataclass
class Api:
    """The app over the timers test database, with one token per demo user."""

    client: FlaskClient
    tokens: dict[str, str]

    def get(self, who: str, url: str = CLOCK) -> TestResponse:
        """GET as the demo user `who` (e.g. "admin")."""
        return self.client.get(url, headers=self._auth(who))

    def post(self, who: str, body: Any, url: str = CLOCK) -> TestResponse:
        """POST JSON as the demo user `who`."""
        return self.client.post(url, json=body, headers=self._auth(who))

    def _auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[f'demo-{who}']}"}


def make_api(services: Services) -> Api:
    """The API with the demo users; registers the admin blueprint if the app does not yet."""
    from api import create_app
    from hotline.demo import load_demo

    with services.transaction() as session:
        tokens = load_demo(session)
    app = create_app(services)
    if "admin" not in app.blueprints:
        app.extensions["flask-smorest"]["apis"][""]["ext_obj"].register_blueprint(admin.blp)
    return Api(app.test_client(), tokens)


def shanghai(moment: datetime) -> str:
    """ISO 8601 with +08:00, as a drill leader would type it."""
    return moment.astimezone(clock.SHANGHAI).isoformat()


def clock_now(response: TestResponse) -> datetime:
    """The `now` of a clock response, parsed."""
    return datetime.fromisoformat(response.json["now"])
