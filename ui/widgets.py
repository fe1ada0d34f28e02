"""Small input widgets that several pages share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import numpy as np
import pandas as pd
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
    # Typed here, as streamlit cannot type a call on any container with any keywords: a
    # select box that takes no new options returns one of ``options`` or None.
    chosen: K | None = container.selectbox(
        label,
        list(options),
        index=index if options else None,
        format_func=lambda option: options[option],
        placeholder=placeholder,
        key=key,
        **kwargs,
    )
    return chosen


def id_labels(ids: pd.Series, labels: pd.Series) -> dict[int, str]:
    """id → label for ``pick``, in the frame's order. The ids become Python ints: they go
    into the session state, forms, queries and cache keys, where numpy's do not belong."""
    return {int(i): str(label) for i, label in zip(ids, labels, strict=True)}


def first_true(mask: pd.Series, *, otherwise: int = 0) -> int:
    """The position of the first row where ``mask`` holds, for ``pick``'s ``index`` when
    ``options`` follow a frame's rows; ``otherwise`` when no row does."""
    positions = np.flatnonzero(mask.to_numpy(dtype=bool))
    return int(positions[0]) if positions.size else otherwise
