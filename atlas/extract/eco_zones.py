"""Ecological zones: function zones, corridors, barriers, watersheds, rivers, water sources, mountains.

One Aho-Corasick scan finds the feature suffixes (流域, 生态带, 廊道, 屏障, 水源地, 片区, 恢复区,
水库, 湖, 河, 山, 湿地, 峡谷 …); a rule per kind cuts the proper name in front of the suffix and
decides whether the mention is an item:

- rivers and mountains count only in an ecological role (the sentence speaks of 生态, 治理, 保护,
  水系, 流域 …), never inside other names (山西, 黑山羊, 黄河文化, 沙河镇) or as generic words
  (矿山, 青山, 河道); a river named in a watershed (汾河流域) is the watershed;
- corridors, function zones and restoration areas keep long descriptive names
  (张峰水库水源涵养生态保护廊道, 师庄乡水土保持与农产品生产片区) but must carry an ecological word;
- a suffix shared by a list names every item (甲、乙湿地 → 甲湿地, 乙湿地), and a prefix shared by
  a list too (甲水利长廊、生态长廊 → 甲生态长廊);
- a named scenic site that is a park (see :mod:`atlas.extract.parks`) is not repeated here;
- items of a list holding a found river or lake that end in a water character are water bodies
  of the same kind (甲湖、乙海、丙海: 乙海 and 丙海 are lakes), never a unit of that name (上海);
- economic belts along a main stem or written as ecological (长江经济带, 汉江生态经济带) are zones;
- watersheds of lakes and of reaches (白洋淀上游流域); rivers joined by a dash are two;
- a verb acting on water (净湖, 还湖), a count (一江两岸), a common noun (河流) or slogan adjectives
  (人文/生态 + 山) leave no name.

``places`` lists the toponyms referenced by the name (rivers, mountains, lakes, towns).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

import ahocorasick

from atlas.extract import lexicon, vocab
from atlas.extract._common import (
    LEVEL_RE,
    admin_automaton,
    after_split_word,
    build_automaton,
    folded_text,
    is_generic,
    is_name_char,
    list_items_after,
    list_items_before,
    longest_hits,
    make_mention,
    name_start,
    quoted_before,
    region_code,
    sentence_at,
)
from atlas.extract.parks import PARK_SUFFIXES, park_mentions
from atlas.extract.status import status_at
from atlas.models import Document, Mention
from atlas.text import fold

__all__ = ["ECO_SUFFIXES", "eco_zone_mentions"]

#: Feature suffix → eco-zone kind (DESIGN.md enum).
ECO_SUFFIXES: dict[str, str] = {
    "流域": "watershed",
    "生态带": "eco_corridor",
    "生态廊道": "eco_corridor",
    "生态长廊": "eco_corridor",
    "廊道": "eco_corridor",
    "走廊": "eco_corridor",
    "绿廊": "eco_corridor",
    "长廊": "eco_corridor",
    "廊带": "eco_corridor",
    "屏障": "eco_barrier",
    "屏障区": "eco_barrier",
    "水源地": "water_source_protection",
    "水源保护区": "water_source_protection",
    "水源地保护区": "water_source_protection",
    "泉域": "water_source_protection",
    "片区": "eco_function_zone",
    "功能区": "eco_function_zone",
    "涵养区": "eco_function_zone",
    "恢复区": "restoration_area",
    "修复区": "restoration_area",
    "治理区": "restoration_area",
    "水库": "lake_reservoir",
    "湖": "lake_reservoir",
    "淖尔": "lake_reservoir",
    "海子": "lake_reservoir",
    "河": "river",
    "江": "river",
    "沟": "river",
    "山": "mountain",
    "岭": "mountain",
    "山系": "mountain",
    "山脉": "mountain",
    "湿地": "other",
    "峡谷": "other",
    "大峡谷": "other",
    "沙漠": "other",
    "冰川": "other",
    "沙地": "other",
    "库区": "lake_reservoir",
    "绿心": "eco_function_zone",
}

#: Kinds whose names are long descriptions cut only at punctuation and a few verbs.
_LONG_KINDS = frozenset({"eco_corridor", "eco_barrier", "eco_function_zone", "restoration_area"})
_LONG_STOP_RE = vocab.alternation(vocab.LONG_NAME_BREAKS)
#: Ecological words a long name must carry.
_ECO_WORD = re.compile(
    r"生态|绿化|绿色|涵养|保护|水土|生物多样性|防风固沙|湿地|植被|森林|林草|水源|滨河|恢复|修复"
)
_ECO_WORD_END = re.compile(r"(?:涵养|保持|保护|多样性|修复|固沙|治理|恢复)$")
_ECO_WORD_START = re.compile(r"生物|水源|水土|生态|防风|湿地")
#: A sentence in which a river or mountain plays an ecological role.
_ECO_CUE = re.compile(
    r"生态|治理|修复|保护|水系|河道|湿地|流域|水源|涵养|水质|水土|绿化|滨河|岸线|河长|水环境|防洪|行洪|"
    r"支流|干流|植被|造林|林草|森林|自然|环境|屏障|廊道|水库|清河|治污|排污|断面|清漂|污染|整治"
)
#: What may follow a river, mountain or lake name where it stands as a name: a break (punctuation,
#: a list mark, a function word or verb, see ``_common.STOP_WORDS``) or a word of its ecological
#: role (干流, 两岸, 生态 …). Anything else makes it the modifier of a longer word (黄河金三角,
#: 青溪河文化, 岚山根, 松花江路), which is not an item.
_ROLE_AFTER = (
    r"干流|支流|主流|上游|中游|下游|源头|源区|两岸|沿岸|沿线|岸线|岸带|河段|段|水系|水域|水质|水源|水生态|"
    r"水环境|水资源|水土|生态|湿地|治理|综合|保护|修复|整治|清漂|防洪|行洪|库区|区域|一带|地区|周边|"
    r"山区|林区|自然|森林|国家|省级|风景|沿|污染|绿化|航道|一江两岸|(?:中心|主)?城区段|市区段|县城段|"
    r"(?:[一二两三四五六七八九十]|\d{1,2})[条座个处大]|"  # 甲河、乙河三条河流: the count closing a list
    r"[东南西北中上下]段|[\u4e00-\u9fff]{2,3}段(?![落时期])|[东南西北]麓|腹地|主峰"  # a stretch: 某岭西段, 某河某镇段
)
_FOLLOW_OK = {
    kind: re.compile(rf"$|[^\w]|[0-9A-Za-z]|{_ROLE_AFTER}{extra}")
    for kind, extra in (
        ("river", r"|河道|河床|河口"),
        ("mountain", r"|山脉|山系|水源涵养|生物多样性"),
        ("lake_reservoir", r"|流域|水库|除险|加固|清淤|扩容|增容"),
    )
}
#: What may not follow the other short kinds (湿地风光, 峡谷景观 are descriptions).
_AFTER_BAD = {"other": re.compile(r"风光|景观|资源|保护|公园|建设|修复|恢复|小镇|[镇村街路]|酒店|大道")}
_GENERIC_NAMES: frozenset[str] = frozenset(
    (
        "矿山", "青山", "金山", "银山", "荒山", "火山", "江山", "登山", "封山", "深山", "高山", "群山", "名山", "靠山", "下山",
        "上山", "进山", "出山", "爬山", "游山", "两山", "三山", "一山", "南山", "北山", "东山", "西山", "冰山", "宝山", "山山",
        "河山", "关山", "冰川", "矸石山", "漫山", "满山", "河", "江", "山", "湖", "大河", "小河", "江河",
        "内河", "界河", "母亲河", "护城河", "运河", "河湖", "江湖", "林湖", "挖湖", "环湖", "沿湖", "入河", "沿河", "护河",
        "跨河", "过河", "治河", "临河", "环河", "大江", "滨河", "滨江", "滨湖", "滨海",  # by the water: 滨河公园
    )
)  # fmt: skip
#: Single first characters that make a verb or quantity, not a name (入河, 沿河, 荒山 …).
_BAD_ONE_CHAR = frozenset(
    "入沿护跨过治临环界内外大小江山条各全本一两三四五六七八九十的和与及在对于向河湖矿青金银荒火登封深高群名靠"
    "下上进出爬游南北东西冰宝关老后前远近半依傍背翻越采开绿造林树秃土煤铁铜水库池塘人挖清排污蓄引调滨漫满巡干跨"
)
#: Longest proper-name core before a short suffix when the name is not a known one. Known names
#: (the national river and lake names, see :mod:`atlas.extract.lexicon`) may be longer: 雅鲁藏布江.
_MAX_CORE = 4
_MAX_CORE_BY_KIND = {"water_source_protection": 8, "other": 5}
#: Words that open a span but never a name: quantifiers and determiners (每条, 各, 所有, 全域),
#: evaluative adjectives (主要, 重点, 美丽, 清洁), scope words (城区, 境内) and rank words (四级).
#: 全域河, 每条河, 美丽河湖, 主要河流 lose them and have no name left.
_MODIFIER_RE = re.compile(
    r"(?:每[条个座处片]?|各[条类个级]?|所有|全部|全域|全|诸|该|此|这|那|其|主要|重点|重要|骨干|美丽|清洁|干净|"
    r"优美|秀美|幸福|健康|平安|和谐|文明|智慧|数字|活力|魅力|人文|绿色|生态|宜居|城区|城市|城镇|乡村|农村|境内|辖区|域内|县域|"
    r"市域|区域|周边|沿线|县乡|乡镇|县级|市级|村级|"
    r"黑臭|垃圾|污染|劣质|[一二三四五六七八九十百千万两多数几]+[条个座处级大顷亩片宗]|\d+[条个座处宗]|级|条)+"
)
#: A head-of-office title (河长, 湖长, 林长, 山长) is no feature: 四级河长湖长制.
_TITLE_RE = re.compile(r"[河湖林山田路]长")
_CONDITION_RE = re.compile(r"黑臭|垃圾|污染|病险|劣[ⅤV五]")
_DASHES = "—–-－~～"
_ENUMERATION = re.compile(r"[一二两三四五六七八九十].[一二两三四五六七八九十]")
_SEVERAL_ZONES = re.compile(r"区[和及与、]")
_STRATEGY = re.compile(r"[^,，。;；]{0,8}高质量发展")


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    words: dict[str, str | None] = dict.fromkeys(PARK_SUFFIXES)  # parks block their inner words
    words.update(ECO_SUFFIXES)
    return build_automaton(words.items())


def _long_start(folded: str, end: int, *, max_len: int = 32) -> int:
    """Start of a long descriptive name (corridor, function zone) ending at ``end``."""
    lo = max(0, end - max_len)
    i = end - 1
    while i >= lo:
        ch = folded[i]
        if is_name_char(ch) or ch in "()（）":
            i -= 1
            continue
        if (
            ch == "、"
            and _ECO_WORD_END.search(folded, max(0, i - 6), i)
            and _ECO_WORD_START.match(folded, i + 1)
        ):
            i -= 1
            continue
        break
    start = after_split_word(folded, i + 1, end)
    cut = 0
    window = folded[start:end]
    for m in _LONG_STOP_RE.finditer(window):
        cut = max(cut, m.end())
    return start + cut


def eco_zone_mentions(doc: Document) -> list[Mention]:
    """Ecological zones, corridors, barriers, watersheds, water sources, rivers, mountains, lakes.

    Parameters
    ----------
    doc
        The document.

    Returns
    -------
    list of Mention
        Theme ``eco_zones`` with attrs ``kind``, ``places``, ``status``; sorted by offset.
    """
    text = doc.text
    folded = folded_text(text)
    admin = admin_automaton(region_code(doc))
    parks = park_mentions(doc)
    park_names = {m.name for m in parks}
    found: dict[tuple[int, int], Mention] = {}

    def add(a: int, b: int, name: str, kind: str, places: list[str]) -> None:
        if (a, b) in found or name in park_names:
            return
        attrs = {"kind": kind, "places": places, "status": status_at(doc, a, b)}
        found[(a, b)] = make_mention(doc, "eco_zones", kind, name, a, b, attrs)

    hits = [h for h in longest_hits(_automaton(), folded) if h[3] is not None]
    park_spans = [(m.char_start - doc.char_start, m.char_end - doc.char_start) for m in parks]
    long_spans: list[tuple[int, int]] = []
    for s, e, suffix, kind in hits:
        if kind in _LONG_KINDS:
            span = _long_item(doc, folded, s, e, suffix, kind, add, admin, hits)
            if span is not None:
                long_spans.append(span)

    def inside(a: int, b: int) -> bool:
        return any(x <= a and b <= y for x, y in long_spans) or any(
            x <= a and b <= y + 4 and a < y for x, y in park_spans
        )

    # short names: pass 1 finds names with a clear left edge, pass 2 resolves the others with them
    short = [(i, h) for i, h in enumerate(hits) if h[3] not in _LONG_KINDS]
    starts: dict[int, int | None] = {}
    confirmed: set[str] = set()
    known_names = lexicon.known_names()
    for i, (s, e, suffix, kind) in short:
        core_end = _core_end(folded, s, kind)
        p = _after_modifiers(folded, _short_start(folded, core_end, admin), core_end, admin)
        p = _after_unit(folded, p, core_end, admin)
        if kind in ("river", "lake_reservoir", "watershed"):
            p = _after_dash(folded, p, core_end)
        limit = _MAX_CORE_BY_KIND.get(kind, _MAX_CORE) + (s - core_end)
        longest_known = None
        if s - p > limit:  # 雅鲁藏布江: a known name may be longer than the limit
            longest_known = next((k for k in range(p, s) if folded[k:e] in known_names), None)
            p = p if longest_known is None else longest_known
        if s - p <= limit or longest_known is not None:
            starts[i] = p
            if _valid_core(folded, p, s, e, folded[p:s], kind, suffix, admin):
                confirmed.add(folded[p:core_end])
        else:
            starts[i] = None
    skip: set[int] = set()
    for i, (s, e, suffix, kind) in short:
        if i in skip:
            continue
        core_end = _core_end(folded, s, kind)
        known = starts[i]
        if known is None:
            known = next(
                (core_end - k for k in (3, 2, 1) if folded[core_end - k : core_end] in confirmed), None
            )
            if known is None:
                continue
        p = known
        core = folded[p:s]
        if inside(p, e) or not _valid_core(folded, p, s, e, core, kind, suffix, admin):
            continue
        if kind == "river" and suffix != "河" and folded[e : e + 1] in "河江":
            continue  # 柿沟河: the 河 is the suffix
        if kind == "river" and suffix == "沟" and not _in_river_list(folded, p, e):
            continue
        if kind in ("river", "mountain", "lake_reservoir", "other") and suffix not in ("山系", "山脉"):
            sa, sb = sentence_at(folded, s)
            if not _ECO_CUE.search(folded, sa, sb):
                continue
        name = text[p:e]
        if kind == "mountain" and folded[e : e + 1] in _DASHES:
            pair = _mountain_pair(folded, p, e, hits, i)
            if pair is not None:
                a, b, places, j = pair
                skip.add(j)
                add(a, b, text[a:b], "eco_function_zone", places)
                continue
        if kind == "mountain" and suffix in ("山系", "山脉"):
            name = text[p : s + 1]  # 太岳山系 → 太岳山
        if kind == "watershed" and folded[core_end : core_end + 1] not in tuple(_WATER_END):
            continue
        if kind == "watershed" and _STRATEGY.match(folded, e):
            continue  # 黄河流域生态保护和高质量发展: the national strategy, not a place
        place = folded[p : core_end + 1] if kind == "watershed" else _place_of(core, suffix, kind)
        add(p, e, name, kind, [place])
        if kind == "other" or suffix == "水库":  # 甲、乙、丙水库: every item is a reservoir
            for a, b in list_items_before(folded, p, max_len=4, admin=admin):
                item = folded[a:b]
                if not _bare(item, kind) or _ECO_CUE.search(item) or item in _WATER_WORDS:
                    break  # 村庄绿化、河流、水库: a list of kinds of work, not of names
                add(a, b, text[a:b] + text[s:e], kind, [item])
    taken = list(found)
    for a, b, name, kind in _known_hits(folded, admin):
        if inside(a, b) or any(x <= a and b <= y for x, y in taken):
            continue
        sa, sb = sentence_at(folded, a)
        if _ECO_CUE.search(folded, sa, sb):
            add(a, b, text[a:b], kind, [name])
    _listed_water(doc, folded, found, add)
    for x, y in _river_belts(doc, folded, add, inside):
        for key in [k for k in found if x <= k[0] and k[1] <= y and k != (x, y)]:
            del found[key]  # 长江 inside 长江经济带: the belt is the item
    return sorted(found.values(), key=lambda m: (m.char_start, m.name))


def _after_dash(folded: str, p: int, end: int) -> int:
    """Start after the last dash of a core: water bodies joined by a dash are two (甲河—乙河)."""
    last = max(folded.rfind(d, p, end) for d in _DASHES)
    return p if last < 0 else last + 1


def _core_end(folded: str, s: int, kind: str) -> int:
    """Where the proper name before the suffix at ``s`` ends: before the water character of a
    watershed (汾河流域 → 汾) and before a reach written with it (白洋淀上游流域 → 白洋)."""
    if kind != "watershed":
        return s
    reach = _REACH.search(folded, max(0, s - 2), s)
    ws = reach.start() if reach is not None else s
    return ws - 1


#: Last characters of the name of a water body standing alone in a list (程海, 白洋淀, 香溪).
_LISTED_WATER_END = "海淀泊湖江河溪潭"


def _listed_water(
    doc: Document,
    folded: str,
    found: dict[tuple[int, int], Mention],
    add: Callable[[int, int, str, str, list[str]], None],
) -> None:
    """Items of a 、-list that holds a river or lake already found: an item of two to four
    characters ending in a water character (海, 淀, 湖, 江, 河, 溪 …) is a water body of the same
    kind (泸沽湖、程海、拉市海: 程海 and 拉市海 are lakes), unless it names an administrative unit
    (上海, 珠海) or is a generic word."""
    text = doc.text
    everywhere = admin_automaton(None)
    for m in list(found.values()):
        if m.kind not in ("river", "lake_reservoir"):
            continue
        a, b = m.char_start - doc.char_start, m.char_end - doc.char_start
        for x, y in list_items_before(folded, a, max_len=4) + list_items_after(folded, b, max_len=5):
            y = _water_item_end(folded, x, y)
            item = folded[x:y]
            if not 2 <= len(item) <= 4 or item[-1] not in _LISTED_WATER_END:
                continue
            if item in _GENERIC_NAMES or is_generic(item[:-1]) or _MODIFIER_RE.fullmatch(item[:-1]):
                continue
            if any(stop + 1 == len(item) and length == len(item) for stop, length in everywhere.iter(item)):
                continue  # 上海, 珠海: a unit of that name
            if item[-2] in _WATER_VERBS or not _stands_after(folded, y, m.kind):
                continue
            if folded.startswith(("水库", "流域", "湿地", "库区"), y):
                continue  # 甲河水库: the reservoir is the item, read by the suffix rules
            add(x, y, text[x:y], m.kind, [item])


def _water_item_end(folded: str, x: int, y: int) -> int:
    """End of a water name at the head of ``folded[x:y]`` (the last item of a list runs on into
    the words after it: 拉市海保护 → 拉市海): the first water character from the second on."""
    for k in range(x + 1, y):
        if folded[k] in _LISTED_WATER_END:
            return k + 1
    return y


#: An economic belt along a river (长江经济带, 汉江生态经济带, 赣江中游生态经济带).
_BELT = re.compile(r"(?:(?:上|中|下)游)?(生态|绿色)?经济带")
_BELT_WORD = re.compile(r"经济带")


def _river_belts(
    doc: Document,
    folded: str,
    add: Callable[[int, int, str, str, list[str]], None],
    inside: Callable[[int, int], bool],
) -> list[tuple[int, int]]:
    """Economic belts along a known river that are zones of the plan: the belt of a main stem
    (长江经济带, the basin-wide strategy) or a belt written as ecological (汉江生态经济带); a
    county's development axis along a smaller river (某河经济带) is not. Returns their spans."""
    known = lexicon.known_names()
    text = doc.text
    main = lexicon.main_rivers()
    spans: list[tuple[int, int]] = []
    for belt in _BELT_WORD.finditer(folded):
        # the longest known river ending right before the belt (and its reach or 生态 word)
        b = belt.start()
        b -= 2 if folded.endswith(("生态", "绿色"), 0, b) else 0
        b -= 2 if folded.endswith(("上游", "中游", "下游"), 0, b) else 0
        a = next((k for k in range(max(0, b - 8), b - 1) if known.get(folded[k:b]) == "river"), None)
        if a is None:
            continue
        name = folded[a:b]
        m = _BELT.match(folded, b)
        if m is None or (m.group(1) is None and name not in main) or inside(a, m.end()):
            continue
        if name_start(folded, a, max_len=4) < a:
            continue  # 百里某河经济带: a longer name
        add(a, m.end(), text[a : m.end()], "other", [name])
        spans.append((a, m.end()))
    return spans


def _known_hits(folded: str, admin: ahocorasick.Automaton | None) -> list[tuple[int, int, str, str]]:
    """Known river and lake names (see :mod:`atlas.extract.lexicon`) standing as names in ``folded``.

    A known name stands as a name when what follows is a break or a word of its role (see
    ``_FOLLOW_OK``) and what precedes is a break, a stop word or a word of two or more characters
    (守护长江); one name character right before it makes a longer name (小清江), left to the suffix
    rules. A river followed by 流域 is the watershed, not the river.
    """
    auto = lexicon.known_name_automaton()
    if auto is None:
        return []
    out: list[tuple[int, int, str, str]] = []
    for a, b, name, kind in longest_hits(auto, folded):
        if (name[-1:] + folded[b : b + 2]) in _GENERIC_NAMES or name in _GENERIC_NAMES:
            continue
        if _MODIFIER_RE.fullmatch(name[:-1]) or is_generic(name[:-1]):
            continue  # 三江两岸: a count of rivers, not the river called 三江
        if not _stands_after(folded, b, kind) or (folded.startswith(("流域", "水库"), b) and kind == "river"):
            continue
        p = name_start(folded, a, max_len=6, admin=admin)
        if a - p == 1 and is_name_char(folded[p]):
            continue
        if admin is not None:
            heads = [stop + 1 for stop, length in admin.iter(folded[a : b + 3]) if stop - length + 1 == 0]
            if any(h > b - a for h in heads):
                continue  # 清江浦区: an administrative unit that starts with the name
            if b - a in heads and not _water_in_context(folded, a, b):
                continue  # 丽江 the city, 漫江 the town: the same name as a unit needs water around it
        out.append((a, b, name, kind))
    return out


#: Words after a name that only water takes (two banks, upper reaches, main stream …).
_WATER_ROLE_AFTER = re.compile(
    r"干流|支流|主流|上游|中游|下游|源头|两岸|沿岸|岸线|河段|河道|水系|水域|水质|水生态|水环境|流域|库区"
)


def _water_in_context(folded: str, a: int, b: int) -> bool:
    """True when the name at ``folded[a:b]``, which is also an administrative unit's name, is
    written as water: followed by a word only water takes, or listed with other water bodies."""
    if _WATER_ROLE_AFTER.match(folded, b):
        return True
    known = lexicon.known_names()
    neighbours = list_items_before(folded, a, max_len=6) + list_items_after(folded, b, max_len=6)
    return any(folded[x:y] in known or folded[y - 1 : y] in "河江湖" for x, y in neighbours)


def _stands_after(folded: str, e: int, kind: str) -> bool:
    """True when the name ending at ``e`` is followed by a break or a word of its role."""
    follow = _FOLLOW_OK.get(kind)
    return follow is None or follow.match(folded, e) is not None or _VERB_AFTER.match(folded, e) is not None


#: A verb or function word right after a name (the shared list only: a direction or scope word
#: such as 环 would also start 环境).
_VERB_AFTER = vocab.alternation(vocab.STOP_WORDS)


def _after_unit(folded: str, p: int, end: int, admin: ahocorasick.Automaton | None) -> int:
    """Skip a unit written with its suffix at the head of a name (某某镇霍山 → 霍山): the unit
    locates the feature and is not part of its name."""
    if admin is None:
        return p
    for stop, length in admin.iter(folded[p:end]):
        b = stop + 1
        if stop - length + 1 == 0 and end - (p + b) >= 1 and folded[p + b - 1] in _UNIT_END:
            return p + b
    return p


_UNIT_END = "镇乡县市区旗村"
#: Common nouns of water and land that a list may hold beside a named feature.
_WATER_WORDS = frozenset({"河流", "湖泊", "水系", "水体", "山体", "沟渠", "坑塘", "池塘", "渠道"})
#: Last characters of the name of a water body (a river, a lake, a reservoir) before 流域.
_WATER_END = "河江水川湖泉沟溪海淀泊池"
#: A reach written between a water body and 流域 (白洋淀上游流域).
_REACH = re.compile(r"(?:上|中|下|上中|中下)游$")
#: Verbs taking a water body as object (净湖, 治河, 护河, 挖湖, 退田还湖): verb + 湖/河 is an action.
_WATER_VERBS = frozenset("净治护保挖疏退还变")


def _after_modifiers(folded: str, p: int, end: int, admin: ahocorasick.Automaton | None) -> int:
    """Skip quantifiers, determiners and evaluative words at the head of a name (每条河 → 河)."""
    m = _MODIFIER_RE.match(folded, p, end)
    if m is None:
        return p
    if admin is not None and any(
        stop - length + 1 == 0 and stop + 1 > m.end() - p for stop, length in admin.iter(folded[p:end])
    ):
        return p  # 全椒: an administrative name that starts like a quantifier
    return m.end()


def _short_start(folded: str, end: int, admin: ahocorasick.Automaton | None) -> int:
    p = name_start(folded, end, max_len=10, admin=admin)
    m = LEVEL_RE.match(folded, p, end)
    while m is not None and m.end() < end:
        p = m.end()
        m = LEVEL_RE.match(folded, p, end)
    return p


def _valid_core(
    folded: str,
    p: int,
    s: int,
    e: int,
    core: str,
    kind: str,
    suffix: str,
    admin: ahocorasick.Automaton | None,
) -> bool:
    if not core or is_generic(core) or (core + suffix) in _GENERIC_NAMES or _ENUMERATION.search(core):
        return False
    if any((core + suffix).endswith(g) for g in ("矿山", "青山", "银山", "金山", "荒山")):
        return False
    if len(core) == 1 and (core in _BAD_ONE_CHAR or kind not in ("river", "mountain")):
        return False
    if kind in ("river", "mountain", "lake_reservoir", "watershed") and _TITLE_RE.search(core):
        return False  # 四级河长湖长: an office, not a lake
    if _CONDITION_RE.search(core):
        return False  # 黑臭河, 垃圾河: a condition of water, never part of a name
    if core[-1] in "一二两三四五六七八九十":
        return False  # 某江一江两岸: a count of rivers, not a name
    if core in _WATER_WORDS or (
        kind == "mountain" and len(core) >= 2 and all(ch in "东南西北中" for ch in core)
    ):
        return False  # 河流水库 (rivers and reservoirs), 南北山 (the mountains around a town)
    if (
        kind in ("river", "lake_reservoir")
        and len(core) >= 2
        and core[-1] in _WATER_VERBS
        and (core + suffix) not in lexicon.known_names()
    ):
        return False  # 清水净湖, 退田还湖: a verb acting on water, not a name
    if suffix == "库区" and core[-1] in "区库":
        return False  # 老区库区 (a pair of area words), 某水库库区 (the reservoir is the item)
    bad = _AFTER_BAD.get(kind)
    if bad is not None and bad.match(folded, e):
        return False
    if suffix not in ("山系", "山脉") and not _stands_after(folded, e, kind):
        return False
    if kind in ("river", "lake_reservoir") and folded.startswith(("流域", "水库"), e):
        return False  # the watershed or the reservoir is the item
    if admin is not None and kind in ("river", "mountain", "lake_reservoir"):
        # 沙河镇, 霍山村: a place name that merely contains the feature
        window = folded[p : e + 3]
        for stop, length in admin.iter(window):
            if stop - length + 1 == 0 and stop + 1 > e - p:
                return False
            if stop - length + 1 == 0 and stop + 1 == e - p and not _water_in_context(folded, p, e):
                return False  # 盐湖 (区), 稷山 (县): the place itself, unless said to be water (浑江)
            if stop + 1 == e - p and stop - length + 1 >= 2 and length >= len(suffix) + 1:
                return False  # 平安白山, 法治丽江: a word of two or more characters qualifying a unit
    return True


#: Last characters of list items that carry a feature or unit head of their own (甲冰川, 乙峡谷 …).
_OWN_HEAD_END = "园区地库河湖山场馆院站镇乡村城县市川谷峡泉潭江海"


def _bare(item: str, kind: str) -> bool:
    return 2 <= len(item) <= 4 and not is_generic(item) and item[-1] not in _OWN_HEAD_END


def _in_river_list(folded: str, p: int, e: int) -> bool:
    neighbours = list_items_before(folded, p, max_len=5) + list_items_after(folded, e, max_len=5)
    return any(folded[a:b].endswith("河") for a, b in neighbours)


def _place_of(core: str, suffix: str, kind: str) -> str:
    if kind in ("river", "mountain"):
        return core + suffix[:1]
    if kind == "watershed":
        return core
    if suffix in ("湖", "淖尔", "海子"):
        return core + suffix
    return core


def _mountain_pair(
    folded: str, p: int, e: int, hits: list[tuple[int, int, str, str | None]], idx: int
) -> tuple[int, int, list[str], int] | None:
    """太岳山—中条山: two mountains joined by a dash form one zone."""
    best: tuple[int, int, list[str], int] | None = None
    for j in range(idx + 1, min(idx + 4, len(hits))):
        s2, e2, _suffix2, kind2 = hits[j]
        if kind2 != "mountain" or e2 - e > 6 or not all(is_name_char(c) for c in folded[e + 1 : s2]):
            break
        best = (p, e2, [folded[p:e], folded[e + 1 : e2]], j)
    return best


def _long_item(
    doc: Document,
    folded: str,
    s: int,
    e: int,
    suffix: str,
    kind: str,
    add: Callable[[int, int, str, str, list[str]], None],
    admin: ahocorasick.Automaton | None,
    hits: list[tuple[int, int, str, str | None]],
) -> tuple[int, int] | None:
    text = doc.text
    quoted = quoted_before(folded, s)
    if quoted is not None:  # “串园连山”生态廊道: the quoted words are the name
        qa, qb = quoted
        name = text[qa:qb] + text[s:e]
        if not _ECO_WORD.search(fold(name)) or is_generic(folded[qa:qb]):
            return None
        add(qa - 1, e, name, kind, _places(folded[qa:qb], admin))
        return qa - 1, e
    p = _long_start(folded, s)
    for s2, e2, _suffix2, kind2 in hits:
        if kind2 in _LONG_KINDS and p < e2 <= s and s2 >= p:
            p = e2  # 甲恢复区两大生态屏障: the barrier's own name starts after the inner zone
    core = folded[p:s]
    if not core and p > 0 and folded[p - 1] == "、" and kind == "eco_corridor":
        # 甲水利长廊、生态长廊: the prefix of the previous item is shared
        items = list_items_before(folded, p, max_len=16)
        if items:
            a, b = items[0]
            prev = folded[a:b]
            for suf in ECO_SUFFIXES:
                if prev.endswith(suf) and len(prev) > len(suf) + 2:
                    shared = prev[: -len(suf) - 2]
                    name = text[a : a + len(shared)] + text[p:e]
                    if _ECO_WORD.search(name):
                        add(p, e, name, kind, _places(shared, admin))
                        return p, e
                    return None
        return None
    if p > 0 and folded[p - 1] == "的":
        # 沿甲、乙的滨河绿化走廊
        along = folded.rfind("沿", max(0, p - 16), p)
        if along >= 0 and not re.search(r"[,，。;；:：]", folded[along:p]):
            p = along
            core = folded[p:s]
    if is_generic(core) or len(core) < 2 or _SEVERAL_ZONES.search(core):
        return None
    name = text[p:e]
    if not _ECO_WORD.search(folded[p:e]):
        return None
    if (
        kind in ("eco_function_zone",)
        and suffix in ("片区", "功能区")
        and not re.search(r"涵养|水土保持|生物多样性|防风固沙|生态保护|生态修复|生态功能", core)
    ):
        return None
    if (
        kind == "eco_corridor"
        and suffix in ("长廊", "走廊", "廊道", "廊带", "绿廊")
        and not _ECO_WORD.search(core)
    ):
        return None
    add(p, e, name, kind, _places(core, admin))
    return p, e


_TOPONYM = re.compile(r"[^\W和与及的、沿]{1,2}(?:河|江|山|湖|水库)")


def _places(core: str, admin: ahocorasick.Automaton | None) -> list[str]:
    places: list[str] = []
    if admin is not None:
        for stop, length in admin.iter(core):
            name = core[stop - length + 1 : stop + 1]
            if name not in places:
                places.append(name)
    for m in _TOPONYM.finditer(core):
        name = m.group()
        name = name[name.rfind("沿") + 1 :] if "沿" in name else name
        if len(name) >= 2 and name not in _GENERIC_NAMES and not any(name in p for p in places):
            places.append(name)
    return places
