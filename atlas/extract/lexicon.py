"""Known names: proper names that are features by themselves, found by lookup, not by a suffix.

A plan writes 雅鲁藏布江, 乌苏里江, 浑江 or 查干湖 without anything that marks them as a river or a
lake beyond the name itself; rules that cut a name in front of a suffix either miss them (the core
is long, or is one character such as 清 in 清江) or mistake them for an administrative unit (浑江区,
黑龙江省). This module only *recognises*: it says which spans of a text are known names and of which
kind. Whether the sentence treats the span as a place of a theme is decided by the extractor, and
where it lies on the map by :mod:`atlas.geocode`.

Sources, each read through its own module:

- rivers and lakes of all of China: :func:`atlas.hydro.water_names` (the national 1:4M file);
- lakes and reservoirs of the curated gazetteer (``geodata/gazetteer.csv``):
  :func:`atlas.gazetteer.read_curated`.

A missing curated file raises (it is part of the project); a missing hydrography file gives fewer
names and a warning from :mod:`atlas.hydro`.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import ahocorasick

log = logging.getLogger("atlas")

__all__ = ["KNOWN_KINDS", "known_name_automaton", "known_names", "main_rivers"]

#: Kind of a known name → eco-zone kind.
KNOWN_KINDS: dict[str, str] = {"river": "river", "lake": "lake_reservoir", "lake_reservoir": "lake_reservoir"}

#: Last characters that mark a water body by itself; a known two-character name must end in one
#: (东河, 清江) — other two-character names of the file (曲隆, 错那, 坝水) are too often ordinary words.
_WATER_END = "河江湖淀泊"
_NAME = re.compile(r"^[\u4e00-\u9fff]{2,15}$")


def _acceptable(name: str) -> bool:
    if not _NAME.match(name):
        return False
    return len(name) >= 3 or name[-1] in _WATER_END


@lru_cache(maxsize=1)
def known_names() -> dict[str, str]:
    """Every known feature name (and alias) → its eco-zone kind (``river`` / ``lake_reservoir``).

    Raises
    ------
    DataMissingError
        The curated gazetteer of the project is missing.
    """
    from atlas.gazetteer import CURATED_PATH, read_curated
    from atlas.hydro import water_names

    out: dict[str, str] = {}
    for name, kind in water_names().items():
        if kind in KNOWN_KINDS and _acceptable(name):
            out.setdefault(name, KNOWN_KINDS[kind])
    for feat in read_curated(CURATED_PATH):
        if feat.kind in KNOWN_KINDS:
            for name in (feat.name, *feat.aliases):
                if _acceptable(name):
                    out.setdefault(name, KNOWN_KINDS[feat.kind])
    return out


@lru_cache(maxsize=1)
def main_rivers() -> frozenset[str]:
    """Names of the main stems of China's great rivers (长江, 黄河, 珠江 …, the largest level of
    the national hydrography; empty without it)."""
    from atlas.hydro import load_hydro

    return load_hydro().main_stems()


@lru_cache(maxsize=1)
def known_name_automaton() -> ahocorasick.Automaton | None:
    """Aho-Corasick automaton of :func:`known_names` (``(name, kind)`` values); None when empty."""
    names = known_names()
    if not names:
        return None
    auto = ahocorasick.Automaton()
    for name, kind in names.items():
        auto.add_word(name, (name, kind))
    auto.make_automaton()
    return auto
