"""Page benchmark: ``make bench`` (not part of the test suite).

For each scale (demo, and ten times the demo), builds a fresh SQLite database with the demo
network, then times every page's script run through AppTest: the median of repeated runs after
a warm-up, with caches warm (a rerun, as when a widget moves) and cold (caches cleared, as after
a write). An empty Streamlit page is timed in the same run, so the table reads as a ratio that
does not depend on the machine.

After the page table, the what-if optimiser is timed on its own (no Streamlit): one solve of the
demo plan, its whole efficient frontier, and one solve and the frontier of 500 and of 2.000
random activities, against the targets (one solve under 1 s and the frontier under 3 s at 500,
one solve under 5 s at 2.000); "solves" counts HiGHS solves per call.

Then the importer on its own (no Streamlit): the time to check and write one file of 100,000
members, then one of 100,000 registrations to them, then one of 100,000 contacts, each in one
transaction on a fresh SQLite database (the test suite proves the shape of it, a fixed number
of bulk statements whatever the size; this says how long the size takes).

Last, the Commission's meeting pack on its own (no Streamlit): the last complete quarter's pack
read from the scale-10 database, then its PDF (charts through vl-convert, WeasyPrint), against
the 10-second target.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from db.demo import generate_demo
from db.migrate import upgrade_to_head
from db.models import Municipality, Scenario
from db.plan_loader import load_plan
from db.session import make_engine, session_scope
from services import importing, optimiser
from services.access import system_actor
from services.clock import catalan_today
from services.formatting import fmt_number
from services.optimiser_program import Program, Run
from services.plan import plan_model
from services.scenarios import BUDGET_CONVENI_EXTENDED_EUR, BUDGET_WITHOUT_CONVENI_EUR
from ui.navigation import PAGE_PATHS

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = str(ROOT / "dashboard.py")
# URL paths of the pages registered in dashboard.py.
PAGES = list(PAGE_PATHS)
SECTIONS = ["pages", "optimiser", "import", "pack"]
EMPTY_PAGE = "import streamlit as st\nst.write('')\n"
# AppTest runs without a server runtime; Streamlit says so at every cached call. Keep the
# table readable.
for _noisy in ("streamlit.runtime.caching.cache_data_api", "streamlit"):
    logging.getLogger(_noisy).setLevel(logging.ERROR)


def _median_ms(run: Callable[[], object], repeats: int) -> float:
    run()  # warm-up: imports, first queries, caches
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _page_app(url_path: str) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=120)
    app.run()
    # Private to AppTest; tests/ui/test_private_apis.py guards it.
    app._page_hash = calc_hash(url_path)
    return app


def _run_checked(app: AppTest, clear: bool) -> None:
    if clear:
        st.cache_data.clear()
    app.run()
    if app.exception:
        raise SystemExit(f"page raised: {app.exception[0].message}")


def build_database(scale: int, folder: Path) -> str:
    url = f"sqlite:///{folder / f'bench-{scale}.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    start = time.perf_counter()
    generate_demo(engine, seed=2026, scale=scale)
    print(f"demo data at scale {scale}: {time.perf_counter() - start:.1f} s")
    # The demo's first scenario adopted, as the team does first: Seguiment del pla and the
    # meeting pack then time their full paths (progress, re-plan, the plan's sections).
    from services.execution import adopt_scenario

    with session_scope(engine) as session:
        first = session.scalars(select(Scenario.id).order_by(Scenario.id)).first()
        if first is not None:
            adopt_scenario(session=session, scenario_id=first, actor=system_actor())
    engine.dispose()
    return url


def random_plan(size: int, seed: int) -> optimiser.Plan:
    """A plan shaped like the real one, ``size`` activities long: some mandatory, some
    Conveni-linked, two cap groups, pairs of alternatives, one in ten depending on another."""
    rng = random.Random(seed)
    activities = []
    for i in range(size):
        requires = (f"R{rng.randrange(i):04d}",) if i > 10 and rng.random() < 0.1 else ()
        activities.append(
            optimiser.Activity(
                code=f"R{i:04d}",
                cost_eur=Decimal(rng.randrange(3, 200) * 100),
                staff_hours=Decimal(rng.randrange(10, 200)),
                scores=tuple(rng.randint(0, 5) for _ in range(4)),  # type: ignore[arg-type]
                conveni=rng.random() < 0.4,
                mandatory=rng.random() < 0.03,
                cap_group=rng.choice(["jornades", "actes"]) if rng.random() < 0.08 else None,
                exclusive_group=f"E{rng.randrange(size // 10)}" if rng.random() < 0.1 else None,
                requires=requires,
            )
        )
    return optimiser.Plan(tuple(activities), (("jornades", 3), ("actes", 5)))


# The optimiser's targets (issue 15), in seconds, for the random plans.
OPTIMISER_TARGETS = {
    "500 random activities, one solve": 1.0,
    "500 random activities, whole frontier": 3.0,
    "2000 random activities, one solve": 5.0,
}


def optimiser_timings(folder: Path, repeats: int) -> list[tuple[str, float, int]]:
    """(what, median ms, HiGHS runs per call) for the optimiser alone."""
    engine = make_engine(f"sqlite:///{folder / 'plan.db'}")
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        year = 2026
        load_plan(session, year)
        demo = plan_model(session=session, year=year)
    engine.dispose()
    runs = 0
    real_run = Program.run

    def counted_run(self: Program, *args: Any, **kwargs: Any) -> Run:
        nonlocal runs
        runs += 1
        return real_run(self, *args, **kwargs)

    cases: list[tuple[str, Callable[[], object], int]] = []
    budgets = {
        "Conveni prorrogat": BUDGET_CONVENI_EXTENDED_EUR,
        "sense pròrroga": BUDGET_WITHOUT_CONVENI_EUR,
    }
    for label, budget in budgets.items():
        inputs = optimiser.Inputs(budget, demo.total_hours)
        cases.append(
            (f"demo plan, one solve ({label})", lambda i=inputs: optimiser.solve(demo, i), repeats)
        )
    inputs = optimiser.Inputs(BUDGET_WITHOUT_CONVENI_EUR, demo.total_hours)
    cases.append(("demo plan, whole frontier", lambda: optimiser.frontier(demo, inputs), repeats))
    for size in (500, 2000):
        large = random_plan(size, seed=2026)
        large_inputs = optimiser.Inputs(large.total_cost_eur / 2, large.total_hours * 7 / 10)
        # The large cases take seconds each: fewer repeats.
        few = min(repeats, 3)
        cases.append(
            (
                f"{size} random activities, one solve",
                lambda p=large, i=large_inputs: optimiser.solve(p, i),
                few,
            )
        )
        cases.append(
            (
                f"{size} random activities, whole frontier",
                lambda p=large, i=large_inputs: optimiser.frontier(p, i),
                few,
            )
        )
    rows = []
    Program.run = counted_run  # type: ignore[method-assign]
    try:
        for label, run, times in cases:
            runs = 0
            run()
            per_call = runs
            rows.append((label, _median_ms(run, times), per_call))
    finally:
        Program.run = real_run  # type: ignore[method-assign]
    return rows


def _import_seconds(engine: Engine, kind: str, lines: list[str]) -> float:
    """Check and write one CSV file in one transaction; refuses to time a refused file."""
    data = "\n".join(lines).encode("utf-8")
    start = time.perf_counter()
    with session_scope(engine) as session:
        preview = importing.import_file(
            session=session,
            kind=kind,
            data=data,
            file_name=f"{kind}.csv",
            today=catalan_today(),
            actor=system_actor("bench"),
        )
    seconds = time.perf_counter() - start
    if preview.problems or preview.created != len(lines) - 1:
        raise SystemExit(f"import of {kind} refused: {preview.problems[:3]}")
    return seconds


def import_timings(folder: Path, rows: int) -> list[tuple[str, int, float]]:
    """(what, rows, seconds) for importing ``rows`` members, registrations and contacts."""
    engine = make_engine(f"sqlite:///{folder / 'import.db'}")
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        codes = list(session.scalars(select(Municipality.ine_code).order_by(Municipality.ine_code)))
    names = [f"Ens local {n:06d}" for n in range(rows)]
    members = ["Nom;Tipus d'ens;Municipi;Data d'alta"] + [
        f"{name};Altre ens local;{codes[n % len(codes)]};01/01/2024" for n, name in enumerate(names)
    ]
    # Registration n is member n // 100 at event n % 100: no pair repeats.
    event_count = 100
    events = ["Títol;Data;Tipus;Format"] + [
        f"Jornada {n:03d};{date(2025, 1, 1) + timedelta(days=n):%d/%m/%Y};Jornada temàtica;"
        "Presencial"
        for n in range(event_count)
    ]
    registrations = ["Esdeveniment;Membre;Estat"] + [
        f"Jornada {n % event_count:03d};{names[(n // event_count) % rows]};Hi ha assistit"
        for n in range(rows)
    ]
    contacts = ["Membre;Data;Canal;Resum;Necessitats"] + [
        f"{names[n % rows]};{date(2020, 1, 1) + timedelta(days=n % 2000):%d/%m/%Y};Telèfon;"
        f"Trucada número {n};CCPR"
        for n in range(rows)
    ]
    try:
        timings = [("members", rows, _import_seconds(engine, "membres", members))]
        _import_seconds(engine, "esdeveniments", events)
        timings.append(
            ("registrations", rows, _import_seconds(engine, "inscripcions", registrations))
        )
        timings.append(("contacts", rows, _import_seconds(engine, "contactes", contacts)))
    finally:
        engine.dispose()
    return timings


# The meeting pack's target at scale 10 (issue 14): read and PDF together.
PACK_TARGET_SECONDS = 10.0


def pack_timings(folder: Path, scale: int, repeats: int) -> list[tuple[str, float]]:
    """Seconds to read the last complete quarter's pack, and to turn it into a PDF: medians of
    ``repeats`` runs after a warm-up (imports, fonts)."""
    from services.meeting_pack import MeetingPack, last_complete_quarter, meeting_pack
    from ui.meeting_pack_pdf import render_pdf

    engine = make_engine(build_database(scale, folder))
    today = catalan_today()
    quarter = last_complete_quarter(today)
    try:
        # build_database adopted a scenario: the adopted plan's sections are filled in.
        def read() -> MeetingPack:
            with session_scope(engine) as session:
                return meeting_pack(
                    session=session, start=quarter.start, end=quarter.end, today=today
                )

        pack = read()
        read_ms = _median_ms(read, repeats)
        pdf_ms = _median_ms(lambda: render_pdf(pack), repeats)
    finally:
        engine.dispose()
    return [("read the pack", read_ms / 1000), ("PDF (charts + WeasyPrint)", pdf_ms / 1000)]


def page_timings(args: argparse.Namespace) -> None:
    """Every page, warm and cold, at each scale, against an empty page: the table."""
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for scale in args.scales:
            os.environ["XMESS_DATABASE_URL"] = build_database(scale, Path(folder))
            empty = AppTest.from_string(EMPTY_PAGE)
            empty_ms = _median_ms(empty.run, args.repeats)
            for page in args.pages:
                app = _page_app(page)
                warm = _median_ms(lambda app=app: _run_checked(app, False), args.repeats)
                cold = _median_ms(lambda app=app: _run_checked(app, True), args.repeats)
                rows.append((page, scale, empty_ms, warm, cold))

    print()
    print(
        f"{'page':<28}{'scale':>6}{'empty ms':>10}{'warm ms':>10}{'ratio':>8}"
        f"{'cold ms':>10}{'ratio':>8}"
    )
    for page, scale, empty_ms, warm, cold in rows:
        print(
            f"{page:<28}{scale:>6}{empty_ms:>10.1f}{warm:>10.1f}{warm / empty_ms:>8.1f}"
            f"{cold:>10.1f}{cold / empty_ms:>8.1f}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--pages", nargs="+", default=PAGES, choices=PAGES)
    parser.add_argument(
        "--sections",
        nargs="+",
        default=SECTIONS,
        choices=SECTIONS,
        help="what to time (default: all of it)",
    )
    parser.add_argument(
        "--import-rows",
        type=int,
        default=100_000,
        help="rows in each imported file (default: 100000)",
    )
    args = parser.parse_args(argv)
    if "pages" in args.sections:
        page_timings(args)
    if "optimiser" in args.sections:
        with tempfile.TemporaryDirectory() as folder:
            timings = optimiser_timings(Path(folder), args.repeats)
        print()
        head = f"{'optimiser (HiGHS, no Streamlit)':<42}{'median ms':>10}"
        print(f"{head}{'solves':>8}{'target':>10}")
        for label, ms, runs in timings:
            target = OPTIMISER_TARGETS.get(label)
            verdict = (
                f"{'<' if ms / 1000 < target else '>'} {fmt_number(target, 0)} s" if target else ""
            )
            print(f"{label:<42}{ms:>10.1f}{runs:>8}{verdict:>10}")
    if "import" in args.sections:
        with tempfile.TemporaryDirectory() as folder:
            imports = import_timings(Path(folder), args.import_rows)
        print()
        print(
            f"{'import (one CSV file, SQLite, no Streamlit)':<44}{'rows':>10}{'s':>8}{'rows/s':>10}"
        )
        for label, count, seconds in imports:
            print(f"{label:<44}{count:>10}{seconds:>8.1f}{count / seconds:>10.0f}")
    if "pack" in args.sections:
        scale = max(args.scales)
        with tempfile.TemporaryDirectory() as folder:
            pack = pack_timings(Path(folder), scale, min(args.repeats, 3))
        total = sum(seconds for _, seconds in pack)
        print()
        print(f"{f'meeting pack, scale {scale} (no Streamlit)':<44}{'median s':>10}")
        for label, seconds in pack:
            print(f"{label:<44}{seconds:>10.2f}")
        print(f"{'total (target < ' + str(PACK_TARGET_SECONDS) + ' s)':<44}{total:>10.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
