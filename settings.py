"""The one place that reads configuration.

The database URL comes from, in order: the ``XMESS_DATABASE_URL`` environment variable,
``[connections.xmess] url`` in ``.streamlit/secrets.toml``, or an embedded SQLite file under
``data/``. Reading the secrets file with ``tomllib`` (not ``st.secrets``) keeps this module usable
from the command line, migrations and services, none of which may import Streamlit.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "xmess.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    # Days between routine contacts with a member, and with one still in onboarding.
    follow_up_cadence_days: int = 90
    onboarding_cadence_days: int = 30
    # The work plan's yearly bag of expert CCPR advisory hours for small municipalities.
    ccpr_bag_hours: int = 50


def _secrets_url(path: Path) -> str | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    url = data.get("connections", {}).get("xmess", {}).get("url")
    return str(url) if url else None


def database_url(*, environ: dict[str, str] | None = None, secrets: Path = SECRETS_FILE) -> str:
    env = os.environ if environ is None else environ
    url = env.get("XMESS_DATABASE_URL") or _secrets_url(secrets)
    if url:
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def load_settings() -> Settings:
    return Settings(database_url=database_url())
