"""What the signed-in viewer may do, for pages that leave out what their role cannot use.

Only comfort: a write from a role without the right is refused by the service itself
(``services.access.require``), whatever the page shows. The Commission, read-only, is offered
no form, no write button and no editor.
"""

from __future__ import annotations

from services.access import Right
from ui.layout import presentation_mode
from ui.viewer import current_actor


def may(right: Right) -> bool:
    """Whether the viewer's role has ``right`` (``Right.EDIT_NETWORK`` for the network's
    forms, ``Right.EDIT_PLAN`` for the plan and the scenarios)."""
    return current_actor().can(right)


def offers_forms(right: Right = Right.EDIT_NETWORK) -> bool:
    """Whether a page offers the forms that need ``right``: not to a role without it (the
    Commission), nor on the shared screen, whoever is presenting."""
    return may(right) and not presentation_mode()
