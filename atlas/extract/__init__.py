"""Extract spatial plan content from documents: parks, red lines, corridors, ecological zones, structure.

One module per theme, all funnelling into :func:`mentions_from_document`:

- :mod:`atlas.extract.parks` — forest/wetland/geo/urban/cultural/heritage parks, reserves, scenic areas;
- :mod:`atlas.extract.red_lines` — ecological red-line statements (生态保护红线, 三区三线, 三线一单);
- :mod:`atlas.extract.corridors` — transport corridors (written separately);
- :mod:`atlas.extract.eco_zones` — ecological zones, corridors, barriers, watersheds, rivers, mountains;
- :mod:`atlas.extract.structure` — components of spatial-structure statements (一核两带三区);
- :mod:`atlas.extract.status` — built / planned / … from verbs and sections.

>>> from atlas.extract import mentions_from_document  # doctest: +SKIP
>>> [m.name for m in mentions_from_document(doc, themes=["parks"])]  # doctest: +SKIP
['七里峪景区', ...]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from atlas._errors import InputError
from atlas.models import THEMES, Document, Mention

__all__ = ["mentions_from_document", "mentions_from_documents"]

log = logging.getLogger("atlas")

Extractor = Callable[[Document], list[Mention]]


def _corridor_extractor() -> Extractor | None:
    try:
        from atlas.extract.corridors import corridor_mentions
    except ImportError as exc:  # written separately; may be absent for a while
        if not _warned:
            log.warning("corridor extraction unavailable (%s); the corridors theme stays empty", exc)
            _warned.append(True)
        return None
    return corridor_mentions


_warned: list[bool] = []


def _extractor(theme: str) -> Extractor | None:
    if theme == "parks":
        from atlas.extract.parks import park_mentions

        return park_mentions
    if theme == "red_lines":
        from atlas.extract.red_lines import red_line_mentions

        return red_line_mentions
    if theme == "eco_zones":
        from atlas.extract.eco_zones import eco_zone_mentions

        return eco_zone_mentions
    if theme == "structure":
        from atlas.extract.structure import structure_mentions

        return structure_mentions
    return _corridor_extractor()


def mentions_from_document(doc: Document, *, themes: Iterable[str] | None = None) -> list[Mention]:
    """All mentions of the requested themes in one document.

    Parameters
    ----------
    doc
        The document to read.
    themes
        Themes to extract (``parks``, ``red_lines``, ``corridors``, ``eco_zones``, ``structure``);
        None means all of them.

    Returns
    -------
    list of Mention
        Sorted by ``(char_start, theme, name)``; offsets are source offsets.
    """
    wanted = list(THEMES) if themes is None else list(themes)
    unknown = [t for t in wanted if t not in THEMES]
    if unknown:
        msg = f"unknown theme(s) {unknown!r}; use some of {list(THEMES)!r}"
        raise InputError(msg)
    out: list[Mention] = []
    for theme in wanted:
        extract = _extractor(theme)
        if extract is not None:
            out.extend(extract(doc))
    out.sort(key=lambda m: (m.char_start, m.theme, m.name))
    return out


def mentions_from_documents(
    docs: Iterable[Document], *, themes: Iterable[str] | None = None
) -> list[Mention]:
    """Mentions of several documents, document by document (see :func:`mentions_from_document`)."""
    wanted = None if themes is None else list(themes)
    out: list[Mention] = []
    for doc in docs:
        out.extend(mentions_from_document(doc, themes=wanted))
    return out
