"""The exceptions services raise for input they refuse."""

from __future__ import annotations


class ValidationError(ValueError):
    """Bad input: one Catalan message per refused field or row; nothing was written."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class ConcurrentEditError(ValidationError):
    """Someone saved the record after this form was opened; ``changes`` lists what."""

    def __init__(self, messages: list[str], changes: tuple[str, ...]) -> None:
        super().__init__(messages)
        self.changes = changes
