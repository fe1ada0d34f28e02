"""The demo network, as a package: ``python -m db.demo [--scale N] [--seed S] [--today D]``."""

from db.demo.builder import DemoSummary, generate_demo, has_members, main

__all__ = ["DemoSummary", "generate_demo", "has_members", "main"]
