"""The Commission's view holds no person: every page it can open (their tabs, a member's file,
an event's detail, a member picked on the map) is searched for the demo's persons and staff
(full names, the short names contact summaries use, e-mails, phones) in everything AppTest
exposes: text, tables, options, charts' data, the map component, and every download's file.
The Commission is read-only: no form, no write button, no editor.

AppTest keeps only a download's address, so the test records what each button would hand
out (``_Downloads``) and reads the CSV and XLSX files themselves."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
import pyarrow as pa
import pytest
from google.protobuf.message import Message
from sqlalchemy import func, select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from db.models import (
    AppUser,
    Event,
    Interaction,
    OnboardingStep,
    Person,
    Registration,
    UserRole,
)
from db.session import make_engine, session_scope
from services import plan, scenarios
from services.privacy import MASK
from tests import factories as make
from tests.databases import copy_of_demo
from ui.map import MapSelection

COMMISSION = {"email": "comissio@xmess.example", "name": "Pere Comissió"}
# The first words of a write button, as the pages label them.
WRITE_VERBS = ("Desa", "Registra", "Inscriu", "Dona de baixa", "Esborra", "Sí, esborra", "Descarta")


@dataclass(frozen=True)
class CommissionDemo:
    url: str
    # Every value the Commission must never be shown: persons' and staff's names, e-mails and
    # phones.
    secrets: frozenset[str]
    # The staff's full names (the team's accounts), among the secrets.
    staff: frozenset[str]
    # The member whose file names the most persons (contacts, timeline), and one event whose
    # registrations name persons.
    member_id: int
    # A member whose onboarding is under way (its file lists the steps).
    onboarding_member_id: int
    event_id: int
    # A saved scenario whose notes name a person.
    scenario_id: int
    scenario_notes: str


def _names(full_name: str) -> set[str]:
    """A name as the demo writes it: in full, and as contact summaries say it ("Anna Casals")."""
    words = [w for w in full_name.split() if w != "i"]
    return {full_name, " ".join(words[:2])}


@pytest.fixture(scope="module")
def demo(demo_sqlite_url: str, tmp_path_factory: pytest.TempPathFactory) -> CommissionDemo:
    url = copy_of_demo(demo_sqlite_url, tmp_path_factory.mktemp("commission"), "demo")
    engine = make_engine(url)
    with session_scope(engine) as session:
        session.add(
            AppUser(
                email=COMMISSION["email"], full_name=COMMISSION["name"], role=UserRole.COMMISSION
            )
        )
        persons = session.execute(select(Person.full_name, Person.email, Person.phone)).all()
        staff = session.scalars(
            select(AppUser.full_name).where(AppUser.role != UserRole.COMMISSION)
        ).all()
        secrets: set[str] = set()
        for name, email, phone in persons:
            secrets |= _names(name) | {value for value in (email, phone) if value}
        for name in staff:
            secrets |= _names(name)
        named = func.count(Interaction.person_id)
        member_id = session.execute(
            select(Interaction.member_id)
            .where(Interaction.staff_id.is_not(None))
            .group_by(Interaction.member_id)
            .order_by(named.desc(), Interaction.member_id)
            .limit(1)
        ).scalar_one()
        onboarding_member_id = session.execute(
            select(OnboardingStep.member_id)
            .where(OnboardingStep.done_on.is_(None))
            .order_by(OnboardingStep.member_id)
            .limit(1)
        ).scalar_one()
        event_id = session.execute(
            select(Registration.event_id)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.person_id.is_not(None))
            .group_by(Registration.event_id)
            .order_by(func.count().desc(), Registration.event_id)
            .limit(1)
        ).scalar_one()
        # Two saved scenarios (so they can be compared), one with notes naming a person: free
        # text the Commission gets neither on screen nor in the minutes' workbook.
        year = plan.plan_years(session=session)[-1]
        hours = plan.plan_model(session=session, year=year).total_hours
        person, email = next((name, email) for name, email, _ in persons if email)
        notes = f"Revisat amb {person} ({email})"
        saved = {}
        for name, extended, text in (
            ("Amb pròrroga", True, notes),
            ("Sense pròrroga", False, ""),
        ):
            saved[name] = scenarios.save_scenario(
                session=session,
                year=year,
                name=name,
                inputs=scenarios.ScenarioInputs(
                    conveni_extended=extended,
                    budget_eur=scenarios.default_budget(extended),
                    other_income_eur=Decimal(0),
                    staff_hours=Decimal(str(hours)),
                ),
                actor=make.staff(),
                notes=text,
            )
    engine.dispose()
    assert len(secrets) > 400, "the demo has persons with names, e-mails and phones"
    return CommissionDemo(
        url=url,
        secrets=frozenset(secrets),
        staff=frozenset(staff),
        member_id=member_id,
        onboarding_member_id=onboarding_member_id,
        event_id=event_id,
        scenario_id=saved["Amb pròrroga"],
        scenario_notes=notes,
    )


# --- What AppTest exposes ----------------------------------------------------------------------


def _arrow_texts(data: bytes) -> list[str] | None:
    """The headers and cells of an Arrow table (a dataframe's or a chart's data), if it is one."""
    try:
        table = pa.ipc.open_stream(io.BytesIO(data)).read_all()
    except (pa.ArrowInvalid, OSError):
        return None
    texts = [str(name) for name in table.column_names]
    for column in table.columns:
        texts.extend(str(value) for value in column.to_pylist())
    return texts


def _proto_texts(message: Message) -> list[str]:
    """Every string in an element's message: labels, help, options, markdown, a chart's spec,
    a component's arguments (the map's HTML and script), and Arrow data decoded."""
    texts: list[str] = []
    for descriptor, value in message.ListFields():
        for item in value if descriptor.is_repeated else [value]:
            if isinstance(item, Message):
                texts.extend(_proto_texts(item))
            elif isinstance(item, str):
                texts.append(item)
            elif isinstance(item, bytes):
                decoded = _arrow_texts(item)
                texts.extend(decoded if decoded is not None else [item.decode("utf-8", "replace")])
    return texts


def _tree_texts(node: Any) -> list[str]:
    texts: list[str] = []
    proto = getattr(node, "proto", None)
    if isinstance(proto, Message):
        texts.extend(_proto_texts(proto))
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            texts.extend(_tree_texts(child))
    return texts


def _file_texts(name: str, data: bytes) -> list[str]:
    if name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        return [
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        ]
    return [data.decode("utf-8-sig", "replace")]


@dataclass
class _Downloads:
    """What every download button of a run would hand out, by file name."""

    files: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def texts(self) -> list[str]:
        texts: list[str] = []
        for name, make_data in self.files.items():
            data = make_data()
            texts.extend(_file_texts(name, data.encode() if isinstance(data, str) else data))
        return texts


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> Iterator[_Downloads]:
    recorded = _Downloads()
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    # Streamlit passes the file name by keyword.
    def record(
        self: MediaFileManager, data: Any, *args: Any, file_name: str | None = None, **kwargs: Any
    ) -> str:
        if file_name is not None and isinstance(data, bytes):
            recorded.files[file_name] = lambda: data
        return add(self, data, *args, file_name=file_name, **kwargs)

    def record_deferred(
        self: MediaFileManager,
        data: Callable[[], Any],
        *args: Any,
        file_name: str | None = None,
        **kwargs: Any,
    ) -> str:
        recorded.files[file_name or f"deferred {len(recorded.files)}"] = data
        return add_deferred(self, data, *args, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", record)
    monkeypatch.setattr(MediaFileManager, "add_deferred", record_deferred)
    yield recorded


def _everything(app: AppTest, downloads: _Downloads) -> list[str]:
    texts = _tree_texts(app._tree)
    for table in app.dataframe:
        frame = table.value
        texts.extend(str(column) for column in frame.columns)
        texts.extend(str(value) for value in frame.to_numpy().ravel())
    return texts + downloads.texts()


_UNICODE_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def _readable(text: str) -> str:
    """``text`` as a person reads it: the map's features travel as JSON inside a script
    (``N\\u00faria``) and its popups as escaped HTML (``&#x27;``)."""
    return html.unescape(_UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text))


def _leaks(texts: list[str], secrets: frozenset[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for text in map(_readable, texts):
        for secret in secrets:
            if secret in text and secret not in found:
                start = max(text.index(secret) - 60, 0)
                found[secret] = text[start : start + 160]
    return found


def _write_controls(app: AppTest) -> list[str]:
    """Every form, write button, confirmation popover, data editor and onboarding step
    checkbox on the page."""
    buttons = [
        f"button {button.label}"
        for button in [*app.button, *app.form_submit_button]
        if button.label.startswith(WRITE_VERBS)
    ]
    popovers = [
        f"popover {node.proto.popover.label}"
        for node in app.get("popover")
        if node.proto.popover.label.startswith(WRITE_VERBS)
    ]
    forms = [f"form {form.key}" for form in app.form]
    editors = [f"editor {editor.key}" for editor in app.data_editor]
    steps = [
        f"checkbox {box.label}"
        for box in app.checkbox
        if box.key is not None and box.key.startswith("onboarding_")
    ]
    return buttons + popovers + forms + editors + steps


# --- The views ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A page as the Commission opens it: its address, what it then picks (session state, one
    run each) and a text that shows the view is the one meant."""

    path: str
    expect: str
    steps: Callable[[CommissionDemo], dict[str, Any]] | None = None


def _tab(key: str, label: str) -> Callable[[CommissionDemo], dict[str, Any]]:
    return lambda _: {key: label}


VIEWS = {
    "inici": View("inici", "Qui cal contactar"),
    "seguiment": View("seguiment", "Obre la fitxa d'un membre"),
    "seguiment-fitxa": View(
        "seguiment", "Membre des del", lambda demo: {"seguiment_member": demo.member_id}
    ),
    "seguiment-acollida": View(
        "seguiment", "passos", lambda demo: {"seguiment_member": demo.onboarding_member_id}
    ),
    "seguiment-derivacions": View(
        "seguiment",
        "Derivacions sense contacte posterior",
        _tab("seguiment_tab", "Necessitats i derivacions"),
    ),
    "seguiment-assessoraments": View(
        "seguiment", "Parelles de mentoria", _tab("seguiment_tab", "Assessoraments i mentories")
    ),
    "grups": View("grups", "Assistència per trimestre"),
    "grups-membres": View("grups", "Membres que no són a cap grup", _tab("grups_tab", "Membres")),
    "grups-index": View("grups", "Cura de membres", _tab("grups_tab", "Índex de participació")),
    # A tab the Commission is not offered, asked for anyway: the first one opens.
    "grups-gestio": View(
        "grups", "Assistència per trimestre", _tab("grups_tab", "Inscripcions i sessions")
    ),
    "esdeveniments": View(
        "esdeveniments",
        "Detall d'un esdeveniment",
        lambda demo: {"esdeveniments_detail": demo.event_id},
    ),
    "esdeveniments-territori": View(
        "esdeveniments", "Hi han anat", _tab("esdeveniments_tab", "Territori")
    ),
    "esdeveniments-membres": View(
        "esdeveniments", "Assistència per membre", _tab("esdeveniments_tab", "Membres")
    ),
    "esdeveniments-checkin": View(
        "esdeveniments", "Detall d'un esdeveniment", _tab("esdeveniments_tab", "Check-in")
    ),
    "mapa": View("mapa", "Territoris sense presència"),
    "mapa-membre": View(
        "mapa",
        "Treu la selecció",
        lambda demo: {"mapa_selection": MapSelection("member", str(demo.member_id))},
    ),
    # The scenario whose notes name a person, asked for the minutes' workbook.
    "prioritzacio": View(
        "prioritzacio",
        "Compara dos escenaris",
        lambda demo: {"prioritzacio_export_choice": demo.scenario_id},
    ),
}


def _open(app_on: Callable[..., AppTest], demo: CommissionDemo, name: str) -> AppTest:
    view = VIEWS[name]
    app = app_on(demo.url, view.path, user=COMMISSION)
    for key, value in (view.steps(demo) if view.steps else {}).items():
        app.session_state[key] = value
        app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.title[0].value != "No teniu accés al quadre de comandament"
    return app


@pytest.mark.parametrize("name", list(VIEWS))
def test_the_commission_sees_no_person_anywhere(
    app_on: Callable[..., AppTest], demo: CommissionDemo, downloads: _Downloads, name: str
) -> None:
    app = _open(app_on, demo, name)
    texts = _everything(app, downloads)
    # The search reaches what the view draws: its content, member names, the downloads.
    assert any(VIEWS[name].expect in text for text in texts)
    assert any("Ajuntament de " in text for text in texts)
    assert downloads.files
    assert _leaks(texts, demo.secrets) == {}
    # Blanked values are not drawn as columns of dashes: the page leaves them out.
    dashes = [
        str(column)
        for table in app.dataframe
        for column, values in table.value.items()
        if len(values) and (values.astype(str) == MASK).all()
    ]
    assert dashes == []


@pytest.mark.parametrize("name", list(VIEWS))
def test_the_commission_is_offered_nothing_to_write(
    app_on: Callable[..., AppTest], demo: CommissionDemo, name: str
) -> None:
    app = _open(app_on, demo, name)
    assert _write_controls(app) == []


def test_the_search_finds_what_staff_see(
    app_on: Callable[..., AppTest], demo: CommissionDemo, downloads: _Downloads
) -> None:
    """The same search, as the coordination team: it finds the persons the Commission is
    spared (so an empty result above means something), in the member's file and its download."""
    app = app_on(demo.url, "seguiment")
    app.session_state["seguiment_member"] = demo.member_id
    app.run()
    assert not app.exception
    leaks = _leaks(_everything(app, downloads), demo.secrets)
    assert any("@" in secret for secret in leaks)
    assert any(name.endswith(".csv") for name in downloads.files)
    # The map's popups name the staff member in charge of each member.
    app = app_on(demo.url, "mapa")
    assert any(secret in demo.staff for secret in _leaks(_tree_texts(app._tree), demo.secrets))
    app = app_on(demo.url, "prioritzacio")
    assert demo.scenario_notes in " ".join(_everything(app, downloads))
