"""Free text (contact summaries) on the shared screen: the known persons masked, not the text
left out.

In presentation mode a viewer who may see personal data asks the read services for the
summaries with the network's persons, staff, e-mails and phones masked
(``services.privacy.MASKED_SUMMARY``): the raw text is never computed into what the page
draws, so it never reaches the browser. A role that may not see personal data (the
Commission) gets no free text at all, masked or not (``services.privacy.redact``)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from services.access import Right
from services.privacy import MASKED_SUMMARY
from ui.layout import presentation_mode
from ui.rights import may


def masks_names() -> bool:
    """Whether the page asks for free text with the known persons masked: on the shared
    screen, for a viewer who would otherwise see it whole. (The Commission's is blanked.)"""
    return presentation_mode() and may(Right.SEE_PERSONAL_DATA)


def summary_labels(labels: Mapping[str, str], frame: pd.DataFrame) -> dict[str, str]:
    """``labels`` for ``ui.tables.data_table``, with the summary's header on the masked
    summary when ``frame`` holds that one instead (so the table keeps its "Resum" column)."""
    if MASKED_SUMMARY not in frame.columns:
        return dict(labels)
    return {(MASKED_SUMMARY if key == "summary" else key): label for key, label in labels.items()}
