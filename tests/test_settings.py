from __future__ import annotations

from pathlib import Path

import pytest

from settings import DEFAULT_SQLITE_PATH, KNOBS, database_url, knob_variable, load_settings


def test_environment_wins_over_secrets(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.xmess]\nurl = "sqlite:///from-secrets.db"\n')
    url = database_url(environ={"XMESS_DATABASE_URL": "sqlite:///from-env.db"}, secrets=secrets)
    assert url == "sqlite:///from-env.db"


def test_secrets_file_is_read(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[connections.xmess]\nurl = "postgresql+psycopg://u@h/xmess"\n')
    assert database_url(environ={}, secrets=secrets) == "postgresql+psycopg://u@h/xmess"


def test_default_is_embedded_sqlite_under_data(tmp_path: Path) -> None:
    url = database_url(environ={}, secrets=tmp_path / "missing.toml")
    assert url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert DEFAULT_SQLITE_PATH.parent.name == "data"


def test_knobs_and_their_variables() -> None:
    assert [(knob, knob_variable(knob)) for knob in KNOBS] == [
        ("follow_up_cadence_days", "XMESS_FOLLOW_UP_CADENCE_DAYS"),
        ("onboarding_cadence_days", "XMESS_ONBOARDING_CADENCE_DAYS"),
        ("ccpr_bag_hours", "XMESS_CCPR_BAG_HOURS"),
        ("write_wait_seconds", "XMESS_WRITE_WAIT_SECONDS"),
        ("refresh_seconds", "XMESS_REFRESH_SECONDS"),
        ("run_log", "XMESS_RUN_LOG"),
    ]


def test_knob_defaults_without_configuration(tmp_path: Path) -> None:
    settings = load_settings(environ={}, secrets=tmp_path / "missing.toml")
    assert (
        settings.follow_up_cadence_days,
        settings.onboarding_cadence_days,
        settings.ccpr_bag_hours,
    ) == (90, 30, 50)
    assert (settings.write_wait_seconds, settings.refresh_seconds, settings.run_log) == (10, 2, "")


def test_knobs_are_read_from_the_xmess_table_of_the_secrets_file(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[connections.xmess]\nurl = "sqlite:///x.db"\n\n'
        "[xmess]\nfollow_up_cadence_days = 60\nccpr_bag_hours = 80\n"
    )
    settings = load_settings(environ={}, secrets=secrets)
    assert settings.database_url == "sqlite:///x.db"
    assert settings.follow_up_cadence_days == 60
    assert settings.ccpr_bag_hours == 80
    # Not in the file: the default.
    assert settings.onboarding_cadence_days == 30


def test_environment_wins_over_the_secrets_file_for_a_knob(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[xmess]\nonboarding_cadence_days = 20\n")
    settings = load_settings(environ={"XMESS_ONBOARDING_CADENCE_DAYS": " 15 "}, secrets=secrets)
    assert settings.onboarding_cadence_days == 15


def test_the_process_environment_is_read_on_every_load(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.toml"
    assert load_settings(secrets=missing).ccpr_bag_hours == 50
    monkeypatch.setenv("XMESS_CCPR_BAG_HOURS", "65")
    assert load_settings(secrets=missing).ccpr_bag_hours == 65


@pytest.mark.parametrize("value", ["0", "-5", "noranta", "7.5", "1e2"])
def test_a_bad_environment_value_is_refused_naming_the_knob(tmp_path: Path, value: str) -> None:
    with pytest.raises(ValueError, match="follow_up_cadence_days") as refused:
        load_settings(
            environ={"XMESS_FOLLOW_UP_CADENCE_DAYS": value}, secrets=tmp_path / "missing.toml"
        )
    message = str(refused.value)
    assert "XMESS_FOLLOW_UP_CADENCE_DAYS" in message
    assert repr(value) in message
    assert "nombre enter positiu" in message


@pytest.mark.parametrize("value", ["0", "-1", '"trenta"', "12.5", "true"])
def test_a_bad_secrets_value_is_refused_naming_the_knob(tmp_path: Path, value: str) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f"[xmess]\nonboarding_cadence_days = {value}\n")
    with pytest.raises(ValueError, match="onboarding_cadence_days") as refused:
        load_settings(environ={}, secrets=secrets)
    assert "[xmess]" in str(refused.value)


def test_a_misspelt_knob_in_the_secrets_file_is_refused(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text("[xmess]\nfollow_up_cadence = 60\n")
    with pytest.raises(ValueError, match="Paràmetre desconegut follow_up_cadence a \\[xmess\\]"):
        load_settings(environ={}, secrets=secrets)


@pytest.mark.parametrize(
    ("given", "used"),
    [
        # What hosting providers print, and SQLAlchemy's bare form (whose default driver,
        # psycopg2, is not installed): both go to psycopg 3.
        ("postgres://u:p@db.example:5432/xmess", "postgresql+psycopg://u:p@db.example:5432/xmess"),
        ("postgresql://u@h/xmess", "postgresql+psycopg://u@h/xmess"),
        ("  postgresql+psycopg://u@h/xmess \n", "postgresql+psycopg://u@h/xmess"),
        ("sqlite:///x.db", "sqlite:///x.db"),
        # Anything else is left as given, for the engine factory to name as malformed.
        ("mysql://u@h/xmess", "mysql://u@h/xmess"),
        ("nonsense", "nonsense"),
    ],
)
def test_postgres_urls_are_normalised_to_the_installed_driver(
    tmp_path: Path, given: str, used: str
) -> None:
    assert database_url(environ={"XMESS_DATABASE_URL": given}, secrets=tmp_path / "no") == used
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[connections.xmess]\nurl = "{given.strip()}"\n')
    assert database_url(environ={}, secrets=secrets) == used


def test_the_run_log_knob_is_a_path(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[xmess]\nrun_log = "/var/log/xmess/runs.log"\nwrite_wait_seconds = 30\n')
    settings = load_settings(environ={}, secrets=secrets)
    assert (settings.run_log, settings.write_wait_seconds) == ("/var/log/xmess/runs.log", 30)
    secrets.write_text("[xmess]\nrun_log = 5\n")
    with pytest.raises(ValueError, match="run_log"):
        load_settings(environ={}, secrets=secrets)
