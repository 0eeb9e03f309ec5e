"""`hotline report month|quarter PERIOD`: the bulletin stored and written out as files."""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from click.testing import CliRunner, Result
from openpyxl import load_workbook
from pypdf import PdfReader

from hotline.config import Settings
from wiring.cli import main


def test_report_month_writes_the_xlsx_and_pdf(run: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("report", "month", "2026-10", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "bulletin 2026-10" in result.output  # the progress bar's label
    assert "广元市12345政务服务便民热线运行情况通报（2026年10月）: version 1" in result.output
    pdf = out / "bulletin-guangyuan-2026-10-v1.pdf"
    xlsx = out / "bulletin-guangyuan-2026-10-v1.xlsx"
    assert str(pdf) in result.output and str(xlsx) in result.output
    assert "2026年10月" in PdfReader(BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert load_workbook(xlsx).sheetnames[0] == "通报"
    again = run("report", "month", "2026-10", "--out", str(out))
    assert again.exit_code == 0 and (out / "bulletin-guangyuan-2026-10-v2.pdf").is_file()


def test_report_refuses_periods_the_profile_does_not_publish(
    run: Callable[..., Result], settings: Settings, tmp_path: Path
) -> None:
    quarter = run("report", "quarter", "2026-Q3", "--out", str(tmp_path))
    assert quarter.exit_code == 1 and "per month" in quarter.output
    running = run("report", "month", "2026-11", "--out", str(tmp_path))
    assert running.exit_code == 1 and "has not ended" in running.output
    env = {
        "HOTLINE_DATABASE_URL": settings.database_url,
        "HOTLINE_VAR_DIR": str(settings.var_dir),
        "HOTLINE_PROFILE": "meizhou",
        "HOTLINE_BPMN_DIR": str(settings.bpmn_dir),
    }
    month = CliRunner().invoke(main, ["report", "month", "2026-Q3"], env=env)
    assert month.exit_code == 1 and "hotline report quarter 2026-Q3" in month.output
    made = CliRunner().invoke(main, ["report", "quarter", "2026-Q3"], env=env)
    assert made.exit_code == 0, made.output
    assert (settings.var_dir / "bulletins" / "bulletin-meizhou-2026-Q3-v1.pdf").is_file()
    assert list(tmp_path.glob("*.pdf")) == []
