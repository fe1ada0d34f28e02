"""Guard for page files run on their own.

On a freshly started server, Streamlit's old folder mode runs ``pages/<name>.py`` directly
when the first request is a deep link (``/dades``), before ``dashboard.py`` has ever run: no
page config, no sidebar, no database check. Every page file therefore ends with

    if __name__ == "__main__":
        from ui.standalone import run_dashboard

        run_dashboard()

so the dashboard takes over and ``st.navigation`` serves the page asked for. Importing a page
module never runs it. tests/ui/test_standalone.py holds every page file to exactly that block
and checks the hand-over; tests/e2e/test_shell.py opens each page's deep link on a fresh
server in Chromium.
"""

from __future__ import annotations

import runpy
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def run_dashboard() -> None:
    runpy.run_path(str(DASHBOARD), run_name="__main__")
