"""Reading workplace pages in test-client tests: parse the HTML, find elements by simple CSS."""

from __future__ import annotations

import re
from typing import Any

import lxml.html

_PART = re.compile(
    r"^(?P<tag>[\w-]+)?(?P<id>#[\w-]+)?(?P<cls>(\.[\w-]+)*)(?P<attrs>(\[[\w-]+=\"[^\"]*\"\])*)$"
)
_ATTR = re.compile(r"\[([\w-]+)=\"([^\"]*)\"\]")


def page(response: Any) -> Any:
    """The HTML of a test client's response, parsed."""
    return lxml.html.fromstring(response.get_data(as_text=True))


def xpath(selector: str) -> str:
    """XPath for a simple CSS selector: tag#id.class[attr="value"], descendants by spaces."""
    steps = []
    for part in selector.split():
        found = _PART.match(part)
        assert found is not None, f"unsupported selector {part!r}"
        step = found["tag"] or "*"
        if found["id"]:
            step += f'[@id="{found["id"][1:]}"]'
        for name in filter(None, found["cls"].split(".")):
            step += f'[contains(concat(" ", normalize-space(@class), " "), " {name} ")]'
        for name, value in _ATTR.findall(found["attrs"]):
            step += f'[@{name}="{value}"]'
        steps.append(step)
    return "//" + "//".join(steps)


def css(doc: Any, selector: str) -> list[Any]:
    """The elements of `doc` matching `selector` (see `xpath`)."""
    return list(doc.xpath(xpath(selector)))


def text(doc: Any, selector: str) -> str:
    """The text of the first element matching `selector`, stripped."""
    found = css(doc, selector)
    assert found, f"nothing matches {selector!r}"
    return str(found[0].text_content().strip())
