"""Shared machinery of the theme extractors: folded text, sentences, name cutting, lists.

The extractors find a *feature suffix* (湿地公园, 水库, 流域 …) with one Aho-Corasick scan and
then cut the proper name that precedes it. Cutting walks back over name characters and stops at
punctuation, at a verb or function word (建设, 依托, 推进, 的, 和 …) and at direction words
(东部, 境内 …), never inside an administrative name of the document's region (和顺县 keeps its 和).
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import Any

import ahocorasick

from atlas._errors import InputError
from atlas.extract import vocab
from atlas.models import Document, Mention
from atlas.text import fold, is_cjk, sentences

log = logging.getLogger("atlas")

#: Verbs, adverbs, function, direction and scope words that never end a proper name: a name
#: starts after the last one before its suffix (see :mod:`atlas.extract.vocab`).
STOP_WORDS: tuple[str, ...] = vocab.STOP_WORDS + vocab.NAME_STOP_EXTRA
VERB_SHAPES = vocab.VERB_SHAPES
_STOP_RE = vocab.alternation(STOP_WORDS, VERB_SHAPES, vocab.AMOUNT_SHAPE)

#: Words that alone do not make a name (城市公园, 国家森林公园, 人工湿地 …).
GENERIC_WORDS: tuple[str, ...] = (
    "城市", "乡村", "乡镇", "村级", "社区", "口袋", "体育", "运动", "主题", "街头", "街心", "森林", "湿地",
    "生态", "郊野", "文化", "遗址", "考古", "人工", "休闲", "滨河", "滨水", "儿童", "游园", "小微",
    "袖珍", "各类", "智慧", "龙头", "核心", "重点", "精品", "旅游", "标杆", "特色", "高等级", "王牌",
    "周边", "现有", "沿线", "大型", "综合", "新建", "国家级", "国家", "省级", "市级", "县级", "全国",
    "自然", "草原", "农业", "矿山", "地质", "红色", "高品质", "城郊", "城区", "市区", "县城", "中心",
    "市民", "植物", "动物", "景观", "水质净化", "净化", "水源", "涵养", "饮用水", "饮用", "集中式", "重要",
    "美丽", "绿色", "山水", "林草", "水上", "网红", "示范", "知名", "优质", "大", "小", "新", "老",
    "各", "全", "本", "该", "此", "这", "多", "几", "个", "处", "座", "条", "级", "类", "型", "性",
    "河湖", "北方", "南方", "我国", "世界", "传统", "革命", "历史", "文物", "健身", "第", "批", "市", "县", "江河", "堤防", "安全", "稳定", "常态化", "抗旱", "应急", "文旅", "风景", "人文", "工业", "景点", "景区", "公园", "工程", "项目", "基地", "设施", "游客",
    "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千", "万", "A",
    # kinds of park or reserve by their setting or shape, not by a place (30多座山体公园, 3处水系公园)
    "山体", "山地", "水系", "河道", "湖泊", "沙漠", "海洋", "水利", "邻里", "带状",
)  # fmt: skip
_GENERIC_RE = re.compile(
    "(?:" + "|".join(sorted(map(re.escape, GENERIC_WORDS), key=len, reverse=True)) + r"|\d|\s|·)+"
)
#: Evaluative and adjectival words that praise or classify rather than name: …性 (标志性, 代表性),
#: …牌 (王牌, 金牌), …级/型/类/式 (高等级, 复合型): a core ending in one of these is no name.
_ADJECTIVE_END = re.compile(r"(?:[\u4e00-\u9fff][性牌型类式][大小新老]?|等级|档次)$")

#: Level words written in or before a park name.
LEVEL_RE = re.compile(r"国家级|国家|全国|省级|市级|县级|自治区级")
#: A-grade ratings (国家4A级) are a rating, not part of the name.
RATING_RE = re.compile(r"(?:国家)?(?:[1-5１-５]|AAAAA|AAAA|AAA)\s*A?\s*A?级?(?=景区|旅游|风景)")

#: One-character direction prepositions that open a place phrase (环湖, 沿河): as the last
#: character before a suffix they belong to the name (北环公园, 东沿公园).
_OPENING_PREPOSITIONS = frozenset("环沿")

_CLOSE = {")": "(", "）": "（", "]": "[", "】": "【"}


def is_name_char(ch: str) -> bool:
    """CJK ideographs, ASCII letters/digits and the joiners of proper names (·, —)."""
    return is_cjk(ch) or (ch.isascii() and ch.isalnum()) or ch in "·—"


@lru_cache(maxsize=16)
def folded_text(text: str) -> str:
    """``fold(text)``, cached: the same document is read by several extractors."""
    return fold(text)


@lru_cache(maxsize=16)
def _sentence_spans(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    spans = list(sentences(text))
    return tuple(a for a, _ in spans), tuple(b for _, b in spans)


def sentence_at(text: str, i: int) -> tuple[int, int]:
    """Span of the sentence holding local offset ``i`` (the whole text if none does)."""
    starts, ends = _sentence_spans(text)
    k = bisect.bisect_right(starts, i) - 1
    if k < 0:
        return 0, min(len(text), ends[0] if ends else len(text))
    return starts[k], ends[k]


def iter_sentences(text: str) -> Iterator[tuple[int, int]]:
    """Sentence spans of ``text`` (cached)."""
    starts, ends = _sentence_spans(text)
    return zip(starts, ends, strict=True)


# -- administrative names of the document's region (protect them from cutting) ---------------------
@lru_cache(maxsize=64)
def admin_automaton(region_code: str | None) -> ahocorasick.Automaton:
    """Aho-Corasick automaton of the county and town names near ``region_code``.

    County-level and higher units of the region's province (all of China when the region is
    unknown or the whole country) and the towns of the region. The data are part of the installation: a missing
    boundary package or location dictionary raises :class:`~atlas._errors.DataMissingError`
    instead of silently cutting names without protection.
    """
    from atlas.admin_tree import load_admin_tree
    from atlas.boundaries import load_boundaries

    names: set[str] = set()
    b = load_boundaries()
    province = region_code[:2] if region_code else None
    if province is not None and not any(code.startswith(province) for code in b.units):
        province = None  # the whole country (100000) as region: the names of all of China
    for unit in b.units.values():
        if province is None or unit.adcode.startswith(province):
            names.add(unit.name)
            if len(unit.short_name) >= 2:
                names.add(unit.short_name)
    if region_code:
        prefix = region_code[:4] if region_code.endswith("00") else region_code
        try:
            towns = load_admin_tree().names_in(prefix, aliases=False)
        except InputError as exc:  # a code the location dictionary does not know: no towns
            log.warning("no town names for %s: %s", region_code, exc)
            towns = {}
        for name, places in towns.items():
            if any(p.level == "town" for p in places) and len(name) >= 2:
                names.add(name)
    auto = ahocorasick.Automaton()
    for name in names:
        auto.add_word(name, len(name))
    auto.make_automaton()
    return auto


def region_code(doc: Document) -> str | None:
    """Adcode of the document's region, or None."""
    return doc.region.adcode if doc.region is not None else None


def name_start(
    folded: str,
    end: int,
    *,
    max_len: int = 12,
    admin: ahocorasick.Automaton | None = None,
    allow: str = "",
) -> int:
    """Start of the proper name that ends at ``end`` (exclusive), cut at punctuation and stop words.

    Parameters
    ----------
    folded
        Folded text.
    end
        Offset where the name core ends (usually where its feature suffix starts).
    max_len
        Longest name core considered.
    admin
        Automaton of administrative names that a stop word must not cut into.
    allow
        Extra characters allowed inside the name (e.g. ``"、"`` for ecological function zones).

    Returns
    -------
    int
        Start offset; ``end`` itself when no name precedes.
    """
    lo = max(0, end - max_len)
    i = end - 1
    while i >= lo:
        ch = folded[i]
        if ch in _CLOSE:
            j = folded.rfind(_CLOSE[ch], max(lo, i - 10), i)
            if j < 0:
                break
            i = j - 1
            continue
        if is_name_char(ch) or ch in allow:
            i -= 1
            continue
        break
    start = after_split_word(folded, i + 1, end)
    window = folded[start:end]
    if not window:
        return end
    protected: list[tuple[int, int]] = []
    if admin is not None:
        for stop, length in admin.iter(window):
            protected.append((stop - length + 1, stop + 1))
    after_list = start > 0 and folded[start - 1] == "、"
    cut = 0
    for m in _STOP_RE.finditer(window):
        a, b = m.span()
        if any(pa <= a and b <= pb and (pa, pb) != (a, b) for pa, pb in protected):
            continue
        if a == 0 and b == 1 and after_list:
            continue  # 、对竹河: a list item, not the preposition 对
        if b == len(window) and b - a == 1 and window[a] in _OPENING_PREPOSITIONS:
            continue  # 北环公园, 南沿路: a preposition needs an object after it, so it ends no name
        cut = max(cut, b)
    if 0 < cut < len(window) - 1 and window[cut] == "好":
        cut += 1  # 实施好, 建设好: 好 completes the verb before it
    return start + cut


def after_split_word(folded: str, start: int, end: int) -> int:
    """``start`` moved past the tail of a verb split by a stray space (构 建某屏障, 抓 好某湿地:
    text taken from a PDF): the characters after the space finish a stop word begun before it."""
    if start < 2 or folded[start - 1] not in " \u3000" or not is_cjk(folded[start - 2]):
        return start
    for left in (folded[max(0, start - 3) : start - 1], folded[start - 2 : start - 1]):
        for m in (2, 1):
            if start + m < end and _STOP_RE.fullmatch(left + folded[start : start + m]):
                return start + m
    return start


def quoted_before(folded: str, end: int, *, max_len: int = 12) -> tuple[int, int] | None:
    """Span of a quoted name that closes right before ``end`` (“串园连山”生态廊道 → 串园连山), or None."""
    if end < 3 or folded[end - 1] not in '”"」':
        return None
    q = max(folded.rfind(ch, max(0, end - 2 - max_len), end - 1) for ch in '“"「')
    if q < 0 or q + 1 >= end - 1:
        return None
    inner = folded[q + 1 : end - 1]
    return (q + 1, end - 1) if all(is_name_char(ch) or ch == "、" for ch in inner) else None


def stop_word_at(folded: str, i: int) -> bool:
    """True when a stop word (verb, function or direction word, see :data:`STOP_WORDS`) starts at ``i``."""
    return _STOP_RE.match(folded, i) is not None


def is_generic(core: str) -> bool:
    """True when ``core`` is made only of generic words (城市, 国家级, 人工 …) or is empty."""
    return not core or _GENERIC_RE.fullmatch(core) is not None or _ADJECTIVE_END.search(core) is not None


def strip_rating(name: str) -> str:
    """Name without an A-grade rating: 七里峪4A级景区 → 七里峪景区."""
    return RATING_RE.sub("", name)


def level_of(text: str) -> str | None:
    """national / provincial / municipal from level words in ``text``."""
    m = LEVEL_RE.search(text)
    if m is None:
        return None
    word = m.group()
    if word in ("国家级", "国家", "全国"):
        return "national"
    if word in ("省级", "自治区级"):
        return "provincial"
    return "municipal"


def list_items_before(
    folded: str,
    start: int,
    *,
    max_items: int = 12,
    max_len: int = 8,
    admin: ahocorasick.Automaton | None = None,
) -> list[tuple[int, int]]:
    """Spans of the items of a 、-list that ends right before ``start`` (nearest first).

    ``甲、乙、丙湿地公园`` with ``start`` at 丙 gives the spans of 乙 and 甲. The last separator may
    be 和/及/与. The first item of the list is cut like a name (``建设甲`` → 甲); the walk stops at
    other punctuation.
    """
    out: list[tuple[int, int]] = []
    pos = start
    while len(out) < max_items and pos > 0:
        sep = folded[pos - 1]
        if sep == "、" or (sep in "和及与" and not out):
            b = pos - 1
        else:
            break
        a = b
        while a > 0 and b - a < 24 and (is_name_char(folded[a - 1]) or folded[a - 1] in ")）(（"):
            a -= 1
        if a == b:
            break
        first = a == 0 or folded[a - 1] != "、"
        if first or b - a > max_len:
            a = name_start(folded, b, max_len=max_len + 4, admin=admin)
            if a == b or b - a > max_len:
                break
            out.append((a, b))
            break
        out.append((a, b))
        pos = a
    return out


def list_items_after(
    folded: str, end: int, *, max_items: int = 12, max_len: int = 12
) -> list[tuple[int, int]]:
    """Spans of the 、-separated items that follow ``end`` (a 、 right after ``end`` opens the list)."""
    out: list[tuple[int, int]] = []
    pos = end
    while len(out) < max_items and pos < len(folded) and folded[pos] in "、和及与":
        a = pos + 1
        b = a
        while b < len(folded) and b - a < max_len and is_name_char(folded[b]):
            b += 1
        if b == a:
            break
        out.append((a, b))
        pos = b
    return out


def make_mention(
    doc: Document,
    theme: str,
    kind: str,
    name: str,
    start: int,
    end: int,
    attrs: Mapping[str, Any],
) -> Mention:
    """A mention with SOURCE offsets from LOCAL ``start``/``end`` of ``doc.text``."""
    sa, sb = sentence_at(doc.text, start)
    return Mention(
        doc_id=doc.doc_id,
        theme=theme,
        kind=kind,
        name=name,
        char_start=doc.to_source(start),
        char_end=doc.to_source(end),
        sentence_start=doc.to_source(sa),
        sentence_end=doc.to_source(sb),
        attrs=dict(attrs),
    )


def build_automaton(words: Iterable[tuple[str, Any]]) -> ahocorasick.Automaton:
    """Aho-Corasick automaton mapping each word to ``(word, value)``."""
    auto = ahocorasick.Automaton()
    for word, value in words:
        auto.add_word(word, (word, value))
    auto.make_automaton()
    return auto


def longest_hits(auto: ahocorasick.Automaton, folded: str) -> list[tuple[int, int, str, Any]]:
    """Hits ``(start, end, word, value)`` of ``auto`` in ``folded``; of hits ending at the same
    offset only the longest is kept, and a hit inside a longer hit is dropped."""
    by_end: dict[int, tuple[int, int, str, Any]] = {}
    for stop, (word, value) in auto.iter(folded):
        end = stop + 1
        start = end - len(word)
        old = by_end.get(end)
        if old is None or old[0] > start:
            by_end[end] = (start, end, word, value)
    hits = sorted(by_end.values())
    out: list[tuple[int, int, str, Any]] = []
    for h in hits:
        while out and out[-1][0] >= h[0] and out[-1][1] <= h[1]:
            out.pop()  # an earlier hit inside this one
        if out and h[0] >= out[-1][0] and h[1] <= out[-1][1]:
            continue
        out.append(h)
    return out
