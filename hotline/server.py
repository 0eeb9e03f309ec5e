"""Production serving with gunicorn: each worker builds its own app and connections."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if not key.startswith("_"):
                self.cfg.set(key, value)

    def load(self) -> Any:
        from api import create_app
        from hotline.search import warm_up
        from scheduler.service import TimerService

        app = create_app()
        warm_up()  # load the word segmenter before the first search, not during it
        if self.options.get("_timers", True):
            # Each worker fires due timers too; the database makes every firing exactly once.
            TimerService(app.extensions["hotline"]).start()
        return app


def serve(host: str, port: int, workers: int, timers: bool = True) -> None:
    """Run gunicorn on host:port with `workers` processes (blocks); timers fire in-process."""
    _Gunicorn(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "accesslog": "-",
            "timeout": 60,
            "_timers": timers,
        }
    ).run()
