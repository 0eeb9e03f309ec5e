"""`hotline report …`: Bulletins (通报): generate a period's bulletin as XLSX and PDF."""

from __future__ import annotations

from pathlib import Path

import click

from hotline import bulletins
from hotline.bulletins.store import STEPS
from hotline.config import ConfigError
from hotline.errors import DomainError
from hotline.policy import PolicyError, active_profile
from wiring.services import build_services

BY = "hotline report"  # created_by of the bulletins generated from the command line


@click.group("report")
def report() -> None:
    """Bulletins (通报): generate a period's bulletin as XLSX and PDF."""


_OUT = click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="directory for the XLSX and PDF files (default: <var dir>/bulletins)",
)


@report.command("month")
@click.argument("period")
@_OUT
def month(period: str, out: Path | None) -> None:
    """Generate the bulletin of PERIOD, a month such as 2026-10 (profiles that publish monthly)."""
    _generate("month", period, out)


@report.command("quarter")
@click.argument("period")
@_OUT
def quarter(period: str, out: Path | None) -> None:
    """Generate the bulletin of PERIOD, a quarter such as 2026-Q3 (e.g. meizhou 第十二条(三))."""
    _generate("quarter", period, out)


def _generate(kind: str, text: str, out: Path | None) -> None:
    """Store the next version of the period's bulletin and write its files to `out`."""
    try:
        services = build_services()
    except (ConfigError, PolicyError) as exc:
        raise click.ClickException(str(exc)) from None
    profile = active_profile(services.runtime.extras)
    try:
        period = bulletins.profile_period(profile, text)
        if period.kind != kind:
            raise click.ClickException(
                f"profile {profile.name} publishes per {period.kind}: "
                f"run `hotline report {period.kind} {period.key}`"
            )
        bar = click.progressbar(length=len(STEPS), label=f"bulletin {period.key}")
        with bar, services.transaction() as session:
            row = bulletins.generate(
                session,
                profile,
                period,
                reason=bulletins.BulletinReason.ON_DEMAND,
                by=BY,
                progress=lambda _step: bar.update(1),
            )
            files = {"xlsx": row.xlsx, "pdf": row.pdf}
            names = {ext: bulletins.file_name(row, ext) for ext in files}
            version, title = row.version, row.content["title"]
    except DomainError as exc:
        raise click.ClickException(exc.message) from None
    finally:
        services.dispose()
    directory = out or services.settings.var_dir / "bulletins"
    directory.mkdir(parents=True, exist_ok=True)
    click.echo(f"{title}: version {version}")
    for ext, body in files.items():
        path = directory / names[ext]
        path.write_bytes(body)
        click.echo(f"  {path}")
