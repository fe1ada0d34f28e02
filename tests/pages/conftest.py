"""AppTest helpers: run ``dashboard.py`` against a chosen database and open a page by URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

import ui.data

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")


# Sign-in as configured on a team server. AppTest never reaches the provider: ``app.user``
# stands for what ``st.user`` holds after a real sign-in.
TEST_AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-cookie-secret",
    "client_id": "xmess-dashboard",
    "client_secret": "test-client-secret",
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}


def run_page(
    url_path: str | None = None,
    *,
    timeout: float = 60,
    user: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> AppTest:
    """Run the dashboard, then (optionally) the page registered under ``url_path``.

    Without ``user`` the dashboard runs in local mode (no ``[auth]``). With ``user`` sign-in
    is configured and ``user`` (``email``, ``name``) is signed in; ``user={}`` is an
    anonymous visitor. ``query`` is the page address's query string (``{"membre": "3"}``).

    ``AppTest.switch_page`` only takes page files; our pages are functions handed to
    ``st.Page``, whose script hash is the hash of their URL path.
    """
    app = AppTest.from_file(DASHBOARD, default_timeout=timeout)
    if user is not None:
        app.secrets["auth"] = TEST_AUTH
        app.user = {"is_logged_in": bool(user), **user}
    app.run()
    if url_path is not None:
        # Private to AppTest; tests/ui/test_private_apis.py guards it.
        app._page_hash = calc_hash(url_path)
        for name, value in (query or {}).items():
            app.query_params[name] = value
        app.run()
    return app


@pytest.fixture
def app_on(monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """``app_on(url)`` runs the dashboard against the database at ``url``."""

    def _run(
        database_url: str,
        url_path: str | None = None,
        *,
        user: dict[str, str] | None = None,
        query: dict[str, str] | None = None,
    ) -> AppTest:
        monkeypatch.setenv("XMESS_DATABASE_URL", database_url)
        return run_page(url_path, user=user, query=query)

    return _run


@pytest.fixture(autouse=True)
def strict_reads() -> Iterator[None]:
    """Every cached read a page test draws must stay inside the data areas its service
    declares: a read outside them would be cached under a key that misses changes."""
    ui.data.strict_reads = True
    yield
    ui.data.strict_reads = False
