"""Guard for page files run on their own.

On a freshly started server, Streamlit's old folder mode runs ``pages/<name>.py`` directly
when the first request is a deep link (``/dades``), before ``dashboard.py`` has ever run: no
page config, no sidebar, no database check. A page file calls ``run_dashboard()`` when it is
the script being run, so the dashboard takes over and ``st.navigation`` serves the page asked
for.
"""

from __future__ import annotations

import runpy
from pathlib import Path

DASHBOARD = Path(__file__).resolve().parent.parent / "dashboard.py"


def run_dashboard() -> None:
    runpy.run_path(str(DASHBOARD), run_name="__main__")
