"""Small input widgets that several pages share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import streamlit as st

K = TypeVar("K")


def pick(
    label: str,
    options: Mapping[K, str],
    *,
    key: str,
    index: int | None = None,
    placeholder: str = "Trieu…",
    container: Any = st,
    **kwargs: Any,
) -> K | None:
    """A select box over ids that shows their labels: ``options`` maps id → label, in the
    order offered. Returns the chosen id, or ``None`` while nothing is chosen (``index=None``,
    the default) or when there is nothing to choose from."""
    return container.selectbox(
        label,
        list(options),
        index=index if options else None,
        format_func=lambda option: options[option],
        placeholder=placeholder,
        key=key,
        **kwargs,
    )
