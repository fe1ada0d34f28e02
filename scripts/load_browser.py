"""The browser side of ``make load`` (scripts/load.py): concurrent sessions in one Chromium.

Each session is its own Playwright context (no shared cookies, storage or cache), so for the
server it is another person. It opens every page by its address, as a person following a link
does (a new page load and a new Streamlit session each time), and times each visit from the
navigation until the page's title is on screen and the script has run to its end. A session
with a write makes it through the page's own widgets right after timing that page.

The async API, so that twenty contexts really wait side by side in one event loop; every wait
is for a condition (``expect``), never for a fixed time.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, Locator, Page, WebSocket, expect
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeoutError
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# The check-in marks the member as present: the status's label on the form.
ATTENDED_LABEL = "Hi ha assistit"
# How long a select box's option may take to show before the list is opened again: the list
# is drawn in the browser alone, seconds even on a loaded machine.
CHOOSE_ATTEMPT_MS = 20_000


@dataclass(frozen=True)
class ContactWrite:
    """Log a contact with ``member`` (Seguiment de membres → the member's file → "Desa el
    contacte"); the summary carries ``token``, unique to this write, to find it afterwards."""

    member_id: int
    member: str
    token: str
    page: str = "seguiment"

    @property
    def summary(self) -> str:
        return f"Prova de càrrega {self.token}"

    def describe(self) -> str:
        return f"contact with {self.member} ({self.token})"


@dataclass(frozen=True)
class CheckInWrite:
    """Check ``member`` in at the event the Check-in tab offers first (Esdeveniments →
    Check-in → "Inscriu a l'esdeveniment" as present): a registration no other write makes."""

    event_id: int
    event: str
    member_id: int
    member: str
    page: str = "esdeveniments"

    def describe(self) -> str:
        return f"check-in of {self.member} at «{self.event}»"


Write = ContactWrite | CheckInWrite


@dataclass(frozen=True)
class Visit:
    session: int
    path: str
    seconds: float


@dataclass(frozen=True)
class Problem:
    """Something that went wrong in a session: where (a page, a write) and what."""

    session: int
    where: str
    what: str

    def __str__(self) -> str:
        return f"session {self.session}, {self.where}: {self.what}"


@dataclass
class SessionOutcome:
    session: int
    visits: list[Visit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Seconds from the write's first action until the page confirmed it; None without one.
    write_seconds: float | None = None


def page_order(paths: Sequence[str], session: int) -> list[str]:
    """Every page, starting at a different one per session: twenty people do not all open
    the same page at the same moment, and each page gets visited at every stage of the run."""
    start = session % len(paths)
    return [*paths[start:], *paths[:start]]


async def run_sessions(
    browser: Browser,
    base_url: str,
    titles: Mapping[str, str],
    writes: Sequence[Write | None],
    *,
    timeout: float,
    screenshots: Path | None = None,
) -> list[SessionOutcome]:
    """One session per item of ``writes``, all at once."""
    return list(
        await asyncio.gather(
            *(
                run_session(
                    browser,
                    base_url,
                    titles,
                    index,
                    write,
                    timeout=timeout,
                    screenshots=screenshots,
                )
                for index, write in enumerate(writes)
            )
        )
    )


async def run_session(
    browser: Browser,
    base_url: str,
    titles: Mapping[str, str],
    index: int,
    write: Write | None,
    *,
    timeout: float,
    screenshots: Path | None = None,
) -> SessionOutcome:
    """Open every page, make ``write`` on its page; a failure is noted and the session goes
    on with the next page. With ``screenshots``, a failed page or write leaves a picture of
    the page there."""
    outcome = SessionOutcome(session=index)
    context = await browser.new_context(viewport={"width": 1400, "height": 900}, locale="ca-ES")
    timeout_ms = timeout * 1000
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    watcher = RunWatcher(page)
    current = ["(no page yet)"]
    # A script error in the page's JavaScript (a component, Streamlit's own) is an error too.
    page.on(
        "pageerror",
        lambda error: outcome.problems.append(
            Problem(index, current[0], f"JavaScript error: {error}")
        ),
    )
    try:
        for path in page_order(list(titles), index):
            current[0] = f"/{path}"
            try:
                seconds = await visit(page, base_url, path, titles[path], timeout_ms=timeout_ms)
            except (PlaywrightError, AssertionError) as error:
                outcome.problems.append(Problem(index, f"/{path}", _first_line(error)))
                await _screenshot(page, screenshots, f"s{index:02d}-{path}")
                continue
            outcome.visits.append(Visit(index, path, seconds))
            outcome.problems += [Problem(index, f"/{path}", p) for p in await page_problems(page)]
            if write is not None and write.page == path:
                current[0] = f"/{path} (write)"
                try:
                    outcome.write_seconds = await make_write(
                        page, write, watcher, timeout_ms=timeout_ms
                    )
                except (WriteFailed, WriteRefused) as error:
                    outcome.problems.append(Problem(index, write.describe(), str(error)))
                    await _screenshot(page, screenshots, f"s{index:02d}-write")
    finally:
        await context.close()
    return outcome


async def _screenshot(page: Page, folder: Path | None, name: str) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    try:
        await page.screenshot(path=folder / f"{name}.png", full_page=True)
    except PlaywrightError:
        pass  # a picture is a help, not a result: a page gone is no further error


async def visit(page: Page, base_url: str, path: str, title: str, *, timeout_ms: float) -> float:
    """Open ``/path`` and wait until its title is on screen and its script has finished;
    the seconds that took. (Right after the navigation the state can still read "notRunning"
    from before the first run: the title comes first.)"""
    start = time.perf_counter()
    await page.goto(f"{base_url}/{path}", timeout=timeout_ms)
    heading = page.get_by_role("heading", name=title, exact=True, level=1)
    await expect(heading).to_be_visible(timeout=timeout_ms)
    await wait_for_app(page, timeout_ms=timeout_ms)
    return time.perf_counter() - start


async def wait_for_app(page: Page, *, timeout_ms: float) -> None:
    await expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=timeout_ms
    )


async def page_problems(page: Page) -> list[str]:
    """What the finished page shows that it should not: an exception, an error message."""
    problems = []
    for selector, what in (
        ('[data-testid="stException"]', "exception"),
        # An exception's box holds an error message of its own: counted once, above.
        ('[data-testid="stAlertContentError"]:not([data-testid="stException"] *)', "error"),
    ):
        for text in await page.locator(selector).all_inner_texts():
            problems.append(f"{what} on the page: {_first_line(text)}")
    return problems


class PageRuns:
    """Tells the page's runs (the ones a person's action asks for: a widget, a click, a form,
    a fragment of the page such as the map) from the freshness check's (ui/live.py): a
    fragment that the browser reruns by itself every few seconds, whose runs are no answer to
    anything the test or the person did. One per page."""

    def __init__(self) -> None:
        self._timer_fragments: set[str] = set()
        self._cut_short = False  # the last page run's end read "finished early for rerun"

    def asked(self, message: BackMsg) -> bool:
        """``message``, sent by the browser, asks for a page run."""
        if message.WhichOneof("type") != "rerun_script":
            return False
        if message.rerun_script.is_auto_rerun:
            self._timer_fragments.add(message.rerun_script.fragment_id)
            return False
        return True

    def _timer_only(self, message: ForwardMsg) -> bool:
        fragments = set(message.metadata.run.fragment_ids)
        return bool(fragments) and fragments <= self._timer_fragments

    def ended(self, message: ForwardMsg) -> bool:
        """``message``, received, ends a page run: not one cut short by a newer rerun (that is
        not the end of the newer one), nor a run of the timer's fragment alone (the browser
        sent its request, naming the fragment, before).

        When a run starts before the previous run's messages have gone out, Streamlit rewrites
        that run's "finished" into "finished early for rerun" (``ForwardMsgQueue.clear``). The
        timer's run never interrupts a page run (an automatic fragment rerun waits for the
        run in progress), so a page run's "early" end followed by the start of a timer-only
        run was a whole run: its end is that start. (Counting neither hung a test for a
        minute now and then, under load.)"""
        kind = message.WhichOneof("type")
        if kind == "new_session":
            whole_run_before = self._cut_short and self._timer_only(message)
            self._cut_short = False
            return whole_run_before
        if kind != "script_finished" or self._timer_only(message):
            return False
        if message.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self._cut_short = True
            return False
        return True


class WriteRefused(Exception):
    """The page answered the write with an error message instead of its confirmation."""


class WriteFailed(Exception):
    """A step of a write failed: which step, and why."""


class RunWatcher:
    """The reruns the browser asks the server for, and whether a run has finished since the
    last one, read from Streamlit's WebSocket. After a click, the page's script state can
    still read "notRunning" from before: the messages say for sure when the click's run is
    over. (Received frames are decoded only while ``watching``: a page's visit needs none of
    them; the few sent ones always are, so the freshness check's fragment is known before its
    runs can end while watching.)"""

    def __init__(self, page: Page) -> None:
        self.watching = False
        self.asked = 0
        self.settled = True
        self._runs = PageRuns()
        page.on("websocket", self._watch)

    def _watch(self, socket: WebSocket) -> None:
        if socket.url.endswith("/_stcore/stream"):
            socket.on("framesent", self._sent)
            socket.on("framereceived", self._received)

    def _sent(self, payload: str | bytes) -> None:
        message = BackMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        if self._runs.asked(message) and self.watching:
            self.asked += 1
            self.settled = False

    def _received(self, payload: str | bytes) -> None:
        if not self.watching:
            return
        message = ForwardMsg.FromString(payload if isinstance(payload, bytes) else payload.encode())
        if self._runs.ended(message):
            self.settled = True

    async def settle(self, action: Awaitable[None], *, timeout_ms: float) -> None:
        """Do ``action``, which makes the page rerun, then wait until the run it asked for (and
        any it led to, such as a write's ``st.rerun()``) has finished."""
        asked = self.asked
        self.watching = True
        await action
        deadline = time.monotonic() + timeout_ms / 1000
        while not (self.asked > asked and self.settled):
            if time.monotonic() > deadline:
                raise WriteFailed(f"waited {timeout_ms / 1000:.0f} s for the page's rerun")
            await asyncio.sleep(0.05)  # polling the WebSocket's messages, not a fixed wait


async def make_write(page: Page, write: Write, watcher: RunWatcher, *, timeout_ms: float) -> float:
    """Make ``write`` on the page just visited; the seconds until the page confirmed it. Each
    action that makes the page rerun waits for that run to finish before the next one: under
    load a run takes seconds, and a widget it redraws can change under the mouse."""
    start = time.perf_counter()
    steps = ["starting"]
    try:
        if isinstance(write, ContactWrite):
            await _log_contact(page, write, watcher, steps, timeout_ms=timeout_ms)
        else:
            await _check_in(page, write, watcher, steps, timeout_ms=timeout_ms)
    except (PlaywrightError, AssertionError, WriteFailed) as error:
        raise WriteFailed(f"{steps[-1]}: {_first_line(error)}") from error
    finally:
        watcher.watching = False
    return time.perf_counter() - start


async def _log_contact(
    page: Page, write: ContactWrite, watcher: RunWatcher, steps: list[str], *, timeout_ms: float
) -> None:
    steps.append("choosing the member")
    member = page.locator(".st-key-seguiment_member")
    await watcher.settle(
        choose(page, member, write.member, timeout_ms=timeout_ms), timeout_ms=timeout_ms
    )
    steps.append("typing the summary")
    # A form's key is not a class of its own; its submit button's is, and names the member.
    submit = page.locator(f".st-key-contact_submit_{write.member_id}")
    form = page.get_by_test_id("stForm").filter(has=submit)
    await form.locator(".st-key-contact_summary textarea").fill(write.summary)
    steps.append("saving the contact")
    save = form.get_by_role("button", name="Desa el contacte")
    await watcher.settle(save.click(), timeout_ms=timeout_ms)
    steps.append("reading the confirmation")
    await _confirmed(page, lambda text: "desat" in text, timeout_ms=timeout_ms)


async def _check_in(
    page: Page, write: CheckInWrite, watcher: RunWatcher, steps: list[str], *, timeout_ms: float
) -> None:
    steps.append("opening the Check-in tab")
    tab = page.get_by_role("tab", name="Check-in", exact=True)
    await watcher.settle(tab.click(), timeout_ms=timeout_ms)
    steps.append("reading the event")
    event = page.locator(".st-key-esdeveniments_checkin_event").get_by_role("combobox")
    # The tab offers the latest event held first ("date · title"); the write was planned for
    # that one.
    await expect(event).to_have_value(re.compile(re.escape(write.event)), timeout=timeout_ms)
    steps.append("choosing the member")
    member = page.locator(".st-key-esdeveniments_register_member")
    await watcher.settle(
        choose(page, member, write.member, timeout_ms=timeout_ms), timeout_ms=timeout_ms
    )
    steps.append("choosing the status")
    status = page.locator(".st-key-esdeveniments_register_status")
    await watcher.settle(
        choose(page, status, ATTENDED_LABEL, timeout_ms=timeout_ms), timeout_ms=timeout_ms
    )
    steps.append("registering")
    register = page.locator(".st-key-esdeveniments_register_submit").get_by_role("button")
    await watcher.settle(register.click(), timeout_ms=timeout_ms)
    steps.append("reading the confirmation")
    await _confirmed(page, lambda text: "inscrit" in text, timeout_ms=timeout_ms)


async def choose(page: Page, box: Locator, label: str, *, timeout_ms: float) -> None:
    """Pick ``label`` in the select box ``box``: type it (a long list is filtered as one
    types), then click the option that is exactly it.

    The field goes to the middle of the window first, so that its list opens without the page
    having to scroll to the option: a scroll closes the list. Under load the page can still
    move (a chart drawn late above it) and close it anyway; then the list is opened again."""
    field = box.get_by_role("combobox")
    option = page.get_by_role("option", name=label, exact=True)
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        await field.evaluate("element => element.scrollIntoView({block: 'center'})")
        await field.click(timeout=timeout_ms)
        await field.fill(label, timeout=timeout_ms)
        try:
            await option.click(timeout=CHOOSE_ATTEMPT_MS)
            break
        except PlaywrightTimeoutError:
            if time.monotonic() > deadline:
                raise
            await field.press("Escape")  # whatever is open closes; the next attempt reopens
    # The choice shows as the field's value.
    await expect(field).to_have_value(label, timeout=timeout_ms)


async def _confirmed(page: Page, is_ours: Callable[[str], bool], *, timeout_ms: float) -> None:
    """The write's confirmation (the message the page leaves after its rerun, which has
    finished), or ``WriteRefused`` with the refusal's words."""
    success = page.get_by_test_id("stAlertContentSuccess")
    refusal = page.get_by_test_id("stAlertContentError")
    await expect(success.or_(refusal).first).to_be_visible(timeout=timeout_ms)
    refusals = await refusal.all_inner_texts()
    if refusals:
        raise WriteRefused(" / ".join(_first_line(text) for text in refusals))
    texts = await success.all_inner_texts()
    if not any(is_ours(text) for text in texts):
        raise WriteRefused(f"unexpected confirmation: {' / '.join(texts)}")


def _first_line(error: object) -> str:
    """An error's message in one line: its first, and from Playwright's call log the element
    it was waiting for (the rest of the log repeats the attempts)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    log = [line for line in lines if line.startswith("- ")]
    waited = next((line for line in log if line.startswith("- waiting for")), "")
    # The call log's last line says what stood in the way (not visible, not stable, ...).
    last = log[-1] if log and log[-1] != waited else ""
    return re.sub(r"\s+", " ", f"{lines[0]} {waited} {last}".strip())[:500]
