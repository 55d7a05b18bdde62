"""The small error vocabulary of Plan Atlas.

Every message names the input and says what to do about it; the CLI prints the message on one
line and exits with status 2, the app shows it in a box.
"""

from __future__ import annotations


class AtlasError(Exception):
    """Base class of every error Plan Atlas raises on purpose."""


class InputError(AtlasError, ValueError):
    """A file or argument that cannot be used (empty, binary, unsupported, undecodable)."""


class DataMissingError(AtlasError, FileNotFoundError):
    """Reference data (boundaries, gazetteer, layers) is not where it should be."""


class LayerError(AtlasError, ValueError):
    """A layer file that breaks the layer contract."""


class OutputError(AtlasError, OSError):
    """An output folder the atlas must not write over (files it did not write, edited by hand)."""


class NothingBuiltError(InputError):
    """No input document could be read, so nothing was written; ``problems`` lists why per file."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])
