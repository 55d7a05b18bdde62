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
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from atlas._errors import InputError
from atlas.models import THEMES, Document, Mention
from atlas.text import fold

__all__ = [
    "NAMED_THEMES",
    "entity_key",
    "mentions_from_document",
    "mentions_from_documents",
    "one_per_entity",
]

log = logging.getLogger("atlas")

Extractor = Callable[[Document], list[Mention]]


def _corridor_extractor() -> Extractor:
    from atlas.extract.corridors import corridor_mentions

    return corridor_mentions


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
        Sorted by ``(char_start, theme, name)``; offsets are source offsets. Parks, corridors and
        ecological zones hold one mention per distinct entity (see :func:`one_per_entity`), with
        every occurrence in ``attrs["mentions"]``; red lines and structure one per statement.
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
            found = extract(doc)
            out.extend(one_per_entity(found) if theme in NAMED_THEMES else found)
    out.sort(key=lambda m: (m.char_start, m.theme, m.name))
    return out


#: Themes whose items are named entities: one mention per distinct entity per document.
NAMED_THEMES: tuple[str, ...] = ("parks", "corridors", "eco_zones")

_KEY_DROP = re.compile(r"[\s“”\"'‘’「」《》]")
_DASHES = re.compile(r"[—–－─━~～-]+")


def entity_key(m: Mention) -> tuple[str, str]:
    """What makes two mentions of one document the same entity: the theme and the name as folded
    (spaces, quotes and dash variants ignored); a corridor with a route code is its code; an
    expressway or railway is its kind and its set of resolved ends, however it is written (古宁高速,
    古城至宁蒗高速公路 and 宁古高速 are one road)."""
    code = m.get("code") if m.theme == "corridors" else None
    if code and (_CODE_NAME.search(fold(m.name)) or _code_led(m)):
        return m.theme, str(code)
    ends = (m.get("endpoint_codes") or []) if m.theme == "corridors" and m.kind in _ROUTE_KINDS else []
    if len(ends) >= 2 and all(ends) and len(set(ends)) == len(ends):
        return m.theme, f"{m.kind}:{'|'.join(sorted(map(str, ends)))}"
    return m.theme, _DASHES.sub("-", _KEY_DROP.sub("", fold(m.name)))


#: Corridor kinds whose ends identify them: long-distance routes, named after their ends.
_ROUTE_KINDS = frozenset({"expressway", "high_speed_rail", "railway", "intercity_rail"})


_CODE = r"(?:[GSXYC]\d+|\d+(?:国道|省道|县道)|(?:国道|省道|县道)[GSXYC]?\d+)线?"
_CODE_NAME = re.compile(rf"^{_CODE}$")
#: A code followed by the road's written name (G336临沧-景洪公路), not by a connector (G336-X公路
#: and G336至X公路 are roads leading off it).
_CODE_LED = re.compile(rf"^{_CODE}(?![\d线至到经—–－~～-])[\u4e00-\u9fff]")


def _code_led(m: Mention) -> bool:
    """An ordinary coded road written with its ends (G336临沧-景洪公路); expressways and railways
    keep their own names (G2515长深高速公路)."""
    return (
        m.theme == "corridors"
        and m.kind in ("national_road", "provincial_road", "county_road", "other")
        and _CODE_LED.search(fold(m.name)) is not None
    )


def one_per_entity(mentions: Iterable[Mention]) -> list[Mention]:
    """One mention per distinct entity (see :func:`entity_key`), in order of first appearance.

    The first mention gives the name, the offsets and the sentence; ``attrs["mentions"]`` lists every
    ``[start, end]`` (source offsets, in text order); an attribute the first mention lacks (None or
    empty) is taken from the next mention that has it (a status, a level, endpoints).
    """
    groups: dict[tuple[str, str], list[Mention]] = {}
    for m in sorted(mentions, key=lambda x: (x.char_start, x.char_end, x.name)):
        groups.setdefault(entity_key(m), []).append(m)
    out: list[Mention] = []
    for group in groups.values():
        first = group[0]
        attrs = dict(first.attrs)
        for other in group[1:]:
            for key, value in other.attrs.items():
                if attrs.get(key) in (None, [], "") and value not in (None, [], ""):
                    attrs[key] = value
        attrs["mentions"] = [[m.char_start, m.char_end] for m in group]
        out.append(replace(first, name=_entity_name(first, group), attrs=attrs))
    return out


def _entity_name(first: Mention, group: list[Mention]) -> str:
    """The first mention's name; a coded road written with its ends after the code is named by
    the code (a bare code mention as written, else the standard code: G336临沧-景洪公路 → G336)."""
    if not _code_led(first):
        return first.name
    bare = next((m.name for m in group if _CODE_NAME.search(fold(m.name))), None)
    return bare if bare is not None else str(first.get("code"))


def mentions_from_documents(
    docs: Iterable[Document], *, themes: Iterable[str] | None = None
) -> list[Mention]:
    """Mentions of several documents, document by document (see :func:`mentions_from_document`)."""
    wanted = None if themes is None else list(themes)
    out: list[Mention] = []
    for doc in docs:
        out.extend(mentions_from_document(doc, themes=wanted))
    return out
