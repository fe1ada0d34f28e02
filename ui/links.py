"""Links to a member's file. A member's file has its own address, /seguiment?membre=<id>:
Inici's lists, the map and the sidebar search link to it, and it can be bookmarked or sent to
a colleague. (Apart from ``ui.navigation``, which ``ui.layout`` needs through ``ui.auth``.)"""

from __future__ import annotations

import pandas as pd

from ui.layout import PRESENTATION_ON, PRESENTATION_PARAM, presentation_mode

MEMBER_PARAM = "membre"


def member_query(member_id: int) -> dict[str, str]:
    """The query string of a member's file, for ``st.page_link`` and ``st.switch_page``. The
    shared screen's mode goes with it: a link opened in a new tab starts a new session, which
    reads the mode from its address."""
    params = {MEMBER_PARAM: str(member_id)}
    if presentation_mode():
        params[PRESENTATION_PARAM] = PRESENTATION_ON
    return params


def member_file_urls(member_ids: pd.Series) -> pd.Series:
    """Each member's file as an address relative to the current page (every page's address
    is one level under the app's), for a table's link column; the shared screen's mode goes
    with it, as in ``member_query``."""
    suffix = f"&{PRESENTATION_PARAM}={PRESENTATION_ON}" if presentation_mode() else ""
    return f"seguiment?{MEMBER_PARAM}=" + member_ids.astype(int).astype(str) + suffix
