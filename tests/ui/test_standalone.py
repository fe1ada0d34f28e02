"""The deep-link workaround: on a fresh server, Streamlit's old folder mode runs
``pages/<name>.py`` itself for a first request to ``/<name>``. So every page file only
defines things (running it draws nothing) and ends with the one guard that hands over to
``dashboard.py`` (ui/standalone.py). tests/e2e/test_shell.py opens each page's deep link on a
fresh server in Chromium."""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

ROOT = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(p for p in (ROOT / "pages").glob("*.py") if p.name != "__init__.py")
GUARD = """
if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
"""
# What a page module may hold at top level besides the guard: nothing that draws.
DEFINITIONS = (
    ast.Import,
    ast.ImportFrom,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Assign,
    ast.AnnAssign,
)


def test_there_are_pages() -> None:
    assert len(PAGE_FILES) >= 7


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda path: path.stem)
def test_a_page_file_only_defines_things_and_ends_with_the_guard(path: Path) -> None:
    body = ast.parse(path.read_text(encoding="utf-8")).body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    assert body, f"{path.name} is empty"
    *definitions, last = body
    assert ast.dump(last) == ast.dump(ast.parse(GUARD).body[0]), (
        f"{path.name} must end with exactly this block (a fresh server's first request to "
        f"its deep link runs the file itself):{GUARD}"
    )
    drawing = [
        f"line {node.lineno}: {ast.unparse(node)[:60]}"
        for node in definitions
        if not isinstance(node, DEFINITIONS)
    ]
    assert drawing == [], f"{path.name} does something when run; put it inside render()"


def _run_every_page_file_as_a_module(root: str) -> None:
    import runpy
    from pathlib import Path

    for path in sorted(Path(root, "pages").glob("*.py")):
        runpy.run_path(str(path), run_name=f"pages.{path.stem}")


def test_running_a_page_file_as_a_module_draws_nothing() -> None:
    app = AppTest.from_function(
        _run_every_page_file_as_a_module, args=(str(ROOT),), default_timeout=60
    )
    app.run()
    assert not app.exception
    assert app.main.children == {}
    assert app.sidebar.children == {}


@pytest.fixture
def demo_app(monkeypatch: pytest.MonkeyPatch, demo_sqlite_url: str) -> Callable[[str], AppTest]:
    monkeypatch.setenv("XMESS_DATABASE_URL", demo_sqlite_url)
    return lambda page_file: AppTest.from_file(str(ROOT / page_file), default_timeout=60)


def test_a_page_file_run_as_the_script_hands_over_to_the_dashboard(
    demo_app: Callable[[str], AppTest],
) -> None:
    """What a fresh server does for ``/grups``: the page file is the script, and the URL asks
    for the page registered under ``grups``."""
    app = demo_app("pages/grups.py")
    # Private to AppTest (tests/ui/test_private_apis.py guards it): the page the URL asks for.
    app._page_hash = calc_hash("grups")
    app.run()
    assert not app.exception
    assert [title.value for title in app.title] == ["Grups de Treball"]
    # The sidebar is dashboard.py's.
    assert [toggle.label for toggle in app.sidebar.toggle] == ["Mode presentació"]
