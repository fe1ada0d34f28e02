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
