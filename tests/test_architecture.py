"""The layering rules that keep the code easy to change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


@pytest.mark.parametrize("package", ["services", "db"])
def test_domain_layers_never_import_streamlit(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no Python files"
    offenders = [
        str(path.relative_to(ROOT))
        for path in files
        if any(m == "streamlit" or m.startswith("streamlit.") for m in _imported_modules(path))
    ]
    assert offenders == []


def test_pages_never_build_sql() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "pages").glob("*.py"))
        if any(m == "sqlalchemy" or m.startswith("sqlalchemy.") for m in _imported_modules(path))
    ]
    assert offenders == []


# Widgets whose own English Streamlit shows unless told otherwise: the keyword that gives
# the Catalan text or form instead.
_CATALAN_KEYWORDS = {
    "multiselect": "placeholder",  # "Choose options"
    "date_input": "format",  # "YYYY/MM/DD"
    "file_uploader": "help",  # what the file may be, in Catalan beside "Drag and drop"
}


def test_every_widget_that_shows_english_by_default_is_given_catalan() -> None:
    offenders = []
    for path in sorted([*(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            wanted = _CATALAN_KEYWORDS.get(node.func.attr)
            if wanted and wanted not in {k.arg for k in node.keywords}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.func.attr}")
    assert offenders == []


# The chart builders the pages and the meeting pack's PDF share, and the PDF itself: they run
# outside Streamlit (a command line, the bench, a download's thread), so they never import it,
# nor any ui module that does.
STREAMLIT_FREE_UI = ("ui/chart_specs.py", "ui/plan_charts.py", "ui/meeting_pack_pdf.py")


@pytest.mark.parametrize("name", STREAMLIT_FREE_UI)
def test_shared_chart_and_pdf_modules_never_import_streamlit(name: str) -> None:
    modules = _imported_modules(ROOT / name)
    assert not any(m == "streamlit" or m.startswith("streamlit.") for m in modules)
    ui_modules = {m for m in modules if m.startswith("ui.")}
    allowed = {f"ui.{Path(path).stem}" for path in STREAMLIT_FREE_UI}
    assert ui_modules <= allowed
