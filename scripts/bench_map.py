"""Time the territorial map in headless Chromium with the network cable pulled.

``python -m scripts.bench_map`` builds the demo network in a temporary SQLite file, starts the
app, and measures how long the map takes to draw the comarques in a new browser (no cache)
with every request that leaves 127.0.0.1 aborted: first on the freshly started server, then
twice more on the warm one. Needs Debian's ``chromium`` (as the end-to-end tests do).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from db.demo import generate_demo
from db.migrate import upgrade_to_head
from db.session import make_engine
from tests.e2e.conftest import CHROMIUM, CHROMIUM_FLAGS, StreamlitServer

MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_map", description=__doc__)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--visits", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'map.db'}"
        engine = make_engine(url)
        upgrade_to_head(engine)
        generate_demo(engine, seed=2026, scale=args.scale)
        engine.dispose()
        server = StreamlitServer(url, home=Path(folder))
        try:
            with sync_playwright() as playwright:
                for visit in range(args.visits):
                    browser = playwright.chromium.launch(
                        executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS
                    )
                    page = browser.new_page(viewport={"width": 1400, "height": 900})
                    page.route(
                        "**/*",
                        lambda route: (
                            route.continue_()
                            if route.request.url.startswith(
                                (server.url, "data:", "blob:", "about:")
                            )
                            else route.abort()
                        ),
                    )
                    start = time.perf_counter()
                    page.goto(f"{server.url}/mapa")
                    # The 43 comarques and the members: well past the 40th shape, the map is up.
                    shapes = page.frame_locator(MAP_FRAME).locator("path.leaflet-interactive")
                    shapes.nth(60).wait_for(state="attached", timeout=60_000)
                    elapsed = time.perf_counter() - start
                    server_state = "fresh server" if visit == 0 else "warm server"
                    print(f"{server_state}, new browser, offline: {elapsed:.2f} s")
                    browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
