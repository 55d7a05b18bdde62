"""Parks and protected areas: forest/wetland/geo/urban/cultural/heritage/mine parks, reserves, scenic areas.

Rules (one Aho-Corasick scan for the suffixes, then per hit):

- the proper name before the suffix is cut at punctuation, verbs and function words
  (``投资建设汾河滩湿地公园`` → 汾河滩湿地公园); a name made only of generic words
  (城市公园, 国家森林公园, 体育主题公园) is not an item;
- one suffix shared by a list names every item: ``甲、乙湿地公园`` is 甲湿地公园 and 乙湿地公园, also
  with a count (甲、乙两个公园) — but not when 等 follows the suffix (甲、乙森林公园等景区: 甲 is a
  scenic spot);
- a list closed by 等 + a category names its items as written: any scenic category (``甲、乙等景区``,
  甲、乙等滨海文化旅游景区) or a generic park category (“甲”等国家公园); not a category of roads
  leading to scenic areas (等通往景区的公路), nor 高等级;
- a name or list before an A-grade rating or a resort rating is a scenic area without any suffix
  (``甲、乙创建5A级景区``, 甲创国家级旅游度假区), unless it is a county, a facility type (科技馆) or
  the document's own unit (我县);
- 纪念馆/纪念地/纪念园 are heritage sites, 国家公园 a park kind of its own;
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
    "国家公园": "other_park",
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
    "纪念馆": "heritage_park",
    "纪念地": "heritage_park",
    "纪念园": "heritage_park",
}

#: Suffixes of housing estates: a park-like name in a list of these is an estate.
_ESTATE_RE = re.compile(r"(?:花园|苑|学府|首府|名都|名邸|华庭|公馆|家园|小区|府邸|雅居|世家|公寓|天下|壹号)$")
#: What may follow 公园 in an estate or in a non-park compound (公园城市, 公园小区 …).
_AFTER_PARK_BAD = re.compile(r"小区|楼盘|住宅|天下|壹号|一号|城市|绿地|游园|广场|里\b")
#: 等 closes a list; what follows up to a scenic suffix is the list's category, not a name
#: (等景区, 等4A级景区, 等黄河沿岸生态文化旅游景区): the items before 等 are the names.
#: A category joining two heads (等特色小镇和度假区) may hold other things than parks: not read.
_DENG_RE = re.compile(r"(?<![高中初同平上特次均相对])等(?!级)[^\W和及与]{0,12}$")
#: Words relating another head to scenic areas (roads leading to them, land around them).
_ROUTE_RELATION = re.compile(r"通往|通达|连接|连通|前往|进入|周边|沿线|沿途|途经")
#: A category after 等 that names works, goods or events moving into scenic areas (甲、乙等非遗项目
#: 进驻景区) is a clause about scenic areas, not a kind of them (等重点景区, 等建成精品景区 are).
_NOT_A_CATEGORY = re.compile(r"进驻|入驻|走进|项目|产品|商品|活动|节庆|企业|非遗|技艺")
#: A name (or a list of names) that wins an A-grade rating is a scenic area, written with or without
#: a suffix of its own: 甲峡谷成功创建4A级景区, 甲、乙、丙创建国家5A级旅游景区.
_RATED = re.compile(
    r"(?:成功|正式|积极|全力|加快|力争|顺利|已|联合)?(?:创建|创成|申创|争创|创|晋升为?|升级为|获评|评为|被评为|成功创建)"
    r"(?:为|成为)?(?:(?:国家)?(?:[1-5]A|A{2,5})级?(?:旅游)?景区|(?:国家级|省级|国家)旅游度假区)"
)
#: Words that are a rated scenic area's subject without being its name (我县, 全市, 今年 …).
_NOT_SUBJECT = re.compile(r"^(?:我|全|本|今|去|明|该|各|新|共|累计|先后|年内)|[省市县区]$|[年月日家个处]$")
#: A 保护区 counts only as 自然保护区 or with a named habitat.
_RESERVE_OK = re.compile(r"自然保护区$")
_LEVEL_NEEDED = {"康养基地"}
#: A facility written by its type only (科技馆, 规划展览馆): no proper name.
_FACILITY = re.compile(
    r"(?:科技|规划|展览|规划展览|博物|美术|图书|体育|文化|档案|纪念|展示|非遗展示|非遗展览)馆"
)
#: Heads of industrial, farming and logistics parks (not parks, whatever they are rated).
_INDUSTRIAL_PARK = ("园区", "产业园", "示范园", "工业园", "物流园", "科技园", "农业园")
#: Heads of list items that are no scenic sites: projects, businesses, industrial parks.
_NOT_A_SITE = (
    "项目", "工程", "中心", "广场", "商城", "酒店", "综合体", "小区", "大厦", "市场", *_INDUSTRIAL_PARK,
)  # fmt: skip
#: 一塔一阁一公园: an enumeration of facilities, not a name.
_ENUMERATION = re.compile(r"一.一")
#: A count closing a list before a shared suffix (甲、乙两个公园, 甲、乙、丙3处景区).
_COUNTED = re.compile(r"(?:[两二三四五六七八九十]|\d{1,2})[个座处家]")
#: Last characters of list items that carry a feature or unit suffix of their own.
_NOT_BARE_END = frozenset("园区地库河湖山场馆院站镇乡村城县市域段带道路线谷峡泉堡")


_SUFFIXES_LONGEST_FIRST: tuple[str, ...] = tuple(sorted(PARK_SUFFIXES, key=len, reverse=True))


def _own_suffix(text: str, end: int | None = None) -> str:
    """The longest park suffix ``text`` (up to ``end``) ends with, or ""."""
    end = len(text) if end is None else end
    return next((suf for suf in _SUFFIXES_LONGEST_FIRST if text.endswith(suf, 0, end)), "")


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

    rated = (
        [(m.start(), m.end()) for m in _RATED.finditer(folded)]
        if "景区" in folded or "度假区" in folded
        else []
    )
    rated_ends = {end for _, end in rated}
    for s, e, suffix, kind in longest_hits(_automaton(), folded):
        if e in rated_ends:
            continue  # 某峡谷创5A级景区: the rating, whose subjects are read below
        after = folded[e : e + 4]
        if suffix.endswith("公园") and _AFTER_PARK_BAD.match(after):
            continue
        if after[:1] in "式化":
            continue  # 公园式, 景区化: a manner, not a place
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
        deng = _deng_before(folded, s, kind)
        if deng is not None:
            _deng_list(doc, folded, deng, admin, add, kind)
            continue
        if suffix == "保护区" and not _RESERVE_OK.search(folded, max(0, s - 2), e):
            continue
        if is_generic(core_plain) or len(core_plain) < 2 or _ENUMERATION.search(core_plain):
            continue
        if kind == "scenic_area" and core.endswith(tuple(PARK_SUFFIXES)):
            continue  # 舜帝公园景区: the park itself is the item
        if core.endswith(_INDUSTRIAL_PARK):
            continue  # 某产业园区4A级景区: an industrial or farming park, not a park
        if suffix in _LEVEL_NEEDED and not LEVEL_RE.search(core):
            continue
        if _is_estate(folded, p, e, core):
            continue
        name = strip_rating(text[p:e])
        add(p, e, name, _kind(kind, core), core_plain)
        # a suffix shared by a list: 甲、乙湿地公园 — unless 等 follows, which closes the list with
        # a category of its own (甲、乙国家森林公园等景区: 甲 is a scenic spot, not a forest park)
        items = [] if folded.startswith("等", e) else list_items_before(folded, p, max_len=6, admin=admin)
        if all(_bare_item(folded[a:b]) for a, b in items):
            for a, b in items:
                add(a, b, text[a:b] + text[s:e], _kind(kind, folded[a:b]), folded[a:b])
    for start, _ in rated:
        _rated_subjects(doc, folded, start, admin, add)
    return sorted(found.values(), key=lambda m: (m.char_start, m.name))


def _deng_before(folded: str, s: int, kind: str) -> int | None:
    """Offset of the 等 that closes a list right before the suffix at ``s``, or None.

    Any scenic category may follow 等 (等黄河沿岸生态文化旅游景区); other park kinds only a
    generic one (等国家森林公园, 等湿地公园), since 等甲湿地公园 would name a park of its own.
    """
    m = _DENG_RE.search(folded, max(0, s - 13), s)
    if m is None or m.end() != s:
        return None
    between = folded[m.start() + 1 : s]
    if _ROUTE_RELATION.search(between) or _NOT_A_CATEGORY.search(between):
        return None  # 等通往景区的公路: the list is of roads, the suffix qualifies them
    if kind == "scenic_area" or is_generic(LEVEL_RE.sub("", between)):
        return m.start()
    return None


def _split_pairs(folded: str, items: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Items of a 、-list with 和/及/与 inside one item split in two (甲公园及乙、丙等景区)."""
    out: list[tuple[int, int]] = []
    for x, y in items:
        joint = next((k for k in range(x + 2, y - 1) if folded[k] in "和及与"), None)
        out.extend([(x, y)] if joint is None else [(x, joint), (joint + 1, y)])
    return out


def _rated_subjects(
    doc: Document,
    folded: str,
    verb: int,
    admin: ahocorasick.Automaton | None,
    add: Callable[[int, int, str, str, str], None],
) -> None:
    """Names before an A-grade rating verb (甲、乙创建5A级景区): each is a scenic area."""
    text = doc.text
    a = name_start(folded, verb, max_len=12, admin=admin)
    if a == verb:
        return
    items = [(a, verb), *list_items_before(folded, a, max_len=10, admin=admin)]
    for x, y in items:
        item = folded[x:y]
        if len(item) < 2 or is_generic(LEVEL_RE.sub("", item)) or _NOT_SUBJECT.search(item):
            continue
        if admin is not None and any(length == len(item) for _, length in admin.iter(item)):
            continue  # 某县创建国家级旅游度假区: a county earns the rating, it is no scenic area
        if item.endswith(tuple(PARK_SUFFIXES)) or _FACILITY.fullmatch(item):
            continue  # read by the suffix rules; a facility type (科技馆) is not a name
        add(x, y, text[x:y], "scenic_area", item)


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
    kind: str = "scenic_area",
) -> None:
    """Items of ``甲、乙、丙等景区`` (or 等国家公园 …): the run right before 等 and the list
    before it, named as written (a quoted item without its quotes), of the category's kind."""
    text = doc.text
    b = deng
    own = _own_suffix(folded, b)
    # an item with a suffix of its own (甲国家级自然保护区等景区) is cut like a park name
    a = name_start(folded, b - len(own) if own else b, max_len=14 if own else 10, admin=admin)
    if a == b:
        quoted = quoted_before(folded, b)
        if quoted is None:
            return
        a, b = quoted
    items = [(a, b), *list_items_before(folded, a, max_len=14, admin=admin)]
    for x, y in _split_pairs(folded, items):
        item = folded[x:y]
        if len(item) < 2 or is_generic(LEVEL_RE.sub("", item)) or "景区" in item or "景点" in item:
            continue
        suffix = _own_suffix(item)
        if suffix and is_generic(LEVEL_RE.sub("", item[: -len(suffix)])):
            continue  # 森林公园、风景名胜区等自然公园: kinds of parks, not parks
        if item.endswith(_NOT_A_SITE) or _FACILITY.fullmatch(item):
            continue  # a project, a facility type, a business or an industrial park: no scenic site
        add(x, y, text[x:y], _kind(kind, item), item)
