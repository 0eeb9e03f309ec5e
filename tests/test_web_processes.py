"""The process owners' pages (流程管理, /processes) through the test client: versions with
instance counts, upload with the validation report, the diagram's XML, dry-run migration."""

from __future__ import annotations

import io
import re

from werkzeug.test import TestResponse

from tests.conftest import REPO, Hotline
from tests.helpers.web import WebUser, web_user

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")
TRIAGE = '<bpmn:userTask id="triage" name="分类处置" camunda:candidateGroups="center">'
# The triage task offered to nobody: the deployment must refuse it, naming the element.
NO_GROUPS = TICKET_BPMN.replace(TRIAGE, '<bpmn:userTask id="triage" name="分类处置">')
CHANGED = TICKET_BPMN.replace('label="处置方式"', 'label="处置方式（新）"')


def upload(user: WebUser, text: str, name: str = "ticket.bpmn") -> TestResponse:
    """Post the upload form with one file, as the page's form does."""
    return user.post(
        "/processes/upload",
        {"files": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )


def versions(hotline: Hotline) -> list[tuple[int, int]]:
    """(version, running instances) of the ticket process, newest first, from the API."""
    rows = hotline.admin.get("/api/v1/processes/ticket/versions").json
    return [(row["version"], row["running_instances"]) for row in rows]


def version_row(html: str, process_id: str, version: int) -> str:
    """The <tr> of one version in the process's table."""
    section = html.split(f'data-process="{process_id}"', 1)[1].split("</section>", 1)[0]
    found = re.search(rf'<tr data-version="{version}">(.*?)</tr>', section, re.S)
    assert found is not None, section
    return found.group(1)


def test_versions_with_instance_counts(hotline: Hotline) -> None:
    """Every deployed process with its versions; running and finished instances per version."""
    hotline.new_ticket()
    page = web_user(hotline.app, "demo-center").get("/processes")
    assert page.status_code == 200
    row = version_row(page.text, "ticket", 1)
    assert '<td class="running">1</td>' in row and "第 1 版（最新）" in row
    assert 'href="/processes/ticket/versions/1"' in row
    assert 'data-process="supervision"' in page.text
    assert 'action="/processes/upload"' not in page.text  # the center does not deploy


def test_units_get_404(hotline: Hotline) -> None:
    """A unit user is not offered the process pages: 404 for each of them."""
    unit = web_user(hotline.app, "demo-unit-zjj")
    for path in ("/processes", "/processes/ticket/versions/1", "/processes/ticket/migrate"):
        assert unit.get(path).status_code == 404, path
    assert upload(unit, CHANGED).status_code == 404
    assert versions(hotline) == [(1, 0)]


def test_upload_as_center_is_refused(hotline: Hotline) -> None:
    """The center reads the processes but does not deploy: 403 and no new version."""
    center = web_user(hotline.app, "demo-center")
    response = upload(center, CHANGED)
    assert response.status_code == 403
    assert "只有管理员可以部署流程图" in response.text
    assert versions(hotline) == [(1, 0)]


def test_an_upload_with_an_error_names_the_element_and_stores_nothing(hotline: Hotline) -> None:
    """The report lists the element (id, name, severity 错误, message in Chinese); nothing
    is stored."""
    admin = web_user(hotline.app, "demo-admin")
    response = upload(admin, NO_GROUPS)
    assert response.status_code == 422
    html = response.text
    assert "未部署" in html and "没有保存任何文件" in html
    row = re.search(r'<tr class="problem" data-element="triage">(.*?)</tr>', html, re.S)
    assert row is not None, html
    assert "错误" in row.group(1) and "分类处置" in row.group(1)
    assert "候选组" in row.group(1) and "Candidate groups" in row.group(1)
    assert versions(hotline) == [(1, 0)]


def test_a_good_upload_shows_the_new_version(hotline: Hotline) -> None:
    """A valid change is deployed as version 2, shown as the newest with no instances yet;
    the same file again makes no new version."""
    admin = web_user(hotline.app, "demo-admin")
    response = upload(admin, CHANGED)
    assert response.status_code == 201
    html = response.text
    assert "部署成功" in html and "ticket 第 2 版（新版本）" in html
    row = version_row(html, "ticket", 2)
    assert "第 2 版（最新）" in row and '<td class="running">0</td>' in row
    assert versions(hotline) == [(2, 0), (1, 0)]
    assert "未生成新版本" in upload(admin, CHANGED).text
    assert versions(hotline) == [(2, 0), (1, 0)]


def test_an_empty_upload_is_refused_in_chinese(hotline: Hotline) -> None:
    """No file chosen: 422 with the message tied to the file field."""
    admin = web_user(hotline.app, "demo-admin")
    response = admin.post("/processes/upload", {}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert 'aria-describedby="files-error"' in response.text
    assert "请选择一个或多个 .bpmn 文件" in response.text


def test_the_version_page_and_its_xml(hotline: Hotline) -> None:
    """The diagram page loads bpmn-js from /assets and lists the elements; the XML route
    answers the deployed file byte for byte."""
    center = web_user(hotline.app, "demo-center")
    page = center.get("/processes/ticket/versions/1")
    assert page.status_code == 200
    assert "/assets/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in page.text
    assert 'data-xml-url="/processes/ticket/versions/1/xml"' in page.text
    assert "<code>triage</code></td><td>分类处置</td><td>用户任务</td>" in page.text
    xml = center.get("/processes/ticket/versions/1/xml")
    assert xml.status_code == 200 and xml.mimetype == "application/xml"
    assert xml.get_data(as_text=True) == TICKET_BPMN
    assert center.get("/processes/ticket/versions/9").status_code == 404


def test_dry_run_migration_shows_the_outcome_and_changes_nothing(hotline: Hotline) -> None:
    """A ticket on version 1, a version 2 deployed: the dry run lists the ticket's instance
    and what would happen; it stays on version 1."""
    number = hotline.new_ticket()["number"]
    admin = web_user(hotline.app, "demo-admin")
    upload(admin, CHANGED)
    assert versions(hotline) == [(2, 0), (1, 1)]
    form = admin.get("/processes/ticket/migrate")
    assert form.status_code == 200 and '<label for="to_version">' in form.text
    page = admin.get(f"/processes/ticket/migrate?ticket={number}&to_version=2")
    assert page.status_code == 200, page.text
    assert "试迁移结果：第 1 版 → 第 2 版" in page.text and "未做任何更改" in page.text
    assert f'href="/tickets/{number}"' in page.text
    assert "可以迁移" in page.text or "不能迁移" in page.text
    whole = admin.get("/processes/ticket/migrate?from_version=1&to_version=2")
    assert whole.status_code == 200 and f">{number}</a>" in whole.text
    assert versions(hotline) == [(2, 0), (1, 1)]


def test_dry_run_errors_are_shown_by_field(hotline: Hotline) -> None:
    """Unknown ticket or missing target: 422 with the message tied to its field; the
    center may not migrate at all."""
    admin = web_user(hotline.app, "demo-admin")
    page = admin.get("/processes/ticket/migrate?ticket=GY20990101000001&to_version=")
    assert page.status_code == 422
    assert 'aria-describedby="ticket-error"' in page.text and "找不到工单" in page.text
    assert 'aria-describedby="to_version-error"' in page.text
    center = web_user(hotline.app, "demo-center")
    assert center.get("/processes/ticket/migrate").status_code == 403
