"""The project's exceptions: one base class, each carrying where it happened.

The CLI catches only :class:`NianbaoError` (and ``OSError``) and prints ``str(error)`` as one
line, so every message says what went wrong, where, and what to do.
"""

from __future__ import annotations


class NianbaoError(Exception):
    """Base of every error a user may see; ``where`` is the page path, URL or portal id."""

    def __init__(self, what: str, where: str | None = None, hint: str | None = None) -> None:
        self.what = what
        self.where = where
        self.hint = hint
        super().__init__(self.one_line())

    def one_line(self) -> str:
        text = self.what
        if self.where:
            text += f" ({self.where})"
        if self.hint:
            text += f": {self.hint}"
        return text


class EmptyInput(NianbaoError):
    """The page has no bytes, or nothing but whitespace."""


class UnsupportedInput(NianbaoError):
    """Bytes that are not a page we can read: an image, an archive, a legacy .doc …"""


class DecodeFailed(NianbaoError):
    """No encoding turns the bytes into text without losing characters."""


class VocabularyError(NianbaoError):
    """A vocabulary data file is malformed; names the file and the entry."""
