"""The one place that reads configuration.

The database URL comes from, in order: the ``XMESS_DATABASE_URL`` environment variable,
``[connections.xmess] url`` in ``.streamlit/secrets.toml``, or an embedded SQLite file under
``data/``. Reading the secrets file with ``tomllib`` (not ``st.secrets``) keeps this module usable
from the command line, migrations and services, none of which may import Streamlit.

The knobs of the work, each a positive whole number, come from, in order: an environment
variable, a key of the ``[xmess]`` table in ``.streamlit/secrets.toml``, or the default:

==============================  ===============================  =======  =====================
``[xmess]`` key                 Environment variable             Default  Meaning
==============================  ===============================  =======  =====================
``follow_up_cadence_days``      ``XMESS_FOLLOW_UP_CADENCE_DAYS``      90  Days between routine
                                                                          contacts with a member
``onboarding_cadence_days``     ``XMESS_ONBOARDING_CADENCE_DAYS``     30  The same, while the
                                                                          member's onboarding is
                                                                          in progress
``ccpr_bag_hours``              ``XMESS_CCPR_BAG_HOURS``              50  The work plan's yearly
                                                                          bag of expert CCPR
                                                                          advisory hours
``write_wait_seconds``          ``XMESS_WRITE_WAIT_SECONDS``          10  How long a write waits
                                                                          for another one (a long
                                                                          import) before it is
                                                                          refused
``refresh_seconds``             ``XMESS_REFRESH_SECONDS``              2  How often an open
                                                                          page checks whether
                                                                          anyone has changed the
                                                                          data: it redraws in
                                                                          presentation mode,
                                                                          elsewhere it says so
``run_log``                     ``XMESS_RUN_LOG``                 (none)  A file that gets one
                                                                          line per page run (the
                                                                          page and its server
                                                                          time): ``make load``
                                                                          reads it
==============================  ===============================  =======  =====================

For example, in ``.streamlit/secrets.toml``::

    [xmess]
    follow_up_cadence_days = 60

``run_log`` is a file path; every other knob is a positive whole number. A value that is not,
or an unknown key in ``[xmess]``, makes
``load_settings`` raise ``ValueError`` naming the knob, in Catalan (the page shows it); the
dashboard loads the settings before it draws any page, so a bad value stops it at once with
that message.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent
SECRETS_FILE = PROJECT_ROOT / ".streamlit" / "secrets.toml"
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "xmess.db"
# The table of secrets.toml that holds the knobs.
KNOBS_TABLE = "xmess"


@dataclass(frozen=True)
class Settings:
    database_url: str
    # The knobs: each field's default is the one default of that knob (see the docstring).
    # Days between routine contacts with a member, and with one still in onboarding.
    follow_up_cadence_days: int = 90
    onboarding_cadence_days: int = 30
    # The work plan's yearly bag of expert CCPR advisory hours for small municipalities.
    ccpr_bag_hours: int = 50
    # How long a write waits for the database's write lock (SQLite's busy timeout,
    # PostgreSQL's lock_timeout) while another write, such as a long import, holds it.
    write_wait_seconds: int = 10
    # How often an open page asks whether the data has changed (by anyone: another server,
    # the command line): the shared screen then redraws, a working page offers to.
    refresh_seconds: int = 2
    # Where to append one line per page run with its server time; "" for nowhere.
    run_log: str = ""


KNOBS = tuple(f.name for f in fields(Settings) if f.name != "database_url")
# Knobs that hold a text (a path); the others are positive whole numbers.
TEXT_KNOBS = frozenset({"run_log"})
# The driver the app installs for PostgreSQL (psycopg 3); hosting providers print the bare
# ``postgres://`` form, and SQLAlchemy's own default driver for ``postgresql://`` (psycopg2) is
# not installed.
_POSTGRES_SCHEMES = ("postgres://", "postgresql://")
POSTGRES_DRIVER_SCHEME = "postgresql+psycopg://"


def knob_variable(knob: str) -> str:
    """The environment variable of a knob: ``XMESS_`` and its name in capitals."""
    return f"XMESS_{knob.upper()}"


def _read_secrets(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _secrets_url(secrets: Mapping[str, Any]) -> str | None:
    url = secrets.get("connections", {}).get("xmess", {}).get("url")
    return str(url) if url else None


def normalise_database_url(url: str) -> str:
    """``url`` with PostgreSQL's bare schemes (``postgres://``, ``postgresql://``) turned into
    the installed driver's (``postgresql+psycopg://``); anything else as given, checked later
    by the engine factory (``db.session.make_engine``)."""
    url = url.strip()
    for scheme in _POSTGRES_SCHEMES:
        if url.lower().startswith(scheme):
            return POSTGRES_DRIVER_SCHEME + url[len(scheme) :]
    return url


def _database_url(env: Mapping[str, str], secrets: Mapping[str, Any]) -> str:
    url = env.get("XMESS_DATABASE_URL", "").strip() or _secrets_url(secrets)
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def database_url(*, environ: Mapping[str, str] | None = None, secrets: Path = SECRETS_FILE) -> str:
    return _database_url(os.environ if environ is None else environ, _read_secrets(secrets))


def _positive_whole_number(knob: str, value: object, *, source: str) -> int:
    number: int | None = None
    # TOML gives an int (or a float, or a bool: refused); the environment gives text.
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str):
        try:
            number = int(value.strip())
        except ValueError:
            number = None
    if number is None or number <= 0:
        raise ValueError(
            f"El paràmetre {knob} ha de ser un nombre enter positiu, però {source} hi posa "
            f"{value!r}. Doneu a {knob_variable(knob)} o a «{knob}» de [{KNOBS_TABLE}] a "
            f"{SECRETS_FILE.relative_to(PROJECT_ROOT)} un nombre enter més gran que zero, "
            "o traieu-lo per fer servir el valor per defecte."
        )
    return number


def _knobs_table(secrets: Mapping[str, Any], path: Path) -> Mapping[str, Any]:
    table = secrets.get(KNOBS_TABLE, {})
    if not isinstance(table, Mapping):
        raise ValueError(f"[{KNOBS_TABLE}] a {path} ha de ser una taula de paràmetres.")
    unknown = sorted(set(table) - set(KNOBS))
    if unknown:
        # A misspelt knob would otherwise be ignored without a word.
        raise ValueError(
            f"Paràmetre desconegut {', '.join(unknown)} a [{KNOBS_TABLE}] de {path}; "
            f"els coneguts són {', '.join(KNOBS)}."
        )
    return table


def _text(knob: str, value: object, *, source: str) -> str:
    if not isinstance(value, str):
        raise ValueError(
            f"El paràmetre {knob} ha de ser un text (el camí d'un fitxer), però {source} hi "
            f"posa {value!r}."
        )
    return value.strip()


def _knob_value(knob: str, value: object, *, source: str) -> int | str:
    if knob in TEXT_KNOBS:
        return _text(knob, value, source=source)
    return _positive_whole_number(knob, value, source=source)


def load_settings(
    *, environ: Mapping[str, str] | None = None, secrets: Path = SECRETS_FILE
) -> Settings:
    """Every setting, read now (cheap: the environment and one small file), so a test or an
    operator who changes one sees it on the next page run. Raises ``ValueError`` naming the
    knob when a value is not a positive whole number (or, for ``run_log``, a text)."""
    env = os.environ if environ is None else environ
    stored = _read_secrets(secrets)
    table = _knobs_table(stored, secrets)
    knobs: dict[str, Any] = {}
    for knob in KNOBS:
        variable = knob_variable(knob)
        if env.get(variable, "").strip():
            knobs[knob] = _knob_value(
                knob, env[variable], source=f"la variable d'entorn {variable}"
            )
        elif knob in table:
            knobs[knob] = _knob_value(knob, table[knob], source=f"[{KNOBS_TABLE}] de {secrets}")
    return Settings(database_url=_database_url(env, stored), **knobs)
