"""The web workplace: pages in Chinese for the people who do the work, on the API's app.

Same app, same rules: pages call the domain functions the API calls and ask `hotline.access`
what the signed-in user may see. People sign in with a password (a session cookie);
integrations keep bearer tokens on /api/v1. Nothing a page loads comes from another host.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from processes.host import Host
from web import (
    auth,
    center,
    center_panels,  # noqa: F401  registers the panels
    dashboard,
    home,
    inbox,
    intake,
    knowledge,
    pages,
    process_pages,
    session,
    tasks,
    tickets,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"


def create_app(services: Host) -> Flask:
    """The API's app (api.create_app) with the workplace's pages on it."""
    from api import create_app as create_api

    app = create_api(services)
    install(app)
    return app


def install(app: Flask) -> None:
    """Add the workplace's templates, assets, session handling and pages to `app`."""
    loaders = [FileSystemLoader(TEMPLATES)]
    if app.jinja_loader is not None:
        loaders.append(app.jinja_loader)  # type: ignore[arg-type]
    app.jinja_loader = ChoiceLoader(loaders)
    session.install(app)
    pages.install(app)
    for module in (
        home,
        auth,
        inbox,
        tasks,
        intake,
        tickets,
        center,
        dashboard,
        process_pages,
        knowledge,
    ):
        app.register_blueprint(module.bp)
