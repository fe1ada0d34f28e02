"""The app's pages, in menu order. ``dashboard.py`` hands them to ``st.navigation``; pages use
them for links (``st.page_link`` needs the ``st.Page`` of a function page)."""

from __future__ import annotations

import importlib
from collections.abc import Callable

import streamlit as st

from services.access import Actor, Right

# Every page in menu order, the default (Inici) first: its address (module under pages/),
# title and icon.
_MENU = (
    ("inici", "Inici", ":material/home:"),
    ("seguiment", "Seguiment de membres", ":material/contact_phone:"),
    ("grups", "Grups de Treball", ":material/groups:"),
    ("esdeveniments", "Esdeveniments", ":material/event:"),
    ("mapa", "Mapa territorial", ":material/map:"),
    ("prioritzacio", "Priorització del pressupost", ":material/balance:"),
    ("pla", "Seguiment del pla", ":material/task_alt:"),
    ("comissio", "Reunió de la Comissió", ":material/summarize:"),
    ("dades", "Dades", ":material/database:"),
)
# Every page's address: the sign-in gate answers at each of them.
PAGE_PATHS = tuple(path for path, _, _ in _MENU)
# Each page's title (its heading and menu entry), by address.
PAGE_TITLES = {path: title for path, title, _ in _MENU}
# Pages a role needs a right to open. Dades holds the forms, imports, backups and the audit
# log; a role with none of its rights (the Commission) is never served it.
_PAGE_RIGHTS: dict[str, frozenset[Right]] = {
    "dades": frozenset({Right.EDIT_NETWORK, Right.IMPORT, Right.BACKUP, Right.READ_AUDIT}),
}


def _page(module: str) -> Callable[[], None]:
    """``pages.<module>.render``, imported on the page's first visit: the first request of a
    fresh server then pays only for its own page's libraries (the optimiser's HiGHS, the map's
    folium), not for every page's."""

    def render() -> None:
        importlib.import_module(f"pages.{module}").render()

    render.__name__ = module
    return render


def allowed(actor: Actor, path: str) -> bool:
    rights = _PAGE_RIGHTS.get(path)
    return rights is None or any(actor.can(right) for right in rights)


def app_pages(actor: Actor) -> dict[str, st.Page]:
    """Every page's address, in menu order. A page ``actor`` may not open is out of the menu
    and its address answers with a Catalan notice: its own code never runs for that role."""
    pages = _all_pages()
    return {
        path: page if allowed(actor, path) else _not_for_role(actor, path)
        for path, page in pages.items()
    }


def _not_for_role(actor: Actor, path: str) -> st.Page:
    def render() -> None:
        st.title("Pàgina no disponible")
        st.info(
            f"Aquesta pàgina no és per al vostre rol ({actor.role_label}). Les altres pàgines "
            "del menú sí que les podeu consultar.",
            icon=":material/lock:",
        )

    render.__name__ = f"{path}_not_for_role"
    return st.Page(render, title="Pàgina no disponible", url_path=path, visibility="hidden")


def page(path: str) -> st.Page:
    """The page at ``path``, for a link (``st.page_link``)."""
    return _all_pages()[path]


def _all_pages() -> dict[str, st.Page]:
    return {
        path: st.Page(
            _page(path),
            title=title,
            icon=icon,
            # The default page answers at the app's root; "" (allowed for it alone) leaves
            # its own address free for home_alias().
            url_path="" if index == 0 else path,
            default=index == 0,
        )
        for index, (path, title, icon) in enumerate(_MENU)
    }


def home_alias() -> st.Page:
    """Inici at its own address, /inici, out of the menu. Streamlit serves the default page
    only at the root: without this page /inici opens Streamlit's English "Page not found"
    box over Inici."""
    path, title, icon = _MENU[0]
    return st.Page(_page(path), title=title, icon=icon, url_path=path, visibility="hidden")
