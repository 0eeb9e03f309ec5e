"""Bulletins over HTTP: the center generates, every role reads and downloads, bad periods are
refused naming the field."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from pypdf import PdfReader

from tests.conftest import Hotline
from tests.helpers.api import assert_error

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def generate(h: Hotline, period: str = "2026-10") -> dict:
    """POST /api/v1/bulletins as the center; the new version."""
    response = h.center.post("/api/v1/bulletins", json={"period": period})
    assert response.status_code == 201, response.json
    return response.json


def test_only_center_and_admin_generate_and_every_role_reads(hotline: Hotline) -> None:
    for caller in (hotline.unit, hotline.operator, hotline.supervisor, hotline.leader):
        response = caller.post("/api/v1/bulletins", json={"period": "2026-10"})
        assert_error(response, 403, "forbidden")
    assert hotline.center.get("/api/v1/bulletins").json["total"] == 0
    first = generate(hotline)
    assert (first["period"], first["version"], first["reason"]) == ("2026-10", 1, "on_demand")
    assert first["created_by"] == "demo-center"
    assert first["title"] == "广元市12345政务服务便民热线运行情况通报（2026年10月）"
    second = hotline.admin.post("/api/v1/bulletins", json={"period": "2026-10"}).json
    assert second["version"] == 2
    for caller in (hotline.unit, hotline.other_unit, hotline.operator, hotline.leader):
        page = caller.get("/api/v1/bulletins").json
        assert [(b["period"], b["version"]) for b in page["items"]] == [
            ("2026-10", 2),
            ("2026-10", 1),
        ]
        detail = caller.get(f"/api/v1/bulletins/{first['id']}")
        assert detail.status_code == 200 and detail.json["content"]["version"] == 1
    paged = hotline.unit.get("/api/v1/bulletins", query_string={"per_page": 1, "page": 2}).json
    assert (paged["total"], [b["version"] for b in paged["items"]]) == (2, [1])


def test_downloads_open_as_xlsx_and_pdf(hotline: Hotline) -> None:
    made = generate(hotline)
    xlsx = hotline.unit.get(made["xlsx_url"])
    assert xlsx.status_code == 200 and xlsx.mimetype == XLSX
    assert xlsx.headers["Content-Disposition"] == (
        'attachment; filename="bulletin-guangyuan-2026-10-v1.xlsx"'
    )
    book = load_workbook(BytesIO(xlsx.data))
    assert book.sheetnames[0] == "通报" and "考核排名" in book.sheetnames
    pdf = hotline.unit.get(made["pdf_url"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Content-Disposition"].endswith(
        'filename="bulletin-guangyuan-2026-10-v1.pdf"'
    )
    text = PdfReader(BytesIO(pdf.data)).pages[0].extract_text()
    assert "广元市12345政务服务便民热线运行情况通报（2026年10月）" in text
    chart = hotline.unit.get(made["chart_urls"]["category_mix"])
    assert chart.status_code == 200 and chart.mimetype == "image/svg+xml"
    assert "诉求类型构成" in chart.get_data(as_text=True)


def test_bad_periods_are_refused_naming_the_field(hotline: Hotline) -> None:
    for body, status in (
        ({"period": "2026-Q3"}, 422),  # guangyuan publishes monthly
        ({"period": "2026-11"}, 422),  # not ended: the clock shows 2026-11-23
        ({"period": "October"}, 422),
        ({"period": "0000-01"}, 422),
        ({}, 422),
        ({"period": "2026-10", "draft": True}, 422),
    ):
        response = hotline.center.post("/api/v1/bulletins", json=body)
        field = "draft" if "draft" in body else "period"
        assert_error(response, status, "validation_error", field)
    assert hotline.center.get("/api/v1/bulletins").json["total"] == 0
    assert_error(hotline.unit.get("/api/v1/bulletins/999"), 404, "not_found")
    assert_error(hotline.unit.get("/api/v1/bulletins/999/pdf"), 404, "not_found")
    made = generate(hotline)
    assert_error(
        hotline.unit.get(f"/api/v1/bulletins/{made['id']}/charts/nope.svg"), 404, "not_found"
    )


def test_a_quarterly_profile_takes_quarters(profile_hotline) -> None:
    meizhou = profile_hotline("meizhou")
    refused = meizhou.center.post("/api/v1/bulletins", json={"period": "2026-09"})
    error = assert_error(refused, 422, "validation_error", "period")
    assert "第十二条(三)" in error["message"] and "quarter" in error["message"]
    made = generate(meizhou, "2026-Q3")
    assert made["title"] == "梅州市12345政府服务热线运行情况通报（2026年第三季度）"
    assert made["period_kind"] == "quarter"
