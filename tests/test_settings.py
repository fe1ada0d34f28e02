from __future__ import annotations

from pathlib import Path

from settings import DEFAULT_SQLITE_PATH, database_url


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
