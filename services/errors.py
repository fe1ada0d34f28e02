"""The one exception services raise for bad input."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input: one Catalan message per refused field or row; nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages
