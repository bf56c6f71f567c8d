"""Every tool area in the registry has a tests/test_<area>.py naming at least one of its tools."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pytest

from calendly_mcp.tools.registry import AREAS

TESTS = Path(__file__).parent


def short(area: ModuleType) -> str:
    return area.__name__.rsplit(".", 1)[1]


def test_there_are_areas() -> None:
    assert AREAS, "the registry lists no tool area"


@pytest.mark.parametrize("area", AREAS, ids=short)
def test_area_has_a_test_file_calling_its_tools(area: ModuleType) -> None:
    path = TESTS / f"test_{short(area)}.py"
    assert path.is_file(), f"the {short(area)} tools have no {path.name}"
    names = [spec.name for spec in area.TOOLS.specs]
    assert names, f"{area.__name__} has no tools"
    text = path.read_text(encoding="utf-8")
    quoted = [name for name in names if re.search(rf"([\"']){re.escape(name)}\1", text)]
    assert quoted, f"{path.name} names none of {', '.join(names)} as a quoted string"
