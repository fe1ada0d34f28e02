"""The run log (ui/timing.py): one whole line per page run, however the run ended, from many
threads at once; nothing at all when the knob is empty."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from streamlit.runtime.scriptrunner import RerunData, RerunException, StopException
from streamlit.testing.v1 import AppTest

from settings import Settings, load_settings
from ui import timing
from ui.timing import page_run


@pytest.fixture(autouse=True)
def no_secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The knob from the environment alone, whatever a developer's secrets.toml says."""

    def settings() -> Settings:
        return load_settings(secrets=tmp_path / "no-secrets.toml")

    monkeypatch.setattr(timing, "load_settings", settings)


def _lines(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]


def test_a_finished_run_is_one_line(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    with page_run("seguiment", log_path=str(log)):
        pass
    with page_run("", log_path=str(log)):  # the default page's address is the root
        pass
    (first, second) = _lines(log)
    ended_at, path, milliseconds, cpu_milliseconds, outcome, session = first
    assert (path, outcome, session) == ("/seguiment", "ok", "-")  # no Streamlit session here
    assert ended_at.endswith("+00:00")
    assert float(milliseconds) >= 0 and float(cpu_milliseconds) >= 0
    assert second[1:2] == ["/"]


@pytest.mark.parametrize(
    ("exception", "outcome"),
    [
        (StopException(), "stopped"),
        (RerunException(RerunData()), "rerun"),
        (RuntimeError("the page broke"), "error"),
    ],
)
def test_a_run_cut_short_is_logged_and_its_exception_goes_on(
    tmp_path: Path, exception: BaseException, outcome: str
) -> None:
    log = tmp_path / "runs.log"
    with pytest.raises(type(exception)) as raised, page_run("dades", log_path=str(log)):
        raise exception
    assert raised.value is exception  # untouched: Streamlit ends the run with it
    assert [line[4] for line in _lines(log)] == [outcome]


def test_an_empty_knob_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMESS_RUN_LOG", "")
    monkeypatch.chdir(tmp_path)
    with page_run("inici"):
        pass
    with page_run("inici", log_path=""):
        pass
    assert timing.run_log_path() == ""
    assert list(tmp_path.iterdir()) == []


def test_the_knob_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "from-the-knob.log"
    monkeypatch.setenv("XMESS_RUN_LOG", str(log))
    with page_run("mapa"):
        pass
    assert [line[1] for line in _lines(log)] == ["/mapa"]


def test_threads_at_once_leave_whole_lines(tmp_path: Path) -> None:
    log = tmp_path / "runs.log"
    threads, runs = 8, 200
    start = threading.Barrier(threads)

    def session(number: int) -> None:
        start.wait()
        for _ in range(runs):
            with page_run(f"page{number}", log_path=str(log)):
                pass

    workers = [threading.Thread(target=session, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    lines = _lines(log)
    assert len(lines) == threads * runs
    assert all(len(line) == 6 and line[4] == "ok" for line in lines)
    assert {line[1] for line in lines} == {f"/page{n}" for n in range(threads)}


def test_a_log_that_cannot_be_written_never_breaks_the_page(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "no-such-folder" / "runs.log"
    for _ in range(3):
        with page_run("inici", log_path=str(missing)):
            pass
    assert not missing.exists()
    # Said once, not per run.
    assert sum("Cannot write the run log" in r.message for r in caplog.records) == 1
    timing._failed_paths.discard(str(missing))


def _stopping_app() -> None:
    import streamlit as st

    from ui.timing import page_run

    with page_run("dades"):
        st.title("abans")
        if st.session_state.setdefault("stop", True):
            st.stop()
    st.title("mai")  # never drawn: the stop went through


def test_streamlit_still_stops_a_run_through_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "runs.log"
    monkeypatch.setenv("XMESS_RUN_LOG", str(log))
    app = AppTest.from_function(_stopping_app).run()
    assert not app.exception
    assert [t.value for t in app.title] == ["abans"]
    (line,) = _lines(log)
    assert (line[1], line[4]) == ("/dades", "stopped")
    assert line[5] != "-"  # the Streamlit session's id
