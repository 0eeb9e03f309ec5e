"""`hotline knowledge …`: import, export and reindex knowledge articles."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import click

from hotline.config import ConfigError
from hotline.knowledge_export import export_rows, write_rows
from hotline.knowledge_io import (
    ImportReport,
    KnowledgeFileError,
    import_records,
    read_records,
)
from hotline.search import reindex_all, warm_up
from wiring.services import Services, build_services

CHUNK = 200  # rows per transaction: a long import never holds the database for long


def _services() -> Services:
    try:
        return build_services()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@click.group("knowledge")
def knowledge() -> None:
    """The knowledge base (知识库): import, export, reindex."""


@knowledge.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--publish",
    is_flag=True,
    help="publish every article at once (migrating an already approved knowledge base); "
    "default: drafts, which their units submit for approval",
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="also write the failed rows as CSV (row, line, field, message)",
)
def import_(file: Path, publish: bool, report_file: Path | None) -> None:
    """Import articles from FILE: a JSON list of objects or a CSV file with a header.

    Fields: question, answer, type (faq, procedure, policy, organization or 常见问题,
    办事流程, 政策法规, 机构信息), unit (code), keywords (list, or text separated by
    commas or 、), region, valid_from, valid_until, review_at (YYYY-MM-DD). Each row is
    stored on its own: bad rows are listed at the end (row, field, message) and the
    exit status is 1; good rows are imported all the same. A row whose unit already has
    an article with the same question is skipped, so a corrected file can be re-run.
    """
    try:
        records = read_records(file)
    except KnowledgeFileError as exc:
        raise click.ClickException(str(exc)) from None
    services = _services()
    report = ImportReport()
    warm_up()  # jieba loads before the bar starts
    try:
        with click.progressbar(length=len(records), label="importing", file=sys.stderr) as bar:
            for start in range(0, len(records), CHUNK):
                with services.transaction() as session:
                    chunk = records[start : start + CHUNK]
                    import_records(
                        session,
                        chunk,
                        report,
                        publish=publish,
                        progress=bar.update,
                        runtime=services.runtime,
                    )
    finally:
        services.dispose()
    state = "published" if publish else "draft"
    click.echo(f"imported {len(report.imported)} article(s) as {state} from {file}")
    if report.skipped:
        rows = ", ".join(str(row) for row, _ in report.skipped)
        click.echo(f"skipped {len(report.skipped)} row(s) already in the knowledge base: {rows}")
    if report.errors:
        click.echo(f"{len(report.failed_rows)} row(s) failed, nothing of them stored:", err=True)
        for error in report.errors:
            click.echo(f"  {error}", err=True)
    if report_file is not None:
        _write_report(report_file, report)
    if report.errors:
        sys.exit(1)


def _write_report(path: Path, report: ImportReport) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["row", "line", "field", "message"])
        for e in report.errors:
            writer.writerow([e.row, e.line or "", e.field, e.message])


@knowledge.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option(
    "--unpublished", is_flag=True, help="also never-published articles (drafts, in review)"
)
def export(file: Path, unpublished: bool) -> None:
    """Export published articles to FILE (.json or .csv, by its extension), in import format."""
    if file.suffix.lower() not in (".json", ".csv"):
        raise click.ClickException(f"{file}: expected a .json or .csv file name")
    services = _services()
    try:
        with services.transaction() as session:
            rows = export_rows(session, unpublished=unpublished)
        write_rows(file, rows)
    except (KnowledgeFileError, OSError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        services.dispose()
    click.echo(f"exported {len(rows)} article(s) to {file}")


@knowledge.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the published articles (after a dictionary change)."""
    services = _services()
    try:
        with services.transaction() as session:
            count = reindex_all(session)
    finally:
        services.dispose()
    click.echo(f"indexed {count} published article(s)")
