"""Transport corridors: expressways, railways, national/provincial/county roads, airports, tourism
roads and logistics corridors, with their route codes and endpoints.

One regex pass finds the *heads* (高速公路, 铁路, 城际高铁, 通用机场, 旅游公路, 班列 …); for each head
the name is read leftwards over name characters, cut after verbs and function words, and parsed
into one of a few *shapes*:

- ``endpoints``: written out, ``A至B``, ``A-B-C``, ``A经B至C`` (晋城至侯马城际高铁);
- ``abbr``: the initials of the endpoints joined (黎霍高速 → 黎城县, 霍州市), resolved against the
  administrative units near the document's region (see ``_corridor_places``), also as a dash list
  sharing one head (霍永—霍黎高速公路 is two expressways);
- ``place``: a place before an airport, a station link or a tourism road (霍州市通用机场);
- ``named``: a road with a proper name of its own (太行一号旅游公路);
- ``owner``: the owner of a railway spur or the route of a freight train (三合铁路专线, 中欧班列);
- ``code``: a route code (国道G108, 108国道, 省道101线 → G108, S101), also without any head.

Several names can share one head (太长、汾邢高速; 右玉、应县通用机场) when they have the same shape.
Generic mentions without a proper name (新建旅游公路, 高速公路服务区) are not corridors, and no head
matches an urban street (…路, …街, …大道), a bridge, a power line or a logistics park.

>>> from atlas.models import Document
>>> t = "加快黎霍高速建设,推进108国道改线。"
>>> d = Document("x", "", "fyp_outline", 2021, None, t, "x.txt", 0, len(t))
>>> [(m.name, m.get("code")) for m in corridor_mentions(d)]
[('黎霍高速', None), ('108国道', 'G108')]
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from atlas.admin_tree import WORD_FIRST_IDF, word_idf
from atlas.extract import vocab
from atlas.extract._common import VERB_SHAPES, folded_text, make_mention
from atlas.extract._corridor_places import (
    NATIONAL_TIERS,
    PROVINCE_TIERS,
    Endpoint,
    distance_deg,
    is_known_place,
    local_place_names,
    nearby_admin_names,
    resolve_initial,
    resolve_initials,
    resolve_place,
    same_rank,
)
from atlas.extract.lexicon import known_names
from atlas.models import AdminUnit, Document, Mention
from atlas.text import fold, is_cjk, sentences

__all__ = ["CORRIDOR_KINDS", "corridor_mentions", "normalise_code"]

log = logging.getLogger("atlas")

#: The ``kind`` values of corridor mentions (DESIGN.md).
CORRIDOR_KINDS: tuple[str, ...] = (
    "expressway", "high_speed_rail", "railway", "intercity_rail", "national_road", "provincial_road",
    "county_road", "airport", "logistics", "other",
)  # fmt: skip

# -- heads ---------------------------------------------------------------------------------------
# (suffix, kind, rule). The rule says which shapes a head accepts:
#   route  long-distance road or rail: endpoints, abbreviation(s), named, code; never a lone place
#   spur   railway spur line: an owner name (三合铁路专线)
#   place  airport: a place, or a list of places sharing the head
#   owner  freight train (班列): any name that is not generic
#   tour   tourism road / scenic byway: endpoints, abbreviation, 一号 name or a place
#   road   ordinary road: endpoints, abbreviation (of places in the province), code
#   link   link road of a station or corridor (霍州东站连接线)
#   line   …线: only a two-character abbreviation of places in the province (上霍线)
#   port   port of entry or river/sea port (东宁口岸, 宜昌港): a known place, or a list of them
#   waterway  navigable river (某江航道, 长江黄金水道): a known river name, or a list of them
_HEADS: tuple[tuple[str, str, str], ...] = (
    ("高速公路", "expressway", "route"),
    ("高速铁路", "high_speed_rail", "route"),
    ("城际高铁", "intercity_rail", "route"),
    ("城际铁路", "intercity_rail", "route"),
    ("城际轨道", "intercity_rail", "route"),
    ("客运专线", "high_speed_rail", "route"),
    ("客专", "high_speed_rail", "route"),
    ("快铁", "railway", "route"),
    ("支线高铁", "high_speed_rail", "route"),
    ("快速铁路", "railway", "route"),
    ("铁路专用线", "railway", "spur"),
    ("铁路专线", "railway", "spur"),
    ("铁路联络线", "railway", "route"),
    ("专用线", "railway", "spur"),
    ("联络线", "expressway", "road"),
    ("铁路", "railway", "route"),
    ("高铁", "high_speed_rail", "route"),
    ("轻轨", "intercity_rail", "route"),
    ("高速", "expressway", "route"),
    ("通用机场", "airport", "place"),
    ("国际机场", "airport", "place"),
    ("直升机场", "airport", "place"),
    ("机场", "airport", "place"),
    ("班列", "logistics", "owner"),
    ("口岸", "other", "port"),
    ("黄金水道", "other", "waterway"),
    ("航道", "other", "waterway"),
    ("港", "other", "port"),
    ("物流大通道", "logistics", "route"),
    ("物流通道", "logistics", "route"),
    ("国家风景道", "other", "tour"),
    ("风景道", "other", "tour"),
    ("旅游公路", "other", "tour"),
    ("旅游道路", "other", "tour"),
    ("旅游轨道", "other", "tour"),
    ("旅游路", "other", "tour"),
    ("云轨道", "other", "tour"),
    ("一级公路", "other", "road"),
    ("二级公路", "other", "road"),
    ("三级公路", "other", "road"),
    ("四级公路", "other", "road"),
    ("县际公路", "county_road", "road"),
    ("快速通道", "other", "road"),
    ("公路", "other", "road"),
    ("道路", "other", "road"),
    ("连接线", "other", "link"),
    ("线", "other", "line"),
)
_HEAD_INFO = {suffix: (kind, rule) for suffix, kind, rule in _HEADS}
_HEAD_RE = re.compile("|".join(re.escape(s) for s, _, _ in sorted(_HEADS, key=lambda h: -len(h[0]))))
#: A body holding one of these is not one name (高铁高速沿线).
_HEAD_WORD_RE = re.compile(r"高铁|高速|铁路|公路|机场|轻轨|班列|客专|快铁")
#: Heads whose kind wins over the kind of a route code written before the name.
_STRONG_KINDS = frozenset({"expressway", "high_speed_rail", "railway", "intercity_rail"})

#: What may follow a head without making it something else (高速度, 机场路, 线路, 铁路局 …).
_BAD_AFTER: dict[str, re.Pattern[str]] = {
    "高速": re.compile(r"度|发展|增长|崛起|宽带|网络|运转|运行|列车|通道|互通|出口|口|服务区|收费站"),
    "机场": re.compile(r"路|大道|街"),
    "口岸": re.compile(r"城市|经济|贸易|型|至|到"),  # 某口岸至某镇公路: an end of a road
    "港": re.compile(r"[口区澳湾城务航股币资商人台元岛剧片至到]|产业|经济|物流|集团|公司"),
    "线": re.compile(r"路|上|下|索|缆|条|性|段"),
    "公路": re.compile(r"港|局|站|运输|养护|枢纽|网"),
    "道路": re.compile(r"运输|交通|两侧|绿化|上"),
    "铁路": re.compile(r"局|公司|运输|枢纽|物流|网"),
    "旅游路": re.compile(r"网|线"),
    "旅游公路": re.compile(r"网"),
    "高速公路": re.compile(r"网|服务区|出口|收费站"),
}
#: What may not precede a head (改线, 直升机场 is a head of its own).
_BAD_BEFORE_LINE = re.compile(r"[改环干专主支沿航管底红防战前界岸曲直视光热连路生产一二三四五六七八九十]$")

_DASHES = "—–－-~～─"
_CONNECTOR_RE = re.compile(
    rf"至|到|(?<![流途历已曾神])经(?!济|营|验|费|过|典|历|贸|开|纬|销|手)|[{re.escape(_DASHES)}]+"
)


def _words(block: str) -> list[str]:
    """Whitespace-separated words of a literal block (keeps long word lists readable)."""
    return block.split()


#: Verbs, adverbs and function words that end the left context of a name (the shared list plus
#: route words). Tried from the right: the shortest body that parses wins.
_STOPWORDS = vocab.STOP_WORDS + vocab.ROUTE_STOP_EXTRA  # see atlas.extract.vocab
_STOP_RE = vocab.alternation(_STOPWORDS, VERB_SHAPES)

#: Bodies that name no particular corridor.
_GENERIC = frozenset(
    _words("""
农村 乡村 城乡 县乡 乡镇 县城 城镇 村庄 行政村 自然村 中心村 县道 国省 国省道 干线 普通 市内 县内 城市 城区 市区 主城 沿线 周边 区域 全域 对外 外部 内部 高等级
等级 境内 新建 直升 通用 支线 运输 民用 专用 货运 客运 现代 综合 主要 重要 骨干 旅游 产品 大型 工矿 企业 园区 工业
煤炭 矿区 城际 环城 绕城 过境 快速 快速通道 一号 国家 省级 市级 县级 区级 景区 防火 产业 乡村旅游 全市 全县 连接 出口
内河 航空 陆路 边境 海港 深水 内陆 国际 集装箱
""")
)
#: Routes named after what they run along (沿江高铁, 沿海高速, 沿边公路, 沿黄公路), a naming used
#: all over China.
_ALONG_RE = re.compile(r"沿(?:江|海|边|黄|淮|湖|河|山)")
_GENERIC_PARTS = re.compile(
    r"企业|大型|主要|园区|重点|相关|各类|沿线|周边|现代|综合|若干|城市|景区|以上|以下"
)

#: Characters that end a toponym (七里峪, 悬泉山, 霍林河, 南堡村 …).
_TOPONYM_END = frozenset("峪山河沟湖峡谷岭寺关洞泉湾坪庄村镇乡站口滩川原梁塬垴岩台寨堡海林县市旗盟城馆")

#: Numbered lines of a city's rail system (地铁2号线, 城市轨道交通1号线); later lines of the same
#: sentence may drop the system's name (……1号线建设，推进2号、3号线).
_LINE_NO = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})"
_METRO_RE = re.compile(
    rf"(?P<sys>城市轨道交通|轨道交通|地铁|轻轨|有轨电车|市域铁路|市域快轨)(?P<n>{_LINE_NO})号线"
    rf"|(?<![\d号])(?P<bare>{_LINE_NO})号(?:线|(?=[、和及与]{_LINE_NO}号线?))"
)

#: Route code patterns (normalised by :func:`normalise_code`).
_CODE_WORDS = {"国道": "G", "省道": "S", "县道": "X", "乡道": "Y", "村道": "C"}
_CODE_RE = re.compile(
    r"(?P<w1>国道|省道|县道|乡道)\s*(?P<l1>[GSXYCgsxyc])?\s*(?P<n1>\d{1,4})(?P<x1>线)?"
    r"|(?P<n2>\d{1,4})\s*(?P<w2>国道|省道|县道|乡道)(?P<x2>线)?"
    r"|(?<![A-Za-z0-9])(?P<l3>[GSX])(?P<n3>\d{1,4})(?![0-9A-Za-z])"
)
_CODE_PREFIX_RE = re.compile(
    r"^(?:(?:国道|省道|县道|乡道)\s*[GSXYCgsxyc]?\s*\d{1,4}线?|\d{1,4}(?:国道|省道|县道|乡道)线?"
    r"|[GSXYC]\d{1,4})"
)
_LIST_CODE_RE = re.compile(r"[、,，和及](?P<n>\d{1,4})(?P<x>线)?")
_POWER_RE = re.compile(r"千伏|kV|KV|kv|伏|电")
#: Amounts before a name: 29公里, 6500万元, 3个.
_AMOUNT_RE = re.compile(r"\d+(?:\.\d+)?(?:公里|千米|km|米|亿元|万元|元|万|亿|个|条|座|处|项|家|户|亩)?")
_LATIN_CODE_RE = re.compile(r"[A-Z]\d+")
#: Characters that are never the initial of an endpoint in a local road's abbreviation.
_NOT_INITIAL = frozenset("乡村县市镇省国城区道路街干主支环线段内外")
#: Between a name and its head: a length, a count (2条, 两条, 多条) or 等 (油盆峪至七里峪25公里道路, 襄垣、沁县等通用机场).
_GAP_RE = re.compile(r"(?:\d+(?:\.\d+)?(?:公里|千米|km)|(?:\d+|[一二两三四五六七八九十几多数]+)条|等)$")
#: The class of a general-aviation airport, part of its name (某县A1级通用机场).
_AIRPORT_CLASS_RE = re.compile(r"[AB][1-3]?[级类]$")
#: A station or section written right after a link road gives its ends (连接线七里峪至古县北平段).
_SECTION_RE = re.compile(r"[\u4e00-\u9fff]{2,10}(?:至|到)[\u4e00-\u9fff]{2,10}?段")
#: Local roads spanning more than this (degrees) are not what a local abbreviation meant.
_LOCAL_SPAN_DEG = 2.5


#: Protected place names by the stop word each holds (see :func:`_protected`).
_Protected = dict[str, tuple[str, ...]]


@dataclass
class _Item:
    """One corridor read off the text (local offsets; ``end`` is the end of the head)."""

    start: int
    end: int
    name: str
    kind: str
    code: str | None = None
    endpoints: list[Endpoint] = field(default_factory=list)
    shape: str = "code"
    abbr: str = ""  # the initials of an abbreviated long-distance route (黎霍)


@dataclass(frozen=True)
class _Parse:
    """A parsed body: offset in the body, the name part, kind, code, endpoints and shape."""

    offset: int
    text: str
    kind: str
    code: str | None
    endpoints: tuple[Endpoint, ...]
    shape: str


# -- public API ----------------------------------------------------------------------------------
def corridor_mentions(doc: Document) -> list[Mention]:
    """Every transport corridor named in a document, one mention per occurrence.

    Parameters
    ----------
    doc
        The document to read.

    Returns
    -------
    list of Mention
        ``theme="corridors"`` in text order; ``kind`` is one of :data:`CORRIDOR_KINDS`;
        ``attrs`` hold ``code`` (G108 …), ``endpoints`` (full place names), ``endpoint_codes``
        (adcodes in the same order, None where an endpoint is not a county-level or higher unit)
        and ``status``. Offsets are source offsets. A name that shares its head with others
        (右玉、应县通用机场 → 右玉通用机场) spans from its own first character to the end of the
        shared head, so ``name`` is then not a literal slice of the text.
    """
    text = _folded(doc.text)
    region = doc.region
    status_at = _status_function()
    found = [
        (item, sa, sb)
        for sa, sb in _candidate_sentences(text)
        for item in _sentence_items(text, sa, sb, region)
    ]
    _apply_written_ends([item for item, _, _ in found], region)
    out: list[Mention] = []
    for item, _, _ in found:
        status = status_at(doc, item.start, item.end) if status_at is not None else None
        if status == "existing":
            status = "built"  # a corridor that is there has been built
        attrs = {
            "kind": item.kind,
            "code": item.code,
            "endpoints": [e.name for e in item.endpoints],
            "endpoint_codes": [e.adcode for e in item.endpoints],
            "status": status,
        }
        out.append(make_mention(doc, "corridors", item.kind, item.name, item.start, item.end, attrs))
    out.sort(key=lambda m: (m.char_start, m.char_end, m.name))
    return out


def _folded(text: str) -> str:
    return folded_text(text)  # shared with the other extractors: the same document is folded once


def _candidate_sentences(text: str) -> list[tuple[int, int]]:
    """Sentences holding a head or a route code (most sentences hold neither)."""
    hits = sorted({m.start() for m in _HEAD_RE.finditer(text)} | {m.start() for m in _CODE_RE.finditer(text)})
    out = []
    k = 0
    for sa, sb in sentences(text):
        while k < len(hits) and hits[k] < sa:
            k += 1
        if k < len(hits) and hits[k] < sb:
            out.append((sa, sb))
    return out


def _apply_written_ends(items: list[_Item], region: AdminUnit | None) -> None:
    """Prefer places the document writes out in full for the initials of its abbreviations.

    A document that writes 鲁北-霍林郭勒高速公路 means 鲁北 by the 鲁 of 鲁霍高速; only the ends of
    long-distance routes written out (A-B, A至B) count, and the region itself stays first.
    """
    written: dict[str, list[Endpoint]] = {}
    for item in items:
        if item.shape == "endpoints" and item.kind in _STRONG_KINDS:
            for e in item.endpoints:
                if (region is None or e.adcode != region.adcode) and e not in written.get(e.name[0], []):
                    written.setdefault(e.name[0], []).append(e)
    if not written:
        return
    for item in items:
        if item.abbr:
            item.endpoints = [
                _written_end(e, written.get(ch, [])) for ch, e in zip(item.abbr, item.endpoints, strict=True)
            ]


def _written_end(resolved: Endpoint, written: list[Endpoint]) -> Endpoint:
    """The written place for one initial: the resolved one when the document writes it too, else
    the nearest written one (永仁 and 永胜 both written: 永 stays what the region suggests)."""
    if resolved.tier == 0 or not written or any(w.name == resolved.name for w in written):
        return resolved
    return min(written, key=lambda w: w.tier)


def normalise_code(text: str) -> str | None:
    """A route code in its standard form: 108国道 / 国道108 / 国道108线 → G108, 省道101线 → S101.

    Returns None when ``text`` holds no route code.
    """
    m = _CODE_RE.search(fold(text))
    return None if m is None else _code_of(m)


# -- internals: codes ----------------------------------------------------------------------------
def _status_function() -> Callable[[Document, int, int], str | None] | None:
    from atlas.extract.status import status_at

    return status_at


def _code_of(m: re.Match[str]) -> str:
    if m.group("n1"):
        letter = (m.group("l1") or _CODE_WORDS[m.group("w1")]).upper()
        return f"{letter}{m.group('n1')}"
    if m.group("n2"):
        return f"{_CODE_WORDS[m.group('w2')]}{m.group('n2')}"
    return f"{m.group('l3')}{m.group('n3')}"


def _code_kind(code: str) -> str:
    """G1/G25/G2515 are national expressways, G108 a national road; S101 provincial; X474 county."""
    letter, digits = code[0], code[1:]
    if letter in "GS" and len(digits) != 3:
        return "expressway"
    return {"G": "national_road", "S": "provincial_road", "X": "county_road"}.get(letter, "other")


def _code_items(text: str, sa: int, sb: int, covered: list[tuple[int, int]]) -> list[_Item]:
    """Route codes not already part of a name: 108国道, 国道207、208、309线, G340."""
    out: list[_Item] = []
    for m in _CODE_RE.finditer(text, sa, sb):
        s, e = m.span()
        if any(a <= s < b for a, b in covered):
            continue
        if m.group("l3") and re.match(r"峰会|网络|基站|通信|手机|时代|网", text[e : e + 4]):
            continue
        code = _code_of(m)
        out.append(_Item(s, e, text[s:e], _code_kind(code), code))
        if not m.group("w1"):
            continue
        pos = e  # 国道207、208、309线: the numbers after the first share its road class
        while (lm := _LIST_CODE_RE.match(text, pos, sb)) is not None:
            listed = code[0] + lm.group("n")
            out.append(
                _Item(lm.start("n"), lm.end("n"), m.group("w1") + lm.group("n"), _code_kind(listed), listed)
            )
            pos = lm.end()
    return out


def _metro_items(text: str, sa: int, sb: int) -> list[_Item]:
    """Numbered lines of a city's rail system, each named with the system (轨道交通3号线); a bare
    line number counts only after a line written with its system."""
    out: list[_Item] = []
    system = None
    for m in _METRO_RE.finditer(text, sa, sb):
        system = m["sys"] or system
        if system is not None:
            number = m["n"] or m["bare"]
            out.append(_Item(m.start(), m.end(), f"{system}{number}号线", "other", None, [], "named"))
    return out


# -- internals: one sentence ---------------------------------------------------------------------
def _sentence_items(text: str, sa: int, sb: int, region: AdminUnit | None) -> list[_Item]:
    out: list[_Item] = []
    floor = sa
    for m in _HEAD_RE.finditer(text, sa, sb):
        head = m.group()
        hs, he = m.span()
        bad = _BAD_AFTER.get(head)
        if bad is not None and bad.match(text, he):
            continue
        kind, rule = _HEAD_INFO[head]
        if rule == "line" and (
            _BAD_BEFORE_LINE.search(text, max(sa, hs - 1), hs) or _POWER_RE.search(text, max(sa, hs - 10), hs)
        ):
            continue
        if rule == "link" and out and out[-1].end == hs:  # 太行一号旅游公路连接线
            prev = out[-1]
            out[-1] = _Item(prev.start, he, prev.name + head, "other", prev.code, prev.endpoints)
            _section_endpoints(out[-1], text, sb, region)
            floor = he
            continue
        found = _items_before(text, hs, he, floor, kind, rule, region)
        if (
            not found
            and out
            and out[-1].end == floor
            and out[-1].shape == "code"
            and rule in ("road", "route")
        ):
            # 省道101线至兴安盟边界公路: a coded road continued to a written end
            rest = text[floor:hs]
            if _CONNECTOR_RE.match(rest) and _part_ok(_CONNECTOR_RE.sub("", rest, count=1), region):
                prev = out[-1]
                out[-1] = _Item(prev.start, he, prev.name + rest + head, prev.kind, prev.code, [], "code")
                floor = he
                continue
        if found:
            if rule == "link":
                _section_endpoints(found[-1], text, sb, region)
            out.extend(found)
            floor = he
    covered = [(i.start, i.end) for i in out]
    out.extend(_code_items(text, sa, sb, covered))
    out.extend(_metro_items(text, sa, sb))
    out.sort(key=lambda i: (i.start, i.end))
    return out


def _section_endpoints(item: _Item, text: str, sb: int, region: AdminUnit | None) -> None:
    """A link road followed by the section it covers (…连接线霍州市七里峪至古县北平段) takes its ends."""
    if item.endpoints:
        return
    m = _SECTION_RE.match(text, item.end, sb)
    if m is None:
        return
    parts = re.split("至|到", m.group()[:-1])
    if len(parts) == 2 and all(_part_ok(p, region) for p in parts):
        item.endpoints = [_endpoint(p, region) for p in parts]


def _left_run(text: str, hs: int, floor: int) -> int:
    """Start of the run of name characters ending at ``hs`` (short balanced brackets kept)."""
    i = hs
    while i > floor:
        ch = text[i - 1]
        if is_cjk(ch) or (ch.isascii() and ch.isalnum()) or ch in _DASHES or ch == "·":
            i -= 1
            continue
        if ch == ")":
            j = text.rfind("(", max(floor, i - 10), i - 1)
            if 0 <= j < i - 2:
                i = j
                continue
        break
    return i


def _cuts(text: str, a: int, b: int, protected: _Protected) -> list[int]:
    """Candidate starts of a body inside ``text[a:b]``, right to left (shortest body first).

    A body starts after a stop word, or at ``a``; a stop word inside a nearby place name (永和县,
    和顺县) is no cut.
    """
    cuts = {a}
    for m in _STOP_RE.finditer(text, a, b):
        s, e = m.span()
        if not _inside_name(text, s, e, a, b, protected):
            cuts.add(e)
    codes = [m.span() for m in _CODE_RE.finditer(text, a, b)]
    codes += [m.span() for m in _LATIN_CODE_RE.finditer(text, a, b)]
    for m in _AMOUNT_RE.finditer(text, a, b):  # 8公里柳开线, 投资6500万元完成…
        if not any(s <= m.start() < e for s, e in codes):
            cuts.add(m.end())
    return sorted(cuts, reverse=True)


def _inside_name(text: str, s: int, e: int, a: int, b: int, protected: _Protected) -> bool:
    for name in protected.get(text[s:e], ()):
        k = text.find(name, max(a, s - len(name) + 1), min(b, e + len(name) - 1))
        while 0 <= k < e:
            if k + len(name) > s and k + len(name) <= b:
                return True
            k = text.find(name, k + 1, min(b, e + len(name) - 1))
    return False


def _items_before(
    text: str, hs: int, he: int, floor: int, kind: str, rule: str, region: AdminUnit | None
) -> list[_Item]:
    """The corridor(s) whose name ends at head ``text[hs:he]``, or []."""
    run_start = _left_run(text, hs, floor)
    body_end = hs
    if run_start == hs and hs - 1 > floor and text[hs - 1] in '”"':  # “太行一号”旅游公路
        q = text.rfind("“", max(floor, hs - 12), hs - 1)
        if q >= 0:
            run_start, body_end = q + 1, hs - 1
    gap = body_end
    while (m := _GAP_RE.search(text, run_start, gap)) is not None:
        gap = m.start()
    head = text[hs:he]
    if kind == "airport" and (m := _AIRPORT_CLASS_RE.search(text, run_start, gap)) is not None:
        gap, head = m.start(), text[m.start() : he]  # the class is part of the airport's name
    if gap - run_start < 2:
        return []
    cuts = _cuts(text, run_start, gap, _protected(region.adcode if region else None))
    if rule in ("route", "line") and gap - cuts[-1] > 3 and not _CONNECTOR_RE.search(text, cuts[-1], gap):
        # 紧邻京昆高速: an unknown verb before an abbreviation; its initials must all resolve (a
        # cut never falls inside a known stop word: 创建平安铁路 is no 建平安)
        inside = [m.span() for m in _STOP_RE.finditer(text, run_start, gap)]
        cuts += [k for k in (gap - 3, gap - 2) if not any(s < k < e for s, e in inside)]
    for cut in cuts:
        parsed = _parse_body(text[cut:gap], rule, kind, region, partial=_partial(head))
        if not parsed:
            continue
        items = [_item(cut + p.offset, he, p, head, region, rule) for p in parsed]
        if rule not in ("spur", "owner", "line", "link") and len(parsed) == 1:
            items = _shared_head(text, cut, floor, head, rule, kind, region, he, parsed[0].shape) + items
        return _join_via_lists(items, head)
    return []


def _join_via_lists(items: list[_Item], head: str) -> list[_Item]:
    """黎城经平顺、壶关至陵川高速公路: a route written 经 A、B 至 C is one route, not two."""
    out: list[_Item] = []
    for item in items:
        prev = out[-1] if out else None
        body = prev.name[: -len(head)] if prev is not None else ""
        if (
            prev is not None
            and prev.shape == item.shape == "endpoints"
            and "经" in body
            and not re.search("至|到", body)
        ):
            out[-1] = _Item(
                prev.start,
                item.end,
                f"{body}、{item.name}",
                item.kind,
                item.code,
                prev.endpoints + item.endpoints,
                "endpoints",
            )
            continue
        out.append(item)
    return out


def _item(start: int, he: int, p: _Parse, head: str, region: AdminUnit | None, rule: str) -> _Item:
    endpoints = list(p.endpoints)
    local = rule in ("road", "line", "tour") and p.shape == "abbr" and region is not None
    if local and any(e.adcode and _too_far(e.adcode, region.adcode) for e in endpoints):  # type: ignore[union-attr]
        endpoints = []  # a local road does not join places hundreds of km apart
    abbr = p.text if p.shape == "abbr" and rule == "route" and len(endpoints) == len(p.text) else ""
    return _Item(start, he, p.text + head, p.kind, p.code, endpoints, p.shape, abbr)


def _too_far(a: str, b: str) -> bool:
    return distance_deg(a, b) > _LOCAL_SPAN_DEG


def _shared_head(
    text: str,
    start: int,
    floor: int,
    head: str,
    rule: str,
    kind: str,
    region: AdminUnit | None,
    he: int,
    shape: str,
) -> list[_Item]:
    """Earlier names of a list sharing one head and shape: 太长、汾邢高速 → 太长高速, 汾邢高速."""
    out: list[_Item] = []
    pos = start
    protected = _protected(region.adcode if region else None)
    while pos - 1 > floor and text[pos - 1] in "、和及与":
        sep = pos - 1
        a = _left_run(text, sep, floor)
        if sep - a < 2:
            break
        found = None
        cut = a
        for cut in _cuts(text, a, sep, protected):
            parsed = _parse_body(text[cut:sep], rule, kind, region, partial=_partial(head))
            if parsed and len(parsed) == 1 and parsed[0].shape == shape:
                found = parsed[0]
                break
        if found is None or found.text.endswith(("站", "段")):
            break
        if rule == "place" and not _looks_like_place(found.text, region):
            break  # a list of airports names places, not works that hold one (某镇互通立交、某机场)
        out.insert(0, _item(cut + found.offset, he, found, head, region, rule))
        if cut != a:
            break  # a verb opened the list
        pos = cut
    return out


# -- internals: parsing a body -------------------------------------------------------------------
def _partial(head: str) -> bool:
    """Heads of ordinary local roads, whose abbreviations may hold one initial that is no admin unit
    (解杨公路); …道路 and …线 are too common in prose for that."""
    return head.endswith(("公路", "风景道"))


def _parse_body(
    body: str, rule: str, kind: str, region: AdminUnit | None, *, partial: bool = False
) -> list[_Parse] | None:
    """Parse a candidate name body; None when it is not a corridor name under this head's rule."""
    if body in _GENERIC or _HEAD_WORD_RE.search(body):
        return None
    if _GENERIC_PARTS.search(body) and not _CONNECTOR_RE.search(body):  # 中小企业园区至东外环公路 is fine
        return None
    m = _CODE_PREFIX_RE.match(body)
    if m is None:
        return _parse_name(body, rule, kind, region, partial=partial)
    code = normalise_code(m.group()) or m.group().upper()  # C020: a village road code
    rest = body[m.end() :]
    code_kind = kind if kind in _STRONG_KINDS else _code_kind(code)
    if not rest or _CONNECTOR_RE.match(rest):  # 省道101线, 省道101线至兴安盟边界公路
        if rest and rule not in ("road", "route"):
            return None
        return [_Parse(0, body, _code_kind(code) if not rest else code_kind, code, (), "code")]
    if rule not in ("road", "route", "tour"):
        return None
    inner = _parse_name(rest, rule, kind, region, partial=partial)
    if not inner or len(inner) != 1 or inner[0].offset != 0:
        return None
    return [_Parse(0, body, code_kind, code, inner[0].endpoints, "code")]


def _parse_name(
    body: str, rule: str, kind: str, region: AdminUnit | None, *, partial: bool = False
) -> list[_Parse] | None:
    if any(ch.isdigit() for ch in body) or len(body) < 2:
        return None
    if not _CONNECTOR_RE.search(body) and not _free_of_stopwords(body, region):
        return None  # 完善公路: a verb is no name
    if _CONNECTOR_RE.search(body):
        if rule in ("spur", "owner", "place", "line", "port", "waterway"):
            return None
        return _parse_endpoints(body, rule, kind, region)
    if rule == "line":
        if len(body) != 2 or is_known_place(body, region):
            return None
        abbr = _abbreviation(body, region, PROVINCE_TIERS)
        return None if abbr is None else [_Parse(0, body, kind, None, abbr, "abbr")]
    if rule == "spur":
        return [_Parse(0, body, kind, None, (), "owner")] if len(body) <= 12 else None
    if rule == "waterway":  # 清江航道, 长江黄金水道: a river of the national hydrography
        ok = known_names().get(body) == "river" or (  # or a smaller river by its suffix (某溪河航道)
            2 <= len(body) <= 5 and body[-1] in "江河" and body not in _GENERIC and not _is_common_word(body)
        )
        return [_Parse(0, body, kind, None, (), "place")] if ok else None
    if rule == "port":  # 东宁口岸, 宜昌港: the place the port is named after (香港, 空港 are none)
        return [_Parse(0, body, kind, None, (), "place")] if is_known_place(body, region) else None
    if rule == "owner":  # 中欧班列, 中欧(亚)班列
        return [_Parse(0, body, kind, None, (), "owner")] if len(re.sub(r"\(.*?\)", "", body)) <= 4 else None
    place = _looks_like_place(body, region)
    if rule in ("route", "road", "tour") and _ALONG_RE.fullmatch(body):
        return [_Parse(0, body, kind, None, (), "named")]
    if rule == "place":  # 霍州市通用机场, 长治上党机场 (a city before the airport's own name)
        if place:
            return [_Parse(0, body, kind, None, (), "place")]
        if len(body) > 8:
            return None
        # the name starts at the first known place it leads with (启用某某机场: the verb is no
        # name); words after a place that begins the body describe that place's airport instead
        at = next((i for i in range(len(body) - 1) if _leads_with_known_place(body[i:], region)), None)
        if at is None or any(is_known_place(body[:j], region) for j in range(2, at + 1)):
            return None
        return [_Parse(at, body[at:], kind, None, (), "place")]
    if rule == "link":
        return [_Parse(0, body, kind, None, (), "place")] if place or body.endswith("站") else None
    named = re.search(r"[\u4e00-\u9fff]{2}一号$", body)
    if named is not None and rule in ("tour", "route", "road"):
        return [_Parse(named.start(), named.group(), kind, None, (), "named")]
    ring = re.fullmatch(r"(.{2,5})(?:绕城|环城)", body)
    if ring is not None and rule == "route" and is_known_place(ring.group(1), region):
        return [_Parse(0, body, kind, None, (), "place")]  # 运城绕城高速: the ring of a city
    if rule == "route" and len(body) == 2 and _only_local_place(body, region):
        # 永宁高速 where 永宁 is a village: an expressway joins two counties of the region's
        # prefecture rather than ending at one village
        ends = _abbreviation(body, region, NATIONAL_TIERS)
        if ends and all(e.tier <= 2 for e in ends):
            return [_Parse(0, body, kind, None, ends, "abbr")]
    if not is_known_place(body, region):
        max_tier = NATIONAL_TIERS if rule == "route" else PROVINCE_TIERS
        longest = 4 if rule == "route" else 2
        if (
            rule == "route"
            and len(body) == 3
            and body[0] in "东南西北"
            and _abbreviation(body[1:], region, max_tier)
        ):
            return [_Parse(0, body, kind, None, (), "abbr")]  # 南同蒲: a section of a route
        if len(body) <= longest:
            abbr = _abbreviation(body, region, max_tier, partial=partial)
            if abbr is not None:
                return [_Parse(0, body, kind, None, abbr, "abbr")]
    if rule == "tour" and place:
        return [_Parse(0, body, kind, None, (), "place")]
    return None


def _parse_endpoints(body: str, rule: str, kind: str, region: AdminUnit | None) -> list[_Parse] | None:
    """A-B / A至B / A经B至C: one corridor with written ends, or a dash list of abbreviations."""
    pieces: list[tuple[int, str]] = []
    pos = 0
    for m in _CONNECTOR_RE.finditer(body):
        pieces.append((pos, body[pos : m.start()]))
        pos = m.end()
    pieces.append((pos, body[pos:]))
    offset = 0
    first = pieces[0][1]
    if not is_known_place(_clean_part(first), region):
        # 西延长治—临汾: a known place at the end of the first piece, after words that are no
        # place themselves, starts the name
        for k in range(2, len(first) - 1):
            if k >= 2 and is_known_place(first[k:], region) and not is_known_place(first[:k], region):
                offset = k
                pieces[0] = (k, first[k:])
                break
    if not _part_ok(pieces[0][1], region):
        return None
    if not all(_part_ok(p, region) for _, p in pieces):
        return None
    parts = [p for _, p in pieces]
    dash_only = not re.search("至|到|经", body)
    if dash_only and rule == "route" and not any(is_known_place(_clean_part(p), region) for p in parts):
        abbrs = [_abbreviation(p, region, NATIONAL_TIERS) for p in parts]
        if all(a is not None for a in abbrs):  # 霍永—霍黎高速公路: two expressways
            return [
                _Parse(at, p, kind, None, a or (), "abbr") for (at, p), a in zip(pieces, abbrs, strict=True)
            ]
    endpoints = tuple(_endpoint(p, region) for p in parts)
    item_kind = "county_road" if rule == "road" and kind == "other" else kind
    return [_Parse(offset, body[offset:], item_kind, None, endpoints, "endpoints")]


def _part_ok(part: str, region: AdminUnit | None) -> bool:
    """A piece between connectors is a place: 2–10 characters, no verb, no generic word."""
    core = _clean_part(part)
    if not 2 <= len(core) <= 10 or core in _GENERIC:
        return False
    return _free_of_stopwords(core, region)


def _free_of_stopwords(text: str, region: AdminUnit | None) -> bool:
    """True when every stop word in ``text`` lies inside a nearby place name (永和县)."""
    if _STOP_RE.search(text) is None:
        return True
    protected = _protected(region.adcode if region else None)
    return all(_inside_name(text, *m.span(), 0, len(text), protected) for m in _STOP_RE.finditer(text))


def _clean_part(part: str) -> str:
    part = re.sub(r"\([^()]*\)", "", part).strip("()")
    for suffix in ("段", "境", "方向", "边界", "干线"):
        if part.endswith(suffix) and len(part) > len(suffix) + 1:
            part = part[: -len(suffix)]
    if part.endswith("界") and len(part) > 2 and part[-2] not in "交边":  # 曲阳界: its boundary
        part = part[:-1]
    return part


def _endpoint(part: str, region: AdminUnit | None) -> Endpoint:
    return resolve_place(_clean_part(part), region)


#: Largest tier (see ``_corridor_places``) of both initials of a common word read as initials.
_WORD_INITIALS_TIER = 2


def _abbreviation(
    body: str, region: AdminUnit | None, max_tier: int, *, partial: bool = False
) -> tuple[Endpoint, ...] | None:
    """Endpoints of an abbreviated name (one initial per endpoint), or None when it is not one.

    With ``partial`` (ordinary local roads: 解杨公路) one initial that resolves is enough; the
    endpoints are then empty unless all resolve. A repeated initial (静静铁路) names a route
    whose ends are not known. A common word (美丽公路, 南北铁路) is read as initials only when both
    stand for places of the region's own prefecture or cities of its province (西汉高速 in 陕西).
    """
    ends = _initials(body, region, max_tier, partial=partial)
    common = len(body) == 2 and _is_common_word(body)
    if ends is not None and common and (len(ends) != 2 or any(e.tier > _WORD_INITIALS_TIER for e in ends)):
        return None
    return ends


def _is_common_word(word: str) -> bool:
    return word_idf().get(word, 99.0) < WORD_FIRST_IDF


def _initials(
    body: str, region: AdminUnit | None, max_tier: int, *, partial: bool = False
) -> tuple[Endpoint, ...] | None:
    """The places the initials of ``body`` stand for (see :func:`_abbreviation`)."""
    if not 2 <= len(body) <= 4 or not all(is_cjk(ch) for ch in body) or body in _GENERIC:
        return None
    if any(ch in _NOT_INITIAL for ch in body):
        return None
    if max_tier > PROVINCE_TIERS:  # a long-distance route: its ends are resolved together
        joint = resolve_initials(body, region, max_tier=max_tier)
        if joint is None or len({e.name for e in joint}) < len(joint):
            return () if joint is not None and len(body) == 2 else None
        if len(body) == 4 and not (same_rank(joint) and all(e.tier <= 6 for e in joint)):
            return None  # four initials (昆楚大丽) only as four cities of one rank
        return joint
    if len(body) == 4:
        return None
    found = [resolve_initial(ch, region, max_tier=max_tier) for ch in body]
    if all(e is not None for e in found):
        ends = tuple(e for e in found if e is not None)
        if len({e.name for e in ends}) == len(ends):
            return ends
        return () if len(body) == 2 else None
    if partial and any(e is not None for e in found):
        return ()
    return None


def _only_local_place(name: str, region: AdminUnit | None) -> bool:
    """A town or village of the region that is no administrative unit nearby."""
    code = region.adcode if region else None
    return name in local_place_names(code) and name not in nearby_admin_names(code)


def _leads_with_known_place(name: str, region: AdminUnit | None) -> bool:
    """A known place followed by a short name of its own or by another known place (长治上党,
    鄂尔多斯伊金霍洛): how airports are named. A place followed by a longer run of words (某市
    南北山绿化, 某镇互通立交) is a description that ends in the word 机场."""
    for j in range(len(name), 1, -1):
        if is_known_place(name[:j], region):
            rest = name[j:]
            return len(rest) <= 3 or is_known_place(rest, region)
    return False


def _looks_like_place(name: str, region: AdminUnit | None) -> bool:
    if not 2 <= len(name) <= 10 or name in _GENERIC or name.endswith("景区"):
        return False
    return is_known_place(name, region) or name[-1] in _TOPONYM_END


@lru_cache(maxsize=64)
def _protected(code: str | None) -> _Protected:
    """Nearby administrative names and towns of the region that hold a stop word (永和县, 和顺县,
    a town 永和镇 and its short name 永和): never cut inside. Keyed by the stop word they hold."""
    out: dict[str, list[str]] = {}
    for name in nearby_admin_names(code) | _towns(code):
        if _STOP_RE.search(name) is None or _STOP_RE.fullmatch(name):
            continue  # a town 建设 (建设街道) protects nothing: 建设 there is the verb
        words = {name[i:j] for i in range(len(name)) for j in range(i + 1, len(name) + 1)}
        for word in {w for w in words if _STOP_RE.fullmatch(w)}:
            out.setdefault(word, []).append(name)
    return {word: tuple(sorted(names)) for word, names in out.items()}


def _towns(code: str | None) -> frozenset[str]:
    """Town names (乡镇/街道) of the region and their short names."""
    return frozenset(k for k, full in local_place_names(code).items() if full.endswith(("镇", "乡", "街道")))
