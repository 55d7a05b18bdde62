"""Transport corridors: expressways, railways, national/provincial/county roads, airports, tourism
roads and logistics corridors, with their route codes and endpoints.

One pass of a compiled regex finds the *heads* (高速公路, 铁路, 城际高铁, 通用机场, 旅游公路, 班列 …);
for each head the name is read leftwards from the characters before it and parsed into one of a
few shapes:

- written endpoints: ``A至B``, ``A-B-C``, ``A经B至C`` (晋城至侯马城际高铁, 临汾-浮山-沁水高速公路);
- an abbreviation joining the initials of its endpoints (黎霍高速 → 黎城县, 霍州市), resolved
  against the administrative units near the document's region (``_corridor_places``);
- a list of abbreviations sharing one head (霍永—霍黎高速公路, 太长、汾邢高速);
- a place (霍州市通用机场, 七里峪旅游公路) for airports and tourism roads;
- a route code (国道G108, 108国道, 省道101线 → G108, S101), also on its own.

Generic mentions without a proper name (新建旅游公路, 高速公路服务区) and urban streets, bridges,
power lines and logistics parks are not corridors.

>>> from atlas.models import Document
>>> t = "加快黎霍高速建设,推进108国道改线。"
>>> d = Document("x", "", "fyp_outline", 2021, None, t, "x.txt", 0, len(t))
>>> [(m.name, m.get("code")) for m in corridor_mentions(d)]
[('黎霍高速', None), ('108国道', 'G108')]
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import lru_cache

from atlas.extract._corridor_places import (
    NATIONAL_TIERS,
    PROVINCE_TIERS,
    Endpoint,
    local_place_names,
    nearby_admin_names,
    resolve_initial,
    resolve_name,
    resolve_place,
)
from atlas.models import AdminUnit, Document, Mention
from atlas.text import fold, is_cjk, sentences

__all__ = ["corridor_mentions", "normalise_code"]

log = logging.getLogger("atlas")

# -- heads ---------------------------------------------------------------------------------------
# (suffix, kind, rule). The rule names the body shapes a head accepts:
#   route  long-distance road or rail: endpoints, abbreviation(s), code; never a lone place
#   spur   railway spur line: any proper-looking owner name (三合铁路专线)
#   place  airport: a place, or a list of places sharing the head
#   any    logistics train (班列): any non-generic name
#   tour   tourism road / scenic byway: endpoints, abbreviation, 一号 name or a place
#   road   ordinary road: endpoints, abbreviation (province), code
#   link   connecting line of a station or corridor (霍州东站连接线)
#   line   …线: only a two-character abbreviation of nearby places (上霍线)
_HEADS: tuple[tuple[str, str, str], ...] = (
    ("高速公路", "expressway", "route"),
    ("高速铁路", "high_speed_rail", "route"),
    ("城际高铁", "intercity_rail", "route"),
    ("城际铁路", "intercity_rail", "route"),
    ("城际轨道", "intercity_rail", "route"),
    ("客运专线", "high_speed_rail", "route"),
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
    ("班列", "logistics", "any"),
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
    ("公路", "other", "road"),
    ("道路", "other", "road"),
    ("连接线", "other", "link"),
    ("线", "other", "line"),
)
_HEAD_INFO = {suffix: (kind, rule) for suffix, kind, rule in _HEADS}
_HEAD_RE = re.compile("|".join(re.escape(s) for s, _, _ in sorted(_HEADS, key=lambda h: -len(h[0]))))

#: What may follow a head without making it something else (高速度, 机场路, 线路, 铁路局 …).
_BAD_AFTER: dict[str, re.Pattern[str]] = {
    "高速": re.compile(r"度|发展|增长|崛起|宽带|网络|运转|运行|列车|通道|互通"),
    "机场": re.compile(r"路|大道|街"),
    "线": re.compile(r"路|上|下|索|缆|条|性"),
    "公路": re.compile(r"港|局|站|运输|养护|沿线"),
    "道路": re.compile(r"运输|交通|沿线|两侧|绿化"),
    "铁路": re.compile(r"局|公司|站|运输"),
}

#: Characters a corridor name is made of (CJK, digits, Latin letters for codes, dashes, ·).
_DASHES = "—–－-~～─"
_CONNECTOR_RE = re.compile(rf"至|到|经|[{re.escape(_DASHES)}]+")


def _words(block: str) -> list[str]:
    """Whitespace-separated words of a literal block (keeps long word lists readable)."""
    return block.split()


#: Verbs, adverbs and function words that end the left context of a name. Tried from the right:
#: the shortest body that parses wins, so a character shared with a name costs nothing.
_STOPWORDS = sorted(
    set(
        _words("""
加快 推进 推动 建设 新建 改建 扩建 改扩建 改造 提升 开工 完成 实施 启动 谋划 争取 开展 依托 借助 积极 力争 建成 做好 配合
全面 重点 继续 加强 打通 形成 连接 串联 包括 利用 延伸 规划 研究 前期 适时 抢抓 紧抓 抓住 融入 对接 发挥 围绕 支持 通过
经过 沿着 有序 稳步 大力 着力 全力 加速 完善 优化 畅通 贯通 通车 开通 实现 构建 打造 建立 健全 保障 确保 促进 强化 落实
计划 同步 协调 衔接 联通 连通 接入 开始 开辟 增加 新增 其中 主要 全长 总长 长度 境内 市域 县域 我市 我县 本市 全市 全县
推进 谋求 加密 补齐 拓宽 拓展 加大 新开 开辟 恢复 修复 修建 续建 在建 拟建 筹建 推行 用好 依靠 凭借 发展 带动 服务 承接
沿线 以及 还有 同时 以 对 和 与 及 的 是 在 为 等 了 将 把 由 从 向 往 并 或 且
共 约 即 含 如 有 至于 关于 对于 助推 加速推进 加快推进 积极推进 开工建设 项目 工程 及其
""")
    ),
    key=len,
    reverse=True,
)
_STOP_RE = re.compile("|".join(map(re.escape, _STOPWORDS)))

#: Bodies that name no particular corridor.
_GENERIC = frozenset(
    _words("""
农村 乡村 城乡 县乡 乡镇 县道 国省 国省道 干线 普通 市内 县内 城市 城区 市区 主城 沿线 周边 区域 全域 对外 外部 内部 高等级
等级 境内 新建 直升 通用 支线 运输 民用 专用 货运 客运 现代 综合 主要 重要 骨干 旅游 生活性产品 产品 大型 工矿 企业 园区 工业
煤炭 矿区 城际 环城 绕城 过境 快速 快速通道 一号 国家 省级
""")
)
_GENERIC_PARTS = re.compile(r"企业|大型|主要|园区|重点|相关|各类|各|沿线|周边|现代|综合|若干")

#: Characters that end a toponym (七里峪, 悬泉山, 霍林河, 南堡村 …).
_TOPONYM_END = set("峪山河沟湖峡谷岭寺关洞泉湾坪庄村镇乡站口滩川原梁塬垴岩台寨堡海林区县市旗盟城")

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
_POWER_RE = re.compile(r"千伏|kV|KV|kv|伏")
_LENGTH_RE = re.compile(r"\d+(?:\.\d+)?(?:公里|千米|km)$|\d+条$|等$|段$")


@dataclass
class _Item:
    """One corridor read off the text: the body (local offsets) and how it was parsed."""

    start: int
    end: int  # end of the head
    name: str
    kind: str
    code: str | None = None
    endpoints: list[Endpoint] = field(default_factory=list)


# -- public API ----------------------------------------------------------------------------------
def corridor_mentions(doc: Document) -> list[Mention]:
    """Every transport corridor named in a document.

    Parameters
    ----------
    doc
        The document to read.

    Returns
    -------
    list of Mention
        ``theme="corridors"``, in text order; ``kind`` is one of expressway, high_speed_rail,
        railway, intercity_rail, national_road, provincial_road, county_road, airport, logistics,
        other; ``attrs`` hold ``code`` (G108 …), ``endpoints`` (full place names),
        ``endpoint_codes`` (adcodes, None where not an administrative unit) and ``status``.
        Offsets are source offsets; a name that shares its head with a list (右玉、应县通用机场)
        spans from its own first character to the end of the shared head.
    """
    text = fold(doc.text)
    region = doc.region
    items: list[tuple[_Item, int, int]] = []
    for sa, sb in sentences(text):
        for item in _sentence_items(text, sa, sb, region):
            items.append((item, sa, sb))
    status_at = _status_function()
    out: list[Mention] = []
    for item, sa, sb in items:
        status = status_at(doc, item.start, item.end) if status_at is not None else None
        out.append(
            Mention(
                doc_id=doc.doc_id,
                theme="corridors",
                kind=item.kind,
                name=item.name,
                char_start=doc.char_start + item.start,
                char_end=doc.char_start + item.end,
                sentence_start=doc.char_start + sa,
                sentence_end=doc.char_start + sb,
                attrs={
                    "code": item.code,
                    "endpoints": [e.name for e in item.endpoints],
                    "endpoint_codes": [e.adcode for e in item.endpoints],
                    "status": status,
                },
            )
        )
    out.sort(key=lambda m: (m.char_start, m.char_end, m.name))
    return out


def normalise_code(text: str) -> str | None:
    """A route code in its standard form: 108国道 / 国道108 / 国道108线 → G108, 省道101线 → S101.

    Returns None when ``text`` holds no route code.
    """
    m = _CODE_RE.search(fold(text))
    if m is None:
        return None
    return _code_of(m)


# -- internals -----------------------------------------------------------------------------------
def _status_function():  # type: ignore[no-untyped-def]
    try:
        from atlas.extract.status import status_at
    except ImportError:  # pragma: no cover - the colleague's module is present in the package
        return None
    return status_at


def _code_of(m: re.Match[str]) -> str:
    if m.group("n1"):
        letter = (m.group("l1") or _CODE_WORDS[m.group("w1")]).upper()
        return f"{letter}{m.group('n1')}"
    if m.group("n2"):
        return f"{_CODE_WORDS[m.group('w2')]}{m.group('n2')}"
    return f"{m.group('l3')}{m.group('n3')}"


def _code_kind(code: str) -> str:
    letter, digits = code[0], code[1:]
    if letter == "G":
        return "national_road" if len(digits) == 3 else "expressway"
    if letter == "S":
        return "provincial_road" if len(digits) == 3 else "expressway"
    if letter == "X":
        return "county_road"
    return "other"


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
        if rule == "line" and _POWER_RE.search(text, max(sa, hs - 8), hs):
            continue
        if rule == "link":
            joined = _join_link(out, text, hs, he, floor)
            if joined is not None:
                out[-1] = joined
                floor = he
                continue
        found = _items_before(text, hs, he, max(floor, sa), kind, rule, region)
        if found:
            out.extend(found)
            floor = he
    covered = [(i.start, i.end) for i in out]
    out.extend(_code_items(text, sa, sb, covered))
    out.sort(key=lambda i: (i.start, i.end))
    return out


def _join_link(out: list[_Item], text: str, hs: int, he: int, floor: int) -> _Item | None:
    """霍州东站连接线 / 太行一号旅游公路连接线: a link road of a station or of the corridor before."""
    if out and out[-1].end == hs:
        prev = out[-1]
        return _Item(prev.start, he, prev.name + text[hs:he], "other", prev.code, prev.endpoints)
    return None


def _left_run(text: str, hs: int, floor: int) -> int:
    """Start of the run of name characters ending at ``hs`` (balanced short brackets kept)."""
    i = hs
    while i > floor:
        ch = text[i - 1]
        if (
            is_cjk(ch)
            or ch.isdigit()
            or ("A" <= ch <= "Z")
            or ("a" <= ch <= "z")
            or ch in _DASHES
            or ch == "·"
        ):
            i -= 1
            continue
        if ch == ")":
            j = text.rfind("(", max(floor, i - 8), i - 1)
            if j >= 0 and j < i - 2:
                i = j
                continue
        break
    return i


def _cuts(text: str, a: int, b: int, protected: frozenset[str]) -> list[int]:
    """Candidate starts of the body inside ``text[a:b]``, right to left (shortest body first)."""
    spans = []
    for m in _STOP_RE.finditer(text, a, b):
        spans.append(m.span())
    cuts = [a]
    for s, e in spans:
        # a stopword inside a nearby place name (永和县, 和顺) is no cut
        if any(
            text.startswith(name, k) and k + len(name) > s and k < e
            for name in protected
            for k in range(max(a, s - len(name) + 1), min(s + 1, b))
        ):
            continue
        cuts.append(e)
    return sorted(set(cuts), reverse=True)


def _items_before(
    text: str, hs: int, he: int, floor: int, kind: str, rule: str, region: AdminUnit | None
) -> list[_Item]:
    run_start = _left_run(text, hs, floor)
    body_end = hs
    # a quoted name: “太行一号”旅游公路
    if run_start == hs and hs - 1 > floor and text[hs - 1] in '”"':
        q = text.rfind("“", max(floor, hs - 12), hs - 1)
        if q >= 0:
            run_start, body_end = q + 1, hs - 1
    # drop a length / count / 等 / 段 between the body and the head (油盆峪至七里峪25公里道路)
    gap = body_end
    while True:
        m = _LENGTH_RE.search(text, run_start, gap)
        if m is None or m.end() != gap:
            break
        gap = m.start()
    if gap - run_start < 1:
        return []
    protected = _protected_names(region)
    head = text[hs:he]
    for cut in _cuts(text, run_start, gap, protected):
        body = text[cut:gap]
        if len(body) < 2 and not body.isdigit():
            continue
        parsed = _parse_body(body, rule, kind, head, region)
        if parsed is None:
            continue
        items = []
        for rel_start, name_body, item_kind, code, endpoints in parsed:
            start = cut + rel_start
            items.append(_Item(start, he, name_body + head, item_kind, code, endpoints))
        # earlier routes sharing this head: 太长、汾邢高速 / 右玉、应县通用机场
        items = _shared_head_items(text, cut, floor, head, rule, kind, region, he) + items
        return items
    return []


def _shared_head_items(
    text: str, start: int, floor: int, head: str, rule: str, kind: str, region: AdminUnit | None, he: int
) -> list[_Item]:
    """Earlier names of a list that shares one head: 太长、汾邢高速 → 太长高速, 汾邢高速."""
    out: list[_Item] = []
    pos = start
    protected = _protected_names(region)
    while pos - 1 > floor and text[pos - 1] in "、和及与":
        sep = pos - 1
        a = _left_run(text, sep, floor)
        if a >= sep:
            break
        parsed = None
        cut = a
        for cut in _cuts(text, a, sep, protected):
            parsed = _parse_body(text[cut:sep], rule, kind, head, region)
            if parsed is not None:
                break
        if parsed is None:
            break
        for rel, name_body, item_kind, code, endpoints in reversed(parsed):
            out.insert(0, _Item(cut + rel, he, name_body + head, item_kind, code, endpoints))
        if cut != a:
            break  # a verb opened the list
        pos = cut
    return out


_Parsed = list[tuple[int, str, str, "str | None", list[Endpoint]]]


def _parse_body(body: str, rule: str, kind: str, head: str, region: AdminUnit | None) -> _Parsed | None:
    """Parse a candidate name body; None when it is not a corridor name of this head's rule."""
    if body in _GENERIC or _GENERIC_PARTS.search(body):
        return None
    code = None
    rest = body
    offset = 0
    m = _CODE_PREFIX_RE.match(body)
    if m is not None:
        code = normalise_code(m.group())
        rest = body[m.end() :]
        offset = m.end()
        if not rest:
            return [(0, body, _code_kind(code) if code else kind, code, [])]
        if _CONNECTOR_RE.match(rest):  # 省道101线至兴安盟边界公路
            return [(0, body, _code_kind(code) if code else kind, code, [])]
    if any(ch.isdigit() for ch in rest) or not rest:
        return None
    # written endpoints (A至B, A-B-C, A经B至C), or a dash list of abbreviations (霍永—霍黎)
    if _CONNECTOR_RE.search(rest) and rule not in ("spur", "any", "place"):
        parts = [p for p in _CONNECTOR_RE.split(rest)]
        parts = [p.strip("()") for p in parts]
        if any(len(p) < 2 for p in parts):
            return None
        dash_only = not re.search("至|到|经", rest)
        if dash_only and rule in ("route",) and all(resolve_name(p, region) is None for p in parts):
            abbrs = [_abbreviation(p, region, NATIONAL_TIERS) for p in parts]
            if all(a is not None for a in abbrs):
                out: _Parsed = []
                pos = 0
                for p, a in zip(parts, abbrs, strict=True):
                    k = rest.index(p, pos)
                    out.append((offset + k, p, kind, code, a or []))
                    pos = k + len(p)
                # names: each abbreviation with the head (the caller appends the head)
                return [(o, n, k2, c, e) for o, n, k2, c, e in out]
        endpoints = [resolve_place(_clean_part(p), region) for p in parts]
        item_kind = kind
        if rule == "road" and head in ("公路", "道路", "县际公路"):
            item_kind = "county_road"
        if code:
            item_kind = _code_kind(code)
        return [(0, body, item_kind, code, endpoints)]
    if code:
        # 国道334 + a name: keep the code, parse the rest as a name
        return [(0, body, _code_kind(code), code, [])]
    if rule == "line":
        if len(rest) != 2 or resolve_name(rest, region) is not None:
            return None
        abbr = _abbreviation(rest, region, PROVINCE_TIERS)
        return None if abbr is None else [(0, rest, kind, None, abbr)]
    if rule == "spur":
        return [(0, rest, kind, None, [])] if 2 <= len(rest) <= 12 else None
    if rule == "any":
        return [(0, rest, kind, None, [])] if 2 <= len(rest) <= 8 else None
    # a lone place
    single = resolve_name(rest, region)
    if rule == "place":
        if single is not None or _looks_like_place(rest, region):
            return [(0, rest, kind, None, [])]
        return None
    # a named route: 太行一号 (旅游公路 / 国家风景道)
    if rest.endswith("一号") and len(rest) >= 4:
        return [(0, rest, kind, None, [])]
    max_tier = NATIONAL_TIERS if rule == "route" else PROVINCE_TIERS
    if single is None and 2 <= len(rest) <= 3 + (rule == "route"):
        # 南同蒲: a direction before an abbreviation names a section of that route
        if (
            rule == "route"
            and len(rest) == 3
            and rest[0] in "东南西北"
            and _abbreviation(rest[1:], region, max_tier)
        ):
            return [(0, rest, kind, None, [])]
        abbr = _abbreviation(rest, region, max_tier)
        if abbr is not None and len(rest) <= 3:
            return [(0, rest, kind, None, abbr)]
    if rule == "tour" and (single is not None or _looks_like_place(rest, region)) and len(rest) <= 8:
        return [(0, rest, kind, None, [])]
    return None


def _clean_part(part: str) -> str:
    part = re.sub(r"\(.*?\)", "", part)
    for suffix in ("段", "境", "方向", "边界"):
        if part.endswith(suffix) and len(part) > len(suffix) + 1:
            part = part[: -len(suffix)]
    return part


def _abbreviation(body: str, region: AdminUnit | None, max_tier: int) -> list[Endpoint] | None:
    """Endpoints of an abbreviated name (one initial per endpoint), or None if one fails."""
    if not 2 <= len(body) <= 3 or not all(is_cjk(ch) for ch in body):
        return None
    out = []
    for ch in body:
        e = resolve_initial(ch, region, max_tier=max_tier)
        if e is None:
            return None
        out.append(e)
    if len({e.adcode for e in out}) < len(out):
        return None
    return out


def _looks_like_place(name: str, region: AdminUnit | None) -> bool:
    if not 2 <= len(name) <= 8 or name in _GENERIC:
        return False
    if name in local_place_names(region.adcode if region else None):
        return True
    return name[-1] in _TOPONYM_END


def _protected_names(region: AdminUnit | None) -> frozenset[str]:
    return _protected(region.adcode if region else None)


@lru_cache(maxsize=64)
def _protected(code: str | None) -> frozenset[str]:
    names = nearby_admin_names(code)
    return frozenset(n for n in names if _STOP_RE.search(n))


def _code_items(text: str, sa: int, sb: int, covered: list[tuple[int, int]]) -> list[_Item]:
    out: list[_Item] = []
    for m in _CODE_RE.finditer(text, sa, sb):
        s, e = m.span()
        if any(a <= s < b for a, b in covered):
            continue
        code = _code_of(m)
        if m.group("l3") and not _bare_code_ok(text, s, e):
            continue
        out.append(_Item(s, e, text[s:e], _code_kind(code), code, []))
        # 国道207、208、309线: the numbers after the first share its road class
        if m.group("w1"):
            pos = e
            while True:
                lm = _LIST_CODE_RE.match(text, pos)
                if lm is None:
                    break
                letter = code[0]
                out.append(
                    _Item(
                        lm.start("n"),
                        lm.end(),
                        f"{m.group('w1')}{lm.group('n')}",
                        _code_kind(letter + lm.group("n")),
                        letter + lm.group("n"),
                        [],
                    )
                )
                pos = lm.end()
    return out


def _bare_code_ok(text: str, s: int, e: int) -> bool:
    """A bare G/S/X code must be followed or preceded by something road-like, not 5G or G20峰会."""
    after = text[e : e + 6]
    return not re.match(r"峰会|网络|基站|通信|手机|时代", after)
