"""Page benchmark: ``make bench`` (not part of the test suite).

For each scale (demo, and ten times the demo), builds a fresh SQLite database with the demo
network, then times every page's script run through AppTest: the median of repeated runs after
a warm-up, with caches warm (a rerun, as when a widget moves) and cold (caches cleared, as after
a write). An empty Streamlit page is timed in the same run, so the table reads as a ratio that
does not depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from db.demo import generate_demo
from db.migrate import upgrade_to_head
from db.session import make_engine

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")
# URL paths of the pages registered in dashboard.py.
PAGES = [
    "inici",
    "seguiment",
    "grups",
    "esdeveniments",
    "mapa",
    "prioritzacio",
    "dades",
]
EMPTY_PAGE = "import streamlit as st\nst.write('')\n"


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up: imports, first queries, caches
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _page_app(url_path: str) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    app.run()
    app._page_hash = calc_hash(url_path)  # noqa: SLF001 (function pages hash their URL path)
    return app


def _run_checked(app: AppTest, clear: bool) -> None:
    if clear:
        st.cache_data.clear()
    app.run()
    if app.exception:
        raise SystemExit(f"page raised: {app.exception[0].message}")


def build_database(scale: int, folder: Path) -> str:
    url = f"sqlite:///{folder / f'bench-{scale}.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    start = time.perf_counter()
    generate_demo(engine, seed=2026, scale=scale)
    print(f"demo data at scale {scale}: {time.perf_counter() - start:.1f} s")
    engine.dispose()
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--pages", nargs="+", default=PAGES, choices=PAGES)
    args = parser.parse_args(argv)

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scales:
            os.environ["XMESS_DATABASE_URL"] = build_database(scale, Path(folder))
            empty = AppTest.from_string(EMPTY_PAGE)
            empty_ms = _median_ms(empty.run, args.repeats)
            for page in args.pages:
                app = _page_app(page)
                warm = _median_ms(lambda app=app: _run_checked(app, False), args.repeats)
                cold = _median_ms(lambda app=app: _run_checked(app, True), args.repeats)
                rows.append((page, scale, empty_ms, warm, cold))

    print()
    print(
        f"{'page':<28}{'scale':>6}{'empty ms':>10}{'warm ms':>10}{'ratio':>8}"
        f"{'cold ms':>10}{'ratio':>8}"
    )
    for page, scale, empty_ms, warm, cold in rows:
        print(
            f"{page:<28}{scale:>6}{empty_ms:>10.1f}{warm:>10.1f}{warm / empty_ms:>8.1f}"
            f"{cold:>10.1f}{cold / empty_ms:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
