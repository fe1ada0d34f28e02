"""Grups de Treball."""

from __future__ import annotations

import streamlit as st


def render() -> None:
    st.title("Grups de Treball")
    st.info("Aquesta pàgina encara s'està construint.")


if __name__ == "__main__":
    from ui.standalone import run_dashboard

    run_dashboard()
