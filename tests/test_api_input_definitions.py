"""Bad input on units and process definitions (deploy): a JSON error naming the problem."""

from __future__ import annotations

import pytest

from tests.conftest import REPO, Caller, Hotline
from tests.helpers.api import assert_error

TICKET_BPMN = (REPO / "bpmn" / "ticket.bpmn").read_text(encoding="utf-8")

# -- units --------------------------------------------------------------------------------


def test_units_list_and_wrong_method(hotline: Hotline) -> None:
    """Units are listed for any user; POST is a JSON 405, not HTML."""
    units = hotline.unit.get("/api/v1/units")
    assert units.status_code == 200
    assert {"ZJJ", "LZQ"} <= {u["code"] for u in units.json}
    assert_error(hotline.admin.post("/api/v1/units", json={"code": "X"}), 405, "method_not_allowed")


# -- definitions --------------------------------------------------------------------------


def definition_versions(h: Hotline) -> list[tuple[str, int]]:
    """(process_id, version) of every deployed version of the `ticket` process."""
    response = h.admin.get("/api/v1/definitions")
    assert response.status_code == 200, response.json
    return [(d["process_id"], d["version"]) for d in response.json if d["process_id"] == "ticket"]


@pytest.mark.parametrize("who", ["operator", "center", "unit", "supervisor", "leader"])
def test_deploy_is_admin_only(hotline: Hotline, who: str) -> None:
    """Non-admins get 403 and no version is stored."""
    before = definition_versions(hotline)
    caller: Caller = getattr(hotline, who)
    xml = TICKET_BPMN.replace("12345工单办理", "12345工单办理v2").encode()
    response = caller.post("/api/v1/definitions", data=xml, content_type="application/xml")
    assert_error(response, 403, "forbidden")
    assert definition_versions(hotline) == before


@pytest.mark.parametrize(
    ("xml", "says"),
    [
        (b"<bpmn:definitions", ("not well-formed",)),
        (b"\xff\xfe garbage", ("not well-formed", "UTF-8")),
        (b"<html><body>hi</body></html>", ("not a BPMN",)),
        (
            b'<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
            b'id="d" targetNamespace="x"/>',
            ("no executable process",),
        ),
    ],
)
def test_deploy_malformed_xml_is_422_naming_the_problem(
    hotline: Hotline, xml: bytes, says: tuple[str, ...]
) -> None:
    """Malformed or non-BPMN XML gives 422 with the problem in fields.problems; nothing stored."""
    before = definition_versions(hotline)
    response = hotline.admin.post(
        "/api/v1/definitions?filename=bad.bpmn", data=xml, content_type="application/xml"
    )
    error = assert_error(response, 422, "validation_error", "problems")
    problems = error["fields"]["problems"]
    assert problems and all(p["file"] == "bad.bpmn" for p in problems), problems
    assert any(s in p["message"] for p in problems for s in says), problems
    assert definition_versions(hotline) == before


def test_deploy_empty_body_is_422(hotline: Hotline) -> None:
    """An empty deployment names the body."""
    before = definition_versions(hotline)
    assert_error(hotline.admin.post("/api/v1/definitions"), 422, "validation_error", "body")
    assert definition_versions(hotline) == before


def test_deploy_refusal_names_the_element(hotline: Hotline) -> None:
    """A diagram with an unknown topic is refused naming the service task; nothing stored."""
    before = definition_versions(hotline)
    xml = TICKET_BPMN.replace('camunda:topic="ticket.answer"', 'camunda:topic="ticket.nope"')
    response = hotline.admin.post(
        "/api/v1/definitions?filename=ticket.bpmn",
        data=xml.encode(),
        content_type="application/xml",
    )
    problems = assert_error(response, 422, "validation_error", "problems")["fields"]["problems"]
    assert [(p["element_id"], p["file"]) for p in problems] == [("answer_directly", "ticket.bpmn")]
    assert "ticket.nope" in problems[0]["message"]
    assert definition_versions(hotline) == before


def test_deploy_good_diagram_makes_a_new_version(hotline: Hotline) -> None:
    """A changed diagram becomes version 2; deploying the same bytes again adds nothing."""
    xml = TICKET_BPMN.replace("12345工单办理", "12345工单办理v2").encode()
    first = hotline.admin.post("/api/v1/definitions?filename=ticket.bpmn", data=xml)
    assert first.status_code == 201, first.json
    assert [(d["process_id"], d["version"]) for d in first.json] == [("ticket", 2)]
    again = hotline.admin.post("/api/v1/definitions?filename=ticket.bpmn", data=xml)
    assert again.status_code == 201, again.json
    assert definition_versions(hotline) == [("ticket", 2), ("ticket", 1)]


def test_deploy_gbk_encoded_diagram_is_not_a_500(hotline: Hotline) -> None:
    """A well-formed BPMN saved as GBK (declared in its XML header) deploys or gets a 422."""
    xml = (
        TICKET_BPMN.replace('encoding="UTF-8"', 'encoding="GBK"')
        .replace("12345工单办理", "12345工单办理GBK")
        .encode("gbk")
    )
    response = hotline.admin.post("/api/v1/definitions?filename=gbk.bpmn", data=xml)
    assert response.status_code in (201, 422), response.get_data(as_text=True)
    if response.status_code == 201:
        assert definition_versions(hotline) == [("ticket", 2), ("ticket", 1)]
        return
    error = assert_error(response, 422, "validation_error", "problems")
    assert any("UTF-8" in p["message"] for p in error["fields"]["problems"]), error
    assert definition_versions(hotline) == [("ticket", 1)]


def test_deploy_overlong_filename_is_422(hotline: Hotline) -> None:
    """A filename longer than the column is refused with 422 naming filename."""
    xml = TICKET_BPMN.replace("12345工单办理", "12345工单办理v2").encode()
    response = hotline.admin.post(f"/api/v1/definitions?filename={'a' * 600}.bpmn", data=xml)
    assert_error(response, 422, "validation_error", "filename")
