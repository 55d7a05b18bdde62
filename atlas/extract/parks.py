"""Parks and protected areas: forest/wetland/geo/urban/cultural/heritage/mine parks, reserves, scenic areas.

Rules (one Aho-Corasick scan for the suffixes, then per hit):

- the proper name before the suffix is cut at punctuation, verbs and function words
  (``投资建设汾河滩湿地公园`` → 汾河滩湿地公园); a name made only of generic words
  (城市公园, 国家森林公园, 体育主题公园) is not an item;
- one suffix shared by a list names every item: ``甲、乙湿地公园`` is 甲湿地公园 and 乙湿地公园;
- a list closed by 等 + 景区 names its items as written: ``甲、乙等景区`` is 甲 and 乙;
- housing estates (…公园小区, 一号公园, a list of 花园/苑/学府 names) are not parks; industrial parks
  (产业园, 示范园) never match a park suffix;
- ``level`` from 国家级/国家/全国/省级/市级 in the name, ``status`` from :mod:`atlas.extract.status`,
  ``place`` is the toponym core (沁水历山国家森林公园 → 历山).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import ahocorasick

from atlas.extract._common import (
    LEVEL_RE,
    admin_automaton,
    build_automaton,
    folded_text,
    is_generic,
    is_name_char,
    level_of,
    list_items_after,
    list_items_before,
    longest_hits,
    make_mention,
    name_start,
    quoted_before,
    region_code,
    strip_rating,
)
from atlas.extract.status import status_at
from atlas.models import Document, Mention

__all__ = ["PARK_SUFFIXES", "park_mentions"]

#: Feature suffix → park kind (DESIGN.md enum). The longest suffix at a position wins.
PARK_SUFFIXES: dict[str, str] = {
    "森林公园": "forest_park",
    "湿地公园": "wetland_park",
    "地质公园": "geopark",
    "地质科普公园": "geopark",
    "矿山公园": "mine_park",
    "遗址公园": "heritage_park",
    "考古遗址公园": "heritage_park",
    "文化公园": "cultural_park",
    "自然公园": "other_park",
    "沙漠公园": "other_park",
    "公园": "urban_park",
    "自然保护区": "nature_reserve",
    "保护区": "nature_reserve",
    "风景名胜区": "scenic_area",
    "风景区": "scenic_area",
    "景区": "scenic_area",
    "旅游区": "scenic_area",
    "旅游度假区": "scenic_area",
    "度假区": "scenic_area",
    "康养基地": "other_park",
}

#: Suffixes of housing estates: a park-like name in a list of these is an estate.
_ESTATE_RE = re.compile(r"(?:花园|苑|学府|首府|名都|名邸|华庭|公馆|家园|小区|府邸|雅居|世家|公寓|天下|壹号)$")
#: What may follow 公园 in an estate or in a non-park compound (公园城市, 公园小区 …).
_AFTER_PARK_BAD = re.compile(r"小区|楼盘|住宅|天下|壹号|一号|城市|绿地|游园|广场|里\b")
#: 等 + an optional adjective before a scenic suffix closes a list of named scenic spots.
_DENG_RE = re.compile(r"等(?:核心|重点|龙头|精品|知名|著名|大型|特色|旅游|国家级|[345]A级?|A级)?$")
#: A 保护区 counts only as 自然保护区 or with a named habitat.
_RESERVE_OK = re.compile(r"自然保护区$")
_LEVEL_NEEDED = {"康养基地"}
#: 一塔一阁一公园: an enumeration of facilities, not a name.
_ENUMERATION = re.compile(r"一.一")
#: A count closing a list before a shared suffix (甲、乙两个公园, 甲、乙、丙3处景区).
_COUNTED = re.compile(r"(?:[两二三四五六七八九十]|\d{1,2})[个座处家]")
#: Last characters of list items that carry a feature or unit suffix of their own.
_NOT_BARE_END = frozenset("园区地库河湖山场馆院站镇乡村城县市域段带道路线谷峡泉堡")


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    return build_automaton(PARK_SUFFIXES.items())


def _place(core: str, admin: ahocorasick.Automaton | None) -> str | None:
    place = LEVEL_RE.sub("", core).strip("·") or None
    if place and admin is not None:
        for stop, length in admin.iter(place):
            a = stop - length + 1
            if a == 0 and len(place) - length >= 2:
                return place[length:]
    return place


def park_mentions(doc: Document) -> list[Mention]:
    """Parks, protected areas and scenic areas named in ``doc``.

    Parameters
    ----------
    doc
        The document.

    Returns
    -------
    list of Mention
        Theme ``parks`` with attrs ``kind``, ``level``, ``status``, ``place``; sorted by offset.
    """
    text = doc.text
    folded = folded_text(text)
    admin = admin_automaton(region_code(doc))
    found: dict[tuple[int, int], Mention] = {}

    def add(a: int, b: int, name: str, kind: str, core: str) -> None:
        if (a, b) in found:
            return
        level = level_of(name)
        attrs = {
            "kind": kind,
            "level": level,
            "status": status_at(doc, a, b),
            "place": _place(core, admin),
        }
        found[(a, b)] = make_mention(doc, "parks", kind, name, a, b, attrs)

    for s, e, suffix, kind in longest_hits(_automaton(), folded):
        after = folded[e : e + 4]
        if suffix.endswith("公园") and _AFTER_PARK_BAD.match(after):
            continue
        p = name_start(folded, s, max_len=14, admin=admin)
        quoted = quoted_before(folded, s) if p == s else None
        if quoted is not None:  # “两坝一峡”旅游区: the quoted words are the name
            qa, qb = quoted
            if not is_generic(LEVEL_RE.sub("", folded[qa:qb])):
                add(qa - 1, e, text[qa:qb] + text[s:e], kind, folded[qa:qb])
            continue
        counted = _COUNTED.search(folded, p, s)
        if counted is not None and counted.end() == s and counted.start() > p:
            # 甲、乙两个公园: the count closes a list whose items share the suffix
            b = counted.start()
            items = [(p, b), *list_items_before(folded, p, max_len=6, admin=admin)]
            if len(items) >= 2 and all(_bare_item(folded[x:y]) for x, y in items):
                for x, y in items:
                    add(x, y, text[x:y] + text[s:e], _kind(kind, folded[x:y]), folded[x:y])
            continue
        raw_core = folded[p:s]
        core = strip_rating(raw_core + "景区")[: -len("景区")] if "A" in raw_core else raw_core
        core_plain = LEVEL_RE.sub("", core)
        # lists closed by 等 + scenic suffix: the items are the names
        deng = _DENG_RE.search(folded, max(0, s - 8), s) if kind == "scenic_area" else None
        if deng is not None and deng.end() == s:
            _deng_list(doc, folded, deng.start(), admin, add)
            continue
        if suffix == "保护区" and not _RESERVE_OK.search(folded, max(0, s - 2), e):
            continue
        if is_generic(core_plain) or len(core_plain) < 2 or _ENUMERATION.search(core_plain):
            continue
        if kind == "scenic_area" and core.endswith(tuple(PARK_SUFFIXES)):
            continue  # 舜帝公园景区: the park itself is the item
        if suffix in _LEVEL_NEEDED and not LEVEL_RE.search(core):
            continue
        if _is_estate(folded, p, e, core):
            continue
        name = strip_rating(text[p:e])
        add(p, e, name, _kind(kind, core), core_plain)
        # a suffix shared by a list: 甲、乙湿地公园
        items = list_items_before(folded, p, max_len=6, admin=admin)
        if all(_bare_item(folded[a:b]) for a, b in items):
            for a, b in items:
                add(a, b, text[a:b] + text[s:e], _kind(kind, folded[a:b]), folded[a:b])
    return sorted(found.values(), key=lambda m: (m.char_start, m.name))


def _kind(kind: str, core: str) -> str:
    if kind == "urban_park":
        if "遗址" in core or "考古" in core:
            return "heritage_park"
        if "矿山" in core:
            return "mine_park"
    return kind


def _bare_item(item: str) -> bool:
    """A list item that is only a name (no feature suffix of its own, no verb, not generic)."""
    if not 2 <= len(item) <= 4 or is_generic(item) or item[-1] in _NOT_BARE_END:
        return False
    return all(is_name_char(ch) for ch in item)


def _is_estate(folded: str, p: int, e: int, core: str) -> bool:
    if "·" in core or core.endswith(("中央", "一号", "壹号")):
        return True
    neighbours = list_items_before(folded, p, max_len=8) + list_items_after(folded, e, max_len=8)
    return any(_ESTATE_RE.search(folded[a:b]) for a, b in neighbours)


def _deng_list(
    doc: Document,
    folded: str,
    deng: int,
    admin: ahocorasick.Automaton | None,
    add: Callable[[int, int, str, str, str], None],
) -> None:
    """Items of ``甲、乙、丙等景区``: the run right before 等 and the list before it."""
    text = doc.text
    b = deng
    a = name_start(folded, b, max_len=10, admin=admin)
    if a == b:
        return
    items = [(a, b), *list_items_before(folded, a, max_len=8, admin=admin)]
    for x, y in items:
        item = folded[x:y]
        if len(item) < 2 or is_generic(LEVEL_RE.sub("", item)) or "景区" in item or "景点" in item:
            continue
        add(x, y, text[x:y], "scenic_area", item)
