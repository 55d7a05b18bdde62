"""Which region a document is about, decided the way a reader decides it.

A reader of 各位代表：现在，我代表市人民政府…… knows at once that a city speaks, and learns which
city from the name the text keeps coming back to (承德 ×63), from the counties and districts it
names (six of 承德's own) and, for a county, from its towns. Other places named on the way (a
partner city, 北京, a road named after a province) do not move the answer, and a name found
inside an ordinary word (示范县 is not 范县, 各区和县城 is not 和县, 矿区 is not 阳泉's 矿区)
is not a name at all. When the evidence is thin the answer is "unknown", not a guess.

Steps (one function each):

1. ``name_mentions``: admin names (full names, short names, former names) standing as names;
2. ``speaking_level``: who speaks — 国务院, 省/自治区, 市, 县, 区, 旗, 州, 盟 人民政府 or 行署;
3. ``detect_region``: votes over the hierarchy (counties and districts for their prefecture,
   towns for their county, everything for its province), one province first, then the unit of
   the speaking level that the evidence as a whole points to, with a confidence (0–1) and a short
   evidence text such as ``承德 ×63, 全市 ×40, 6 of its counties named``.

>>> guess = detect_region("", "我代表市人民政府向大会报告工作。承德的发展，全市上下……" * 3)
>>> guess.unit.name if guess.unit else None   # doctest: +SKIP
'承德市'
"""

from __future__ import annotations

import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from atlas import settings
from atlas._errors import InputError
from atlas.admin_tree import (
    COUNTRY_CODE,
    WORD_FIRST_IDF,
    adcode_parents,
    adcode_prefix,
    adcode_within,
    jionlp_dictionary_dir,
    load_admin_tree,
    word_idf,
)
from atlas.boundaries import COUNTRY, Boundaries, load_boundaries
from atlas.boundaries import short_name as unit_short_name
from atlas.models import AdminUnit, Document
from atlas.text import fold, is_cjk, without_wrap_spaces

log = logging.getLogger("atlas")

__all__ = [
    "RegionGuess",
    "RegionOverrides",
    "apply_override",
    "detect_region",
    "name_mentions",
    "read_region_csv",
    "speaking_level",
    "unit_for_adcode",
]

#: Names are counted in the first this many characters (a long plan has said who it is by then).
SCAN_CHARS = 60_000
#: Below this score the region is unknown (a name said twice is not a subject).
MIN_SCORE = 3.0
#: Below this confidence the region is unknown.
MIN_CONFIDENCE = 0.35
#: Words at least this common (jionlp's idf at most this) stop a name found inside them.
COMMON_WORD_IDF = 10.5


@dataclass(frozen=True)
class RegionGuess:
    """The region of a document, how sure the detection is, and why.

    ``unit`` is None when the region is unknown. ``confidence`` is 0–1. ``evidence`` is a short
    text for people (``承德 ×63, 全市 ×40, 6 of its counties named``).
    """

    unit: AdminUnit | None
    confidence: float
    evidence: str
    source: str = "detected"


# ---------------------------------------------------------------------------------------------
# the name index
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Entry:
    """One unit a name can stand for."""

    code: str
    full: bool  # the name with its administrative suffix (承德市), not a short form (承德)
    core: int  # characters before the suffix: 承德市 → 2, 和县 → 1; short names: their length
    former: bool = False  # a name the unit had before a change (襄樊市 → 襄阳市)


@dataclass
class _Index:
    boundaries: Boundaries
    automaton: object
    entries: dict[str, tuple[_Entry, ...]] = field(default_factory=dict)
    former: dict[str, tuple[str, ...]] = field(default_factory=dict)  # adcode → former full names

    def unit(self, code: str) -> AdminUnit:
        return self.boundaries.get(code)


_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "旗",
    "盟",
    "州",
)


def _core_length(name: str) -> int:
    """Characters before the administrative suffix: 承德市 → 2, 和县 → 1, 三江侗族自治县 → 2."""
    if "自治" in name:
        return len(unit_short_name(name))
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return len(name) - len(suffix)
    return len(name)


def _former_names(b: Boundaries) -> Iterator[tuple[str, str]]:
    """(former full name, current adcode) from jionlp's record of administrative changes."""
    try:
        text = (jionlp_dictionary_dir() / "china_location_change.txt").read_text("utf-8")
    except OSError:
        return
    for line in text.splitlines():
        if "=>" not in line:
            continue
        old, new = line.split("=>", 1)
        old_cols = old.split("\t")[2:]
        new_cols = [c for c in new.split("\t") if c]
        if len(old_cols) < 2 or len(new_cols) < 2:
            continue
        old_name = old_cols[4] if len(old_cols) >= 5 else old_cols[2] if len(old_cols) >= 3 else ""
        new_name = new_cols[-1]
        if not old_name or old_name == new_name:
            continue
        within = [
            u for u in b.find(new_cols[-2] if len(new_cols) >= 3 else new_cols[0]) if u.level != "county"
        ]
        cands = [u for u in b.find(new_name) if not within or adcode_within(u.adcode, within[0].adcode)]
        if len(cands) == 1 and old_name not in b.names():
            yield old_name, cands[0].adcode


@lru_cache(maxsize=2)
def _index(source: str) -> _Index:
    import ahocorasick

    b = load_boundaries(source)
    idf = word_idf()
    entries: dict[str, list[_Entry]] = defaultdict(list)
    for unit in b.units.values():
        entries[unit.name].append(_Entry(unit.adcode, True, _core_length(unit.name)))
        short = unit_short_name(unit.name)
        if short != unit.name and len(short) >= 2:
            if unit.level == "county" and idf.get(short, 99.0) < WORD_FIRST_IDF:
                continue  # 资源县, 合作市, 和平区: 资源, 合作, 和平 are words first
            entries[short].append(_Entry(unit.adcode, False, len(short)))
    for old, code in _former_names(b):
        entries[old].append(_Entry(code, True, _core_length(old), former=True))
        short = unit_short_name(old)
        if short != old and len(short) >= 2 and short not in b.names():
            entries[short].append(_Entry(code, False, len(short), former=True))
    former: dict[str, list[str]] = defaultdict(list)
    for name, es in entries.items():
        for e in es:
            if e.former and e.full:
                former[e.code].append(name)
    auto = ahocorasick.Automaton()
    for name in entries:
        auto.add_word(name, name)
    auto.make_automaton()
    return _Index(
        b, auto, {k: tuple(v) for k, v in entries.items()}, {k: tuple(v) for k, v in former.items()}
    )


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Common words of 2–4 characters, for telling names from parts of words."""
    return frozenset(w for w, idf in word_idf().items() if idf <= COMMON_WORD_IDF)


# ---------------------------------------------------------------------------------------------
# 1. names that stand as names
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mention:
    """An admin name found in a text, standing as a name: ``text[start:end] == name``."""

    start: int
    end: int
    name: str
    entries: tuple[_Entry, ...]


_ROAD_AFTER = re.compile(r"(?:路|街|巷|大道|大街|胡同|东路|西路|南路|北路|中路)")


# characters that may stand right before a one-character-core name (和县, 范县, 矿区): punctuation,
# or a word that cannot end in a Han character belonging to the name
def _inside_word(text: str, start: int, end: int, entry: _Entry, words: frozenset[str]) -> bool:
    """True when a common word runs across the name's edge or holds the name (示范县, 长治久安)."""
    n = len(text)
    suffix_at = start + entry.core if entry.full else end
    for i in range(max(0, start - 3), end):
        for j in range(max(i + 2, start + 1), min(n, i + 4) + 1):
            if j <= i or (i == start and j == end) or (i >= start and j <= end):
                continue
            if i >= end or j <= start:
                continue
            word = text[i:j]
            if entry.full and i >= suffix_at and (entry.core >= 2 or word in _OWN_SUFFIX_WORDS):
                continue  # 承德市委, 阜平县城, 易县县委: a word that begins at the suffix is fine
            if word in words:
                return True
    return False


# words that may follow a one-character-core county at its suffix (易县县委 but not 和县城 = 和 + 县城)
_OWN_SUFFIX_WORDS = frozenset(
    {"县委", "县委书记", "县长", "县政府", "县府", "县内", "县境", "县里", "县志", "县上"}
)
_CONJUNCTIONS = set("和与及或并同暨")
_ADMIN_CHARS = set("省市县区旗盟州乡镇村")


def _stands_as_name(
    text: str, start: int, end: int, entry: _Entry, idx: _Index, words: frozenset[str]
) -> bool:
    """True when ``text[start:end]`` is used as the name of ``entry``'s unit, not as part of a word."""
    if _ROAD_AFTER.match(text, end) and (not entry.full or text[end : end + 1] in "路街巷"):
        return False  # 北京路, 延安路: a street, not the place
    if entry.core <= 1:
        if _parent_before(text, start, entry, idx):
            return True  # 阳泉市矿区, 马鞍山市和县
        if text[end - 1] != "县":
            return False  # 城区, 矿区, 郊区, 南区: generic words unless their city is named before
        if start > 0 and text[start - 1] in _ADMIN_CHARS:
            return False  # 各区和县, 市和县: a conjunction after another admin word
        if text[start] in _CONJUNCTIONS and start > 0 and is_cjk(text[start - 1]):
            return False  # 市政府和县委: 和 joins two words; 和县 stands after a break or its city
    return not _inside_word(text, start, end, entry, words)


def _parent_before(text: str, start: int, entry: _Entry, idx: _Index) -> bool:
    """True when the unit's prefecture or province is named right before it (阳泉市矿区)."""
    for code in adcode_parents(entry.code):
        if code not in idx.boundaries.units:
            continue
        unit = idx.boundaries.units[code]
        for name in (unit.name, unit.short_name):
            if name and text.endswith(name, max(0, start - len(name)), start):
                return True
    return False


def name_mentions(text: str, *, source: str | None = None) -> list[Mention]:
    """Admin names in ``text`` that stand as names, longest first where they overlap.

    ``text`` should be folded (``atlas.text.fold``); offsets are into it.
    """
    idx = _index(source or settings.BOUNDARY_SOURCE)
    words = _common_words()
    out: list[Mention] = []
    for end_idx, name in idx.automaton.iter_long(text):  # type: ignore[attr-defined]
        start, end = end_idx - len(name) + 1, end_idx + 1
        entries = tuple(e for e in idx.entries[name] if _stands_as_name(text, start, end, e, idx, words))
        if entries:
            out.append(Mention(start, end, name, entries))
    return out


# ---------------------------------------------------------------------------------------------
# 2. who speaks
# ---------------------------------------------------------------------------------------------
#: Speaking level → the name suffixes of units that speak so (市 covers county-level cities).
SPEAKER_SUFFIXES: dict[str, tuple[str, ...]] = {
    "country": (),
    "省": ("省", "自治区"),
    "自治区": ("自治区",),
    "市": ("市",),
    "县": ("县",),
    "区": ("区",),
    "旗": ("旗",),
    "州": ("州",),
    "盟": ("盟",),
    "行署": ("地区", "盟"),
}
_OPENER = re.compile(
    r"代表(?!大会)(国务院|(?:[\u4e00-\u9fff]{2,16}?)?(自治区|省|市|县|区|旗|州)"
    r"(?:第[一二三四五六七八九十\d]{1,3}届)?(?:人民)?政府"
    r"|(?:[\u4e00-\u9fff]{2,12}?)?(?:盟|地区)?行政公署|行署)"
)
_SELF = re.compile(r"(?:全|我|本)(省|市|县|区|旗|州|盟)(?![场域])|(?:全|我)国(?!家)")


@dataclass(frozen=True)
class Speaker:
    """Who a text speaks as: a level key of ``SPEAKER_SUFFIXES`` and the words that tell it."""

    level: str | None
    opener: str  # the 我代表…人民政府 words, or ""
    counts: Counter[str]


def speaking_level(text: str) -> Speaker:
    """The level the text speaks as: the 我代表…人民政府 line first, else 全市/我县… counts."""
    counts: Counter[str] = Counter()
    for hit in _SELF.finditer(text):
        counts[hit.group(1) or "国"] += 1
    head = text[:4000]
    m = _OPENER.search(head)
    if m:
        if m.group(1) == "国务院":
            return Speaker("country", m.group(0), counts)
        if m.group(2):
            key = m.group(2)
            if key == "区" and "自治区" in m.group(0):
                key = "自治区"
            return Speaker(key, m.group(0), counts)
        return Speaker("行署", m.group(0), counts)
    local = {k: v for k, v in counts.items() if k not in ("国", "省")}
    if counts.get("省", 0) >= 3 and counts["省"] > 3 * max(local.values(), default=0):
        return Speaker("省", "", counts)  # 全省/我省 throughout, hardly a word of a city or county
    if not local:
        return Speaker(None, "", counts)
    key, n = max(local.items(), key=lambda kv: kv[1])
    if n < 3:
        return Speaker(None, "", counts)
    return Speaker(key, "", counts)


def _speaker_of(unit: AdminUnit) -> str | None:
    """The speaking level of a unit named by its meeting line (承德市第十四届人民代表大会 → 市)."""
    if unit.level == "province":
        return "自治区" if unit.name.endswith("自治区") else "省"
    if unit.name.endswith("地区"):
        return "行署"
    for key in ("市", "县", "区", "旗", "州", "盟"):
        if unit.name.endswith(key):
            return key
    return None


# ---------------------------------------------------------------------------------------------
# 3. the vote
# ---------------------------------------------------------------------------------------------
_MEETING = re.compile(r"在([\u4e00-\u9fff]{2,24}?)第[一二三四五六七八九十\d]{1,4}届人民代表大会")
# a line that is nothing but an issuing body: a signature (盐湖区人民政府) or a letterhead
_SIGNATURE = re.compile(
    r"^\s*([\u4e00-\u9fff]{2,20}?)(?:人民政府|人民代表大会常务委员会|人大常委会|委员会|办公室|行政公署)"
    r"(?:办公室)?\s*$",
    re.M,
)
_TITLE_WEIGHT = 12.0
TITLE_BASE = 4.0  # the weight of a title's unit that the body does not name
_MEETING_WEIGHT = 12.0


def _weight(entry: _Entry, unit: AdminUnit) -> float:
    if entry.full:
        return 1.0
    if unit.level == "county":
        return 1.0 if entry.core >= 3 else 0.5
    return 1.0


def _level_rank(unit: AdminUnit) -> int:
    return {"country": 0, "province": 1, "prefecture": 2, "county": 3}[unit.level]


@dataclass
class _Tally:
    own: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # weighted mentions
    said: Counter[str] = field(default_factory=Counter)  # raw mentions per adcode
    shown: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))  # code → name → n
    bonus: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # title, meeting line
    notes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


def _tally(
    mentions: Iterable[Mention], idx: _Index, *, weight: float = 1.0, tally: _Tally | None = None
) -> _Tally:
    """Count mentions per unit; a name several units share goes to the one its neighbours favour."""
    t = tally or _Tally()
    mentions = list(mentions)
    b = idx.boundaries
    clear: Counter[str] = Counter()
    for m in mentions:
        codes = {e.code for e in m.entries}
        if len(codes) == 1:
            clear[next(iter(codes))] += 1
    province_mass: Counter[str] = Counter()
    prefecture_mass: Counter[str] = Counter()
    for code, n in clear.items():
        province_mass[code[:2]] += n
        prefecture_mass[code[:4]] += n
    for m in mentions:
        entries = m.entries
        if len({e.code for e in entries}) > 1:
            best = max(
                entries,
                key=lambda e: (
                    prefecture_mass[e.code[:4]] + province_mass[e.code[:2]],
                    e.full,
                    -_level_rank(b.get(e.code)),
                ),
            )
            if prefecture_mass[best.code[:4]] + province_mass[best.code[:2]] == 0:
                continue  # 朝阳区 with no other hint of which one: no vote
            entries = (best,)
        e = entries[0]
        unit = b.get(e.code)
        t.own[e.code] += weight * _weight(e, unit)
        t.said[e.code] += 1
        t.shown[e.code][m.name] += 1
    return t


def _towns_named(code: str, text: str) -> int:
    """How many distinct towns (乡镇/街道, full names of 3+ characters) of a county the text names."""
    try:
        towns = load_admin_tree().town_names(code)
    except InputError:
        return 0
    return sum(1 for t in set(towns) if len(t) >= 3 and t in text)


def _children_named(code: str, t: _Tally, b: Boundaries) -> list[str]:
    prefix = adcode_prefix(code)
    return [
        c
        for c, n in t.said.items()
        if c != code and c.startswith(prefix) and b.units[c].level == "county" and n >= 1
    ]


def _evidence(unit: AdminUnit, t: _Tally, speaker: Speaker, extra: list[str]) -> str:
    parts = []
    shown = t.shown.get(unit.adcode)
    if shown:
        name, _n = max(shown.items(), key=lambda kv: kv[1])
        total = sum(shown.values())
        parts.append(f"{name} ×{total}")
    parts.extend(t.notes.get(unit.adcode, []))
    if speaker.opener:
        parts.append(speaker.opener)
    level_key = {"country": "国"}.get(speaker.level or "", speaker.level or "")
    if level_key and speaker.counts.get(level_key[-1:]):
        parts.append(f"全{level_key[-1:]}/我{level_key[-1:]} ×{speaker.counts[level_key[-1:]]}")
    parts.extend(extra)
    return ", ".join(parts)


def detect_region(title: str, text: str, *, source: str | None = None) -> RegionGuess:
    """The region ``text`` (titled ``title``) is about, with confidence and evidence.

    The title and the meeting line (在XX第N届人民代表大会) weigh most; then the names of the body,
    voted up the hierarchy; the level the text speaks as picks among a prefecture and its
    county-level cities, or a county and its prefecture. Unknown (``unit=None``) when the best
    score is below ``MIN_SCORE`` or the confidence below ``MIN_CONFIDENCE``.
    """
    idx = _index(source or settings.BOUNDARY_SOURCE)
    b = idx.boundaries
    body = without_wrap_spaces(fold(text))  # names are counted, offsets are not kept
    speaker = speaking_level(body)
    if speaker.level == "country":
        n = speaker.counts.get("国", 0)
        return RegionGuess(COUNTRY, 0.95, f"{speaker.opener}, 全国/我国 ×{n}")

    sample = body[:SCAN_CHARS]
    t = _tally(name_mentions(sample, source=source), idx)
    # the title and the meeting line name the subject outright: the deepest unit they name wins most
    for label, part, weight in (
        ("title", fold(title), _TITLE_WEIGHT),
        ("meeting line", " ".join(m.group(1) for m in _MEETING.finditer(body[:3000])), _MEETING_WEIGHT),
        (
            "signature",
            " ".join(m.group(1) for m in _SIGNATURE.finditer(body[:1500] + "\n" + body[-1500:])),
            _MEETING_WEIGHT,
        ),
    ):
        if not part:
            continue
        sub = _tally(name_mentions(part, source=source), idx)
        named = [b.get(c) for c in sub.said]
        if not named:
            continue
        deepest = max(named, key=_level_rank)
        if label == "meeting line" and not speaker.opener and _speaker_of(deepest):
            speaker = Speaker(_speaker_of(deepest), "", speaker.counts)
        for unit in named:
            if unit.adcode == deepest.adcode or adcode_within(deepest.adcode, unit.adcode):
                w = weight if unit.adcode == deepest.adcode else weight / 3
                if label == "title":  # a title the body never echoes may be a scraped page's
                    w = min(w, TITLE_BASE + 2 * t.said.get(unit.adcode, 0))
                t.bonus[unit.adcode] += w
                t.notes[unit.adcode].append(f"{label} names {unit.name}")

    def score_own(code: str) -> float:
        return t.own[code] + t.bonus[code]

    codes = set(t.own) | set(t.bonus)
    if not codes:
        return RegionGuess(None, 0.0, "no place named")

    # one province first: everything inside it votes for it
    province_mass: defaultdict[str, float] = defaultdict(float)
    for code in sorted(codes):
        province_mass[code[:2]] += score_own(code)
    ranked = sorted(province_mass.items(), key=lambda kv: (-kv[1], kv[0]))
    top_p, top_mass = ranked[0]
    second_mass = ranked[1][1] if len(ranked) > 1 else 0.0
    province = b.units.get(top_p + "0000")
    if province is None:
        return RegionGuess(None, 0.0, "no place named")

    if speaker.level == "省" and not speaker.opener:
        # 全省 counted many times, but no 我代表省人民政府: a provincial text names its province more
        # than any one of its cities (a city report ranking itself 全省第一 names itself)
        top_city = max(
            (t.own[c] + t.bonus[c] for c in codes if c.startswith(top_p) and c != province.adcode),
            default=0.0,
        )
        if top_city >= score_own(province.adcode):
            speaker = Speaker(None, "", speaker.counts)
    if speaker.level in ("省", "自治区"):
        conf = _confidence(top_mass, second_mass)
        ev = _evidence(province, t, speaker, [])
        if top_mass < MIN_SCORE:
            return RegionGuess(None, round(conf, 2), f"too little evidence ({ev})")
        return RegionGuess(province, round(conf, 2), ev)

    # candidates in that province, scored: a prefecture by its name and the breadth of its counties
    # named, a county by its name, its towns and (a little) its prefecture
    scores: dict[str, float] = {}
    extras: dict[str, list[str]] = {}
    inside = [c for c in codes if c.startswith(top_p)]
    prefectures = {c for c in inside if b.units[c].level == "prefecture"}
    prefectures |= {
        p for c in inside for p in adcode_parents(c)[:1] if p in b.units and b.units[p].level == "prefecture"
    }
    for code in sorted(prefectures):
        kids = _children_named(code, t, b)
        breadth = sum(min(t.own[c], 3.0) for c in kids)
        scores[code] = score_own(code) + breadth
        if kids:
            extras[code] = [f"{len(kids)} of its counties named"]
    counties = sorted((c for c in inside if b.units[c].level == "county"), key=lambda c: (-score_own(c), c))[
        :12
    ]
    for code in counties:
        towns = _towns_named(code, sample)
        parent = next(
            (p for p in adcode_parents(code) if p in b.units and b.units[p].level != "province"), None
        )
        support = min(score_own(parent), 5.0) * 0.2 if parent else 0.0
        scores[code] = score_own(code) + towns + support
        if towns:
            extras[code] = [f"{towns} of its towns named"]
    if speaker.level is None and province.adcode in codes and not scores:
        scores[province.adcode] = score_own(province.adcode)

    def fits(code: str) -> bool:
        unit = b.units[code]
        if speaker.level is None:
            return True
        names = [unit.name, *idx.former.get(code, ())]
        if any(n.endswith(s) for n in names for s in SPEAKER_SUFFIXES[speaker.level]):
            return True
        # a county made a district or city since (撤县设区: 清苑县 → 清苑区) speaks as the 县 it
        # was: its opener names it by its stem with the older suffix
        stem = unit.name[:-1]
        return (
            unit.level == "county"
            and len(stem) >= 2
            and any(stem + s in speaker.opener for s in SPEAKER_SUFFIXES[speaker.level])
        )

    fitting = {c: s for c, s in scores.items() if fits(c)}
    pool = fitting if fitting and max(fitting.values()) >= MIN_SCORE else scores
    if not pool:
        return RegionGuess(None, 0.0, f"too little evidence ({province.name} ×{top_mass:g})")
    order = sorted(pool.items(), key=lambda kv: (-kv[1], _level_rank(b.units[kv[0]]), kv[0]))
    best, best_score = order[0]
    # the runner-up that is not on the winner's own branch
    rivals = [(s, c) for c, s in order[1:] if not (adcode_within(c, best) or adcode_within(best, c))]
    # and the best unit of another province that could be the speaker (北京 does not rival a county)
    rivals += [(score_own(c), c) for c in sorted(codes) if not c.startswith(top_p) and fits(c)]
    rival, rival_code = max(rivals, default=(0.0, ""), key=lambda sc: sc[0])
    unit = b.units[best]
    conf = _confidence(best_score, rival)
    if pool is not fitting and speaker.level is not None:
        conf *= 0.7
    ev = _evidence(unit, t, speaker, extras.get(best, []))
    if best_score < MIN_SCORE or conf < MIN_CONFIDENCE:
        against = f" against {b.units[rival_code].name}" if rival >= best_score / 3 and rival_code else ""
        return RegionGuess(None, round(conf, 2), f"too little evidence for {unit.name}{against} ({ev})")
    return RegionGuess(unit, round(conf, 2), ev)


def _confidence(best: float, rival: float) -> float:
    """0–1: how far the winner leads its rival (2·share − 1) times how much evidence there is."""
    if best <= 0:
        return 0.0
    share = best / (best + rival)
    amount = 1.0 - math.exp(-best / 6.0)
    return max(0.0, min(1.0, (2 * share - 1) * amount))


# ---------------------------------------------------------------------------------------------
# user overrides
# ---------------------------------------------------------------------------------------------
def unit_for_adcode(adcode: str | int, *, source: str | None = None) -> AdminUnit:
    """The unit a user names by its adcode (``--region``), with a message saying what is wrong.

    ``100000`` is the whole country.
    """
    code = str(adcode).strip()
    if not (code.isdigit() and len(code) == 6):
        msg = f"region {adcode!r} is not a 6-digit adcode; give e.g. 130800 (承德市) or 141082 (霍州市)"
        raise InputError(msg)
    if code == COUNTRY_CODE:
        return COUNTRY
    b = load_boundaries(source or settings.BOUNDARY_SOURCE)
    if code not in b.units:
        msg = f"region {code} is not an adcode of any province, prefecture or county; check the code (GB/T 2260)"
        raise InputError(msg)
    return b.units[code]


@dataclass(frozen=True)
class RegionOverrides:
    """Regions the user gives: one for every document (``--region``) and/or one per file (CSV).

    ``by_file`` keys are file paths as the user wrote them (``hebei/chengde_2021_report.txt``),
    file names, or document ids (``003_x-02``, one document of a split file).
    """

    default: AdminUnit | None = None
    by_file: dict[str, AdminUnit] = field(default_factory=dict)
    origin: str = ""  # where by_file came from (the CSV's name), for messages

    def unit_for(self, *, source_path: str, source_file: str, doc_id: str) -> tuple[AdminUnit, str] | None:
        """The user's unit for a document and how it was given, or None."""
        path = Path(source_path).as_posix() if source_path else source_file
        for key in (doc_id, path, source_file):
            if key in self.by_file:
                return self.by_file[key], f"given by the user ({self.origin}: {key})"
        for key, unit in self.by_file.items():
            if path.endswith("/" + key.lstrip("./")):
                return unit, f"given by the user ({self.origin}: {key})"
        if self.default is not None:
            return self.default, f"given by the user (--region {self.default.adcode})"
        return None

    def unused(self, docs: Iterable[Document]) -> list[str]:
        """CSV keys that matched no document (a typo, or a file left out of the build)."""
        used = set()
        docs = list(docs)
        for key in self.by_file:
            for d in docs:
                path = Path(d.source_path).as_posix() if d.source_path else d.source_file
                if key in (d.doc_id, path, d.source_file) or path.endswith("/" + key.lstrip("./")):
                    used.add(key)
                    break
        return [k for k in self.by_file if k not in used]


def read_region_csv(path: str | Path) -> dict[str, AdminUnit]:
    """``file,adcode`` rows (a header row is optional) → file → unit; every problem said at once."""
    import csv

    path = Path(path)
    try:
        raw = path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{path}: cannot read the regions CSV ({exc}); give a UTF-8 file of file,adcode rows"
        raise InputError(msg) from exc
    out: dict[str, AdminUnit] = {}
    problems: list[str] = []
    rows = [r for r in csv.reader(raw.splitlines()) if any(c.strip() for c in r)]
    if rows and len(rows[0]) >= 2 and not rows[0][1].strip().isdigit():
        rows = rows[1:]  # header
    for n, row in enumerate(rows, 1):
        cells = [c.strip() for c in row]
        if len(cells) < 2 or not cells[0] or not cells[1]:
            problems.append(f"row {n}: want file,adcode, got {','.join(row)!r}")
            continue
        try:
            out[cells[0]] = unit_for_adcode(cells[1])
        except InputError as exc:
            problems.append(f"row {n} ({cells[0]}): {exc}")
    if not rows:
        problems.append("no rows; write one file,adcode row per file (e.g. chengde.txt,130800)")
    if problems:
        msg = f"{path.name}: " + "; ".join(problems)
        raise InputError(msg)
    return out


def apply_override(doc: Document, overrides: RegionOverrides | None) -> Document:
    """The document with the user's region, if the user gave one for it (``region_source="user"``)."""
    if overrides is None:
        return doc
    given = overrides.unit_for(source_path=doc.source_path, source_file=doc.source_file, doc_id=doc.doc_id)
    if given is None:
        return doc
    unit, how = given
    detected = doc.region.name if doc.region else "unknown"
    return replace(
        doc,
        region=unit,
        region_confidence=1.0,
        region_evidence=f"{how}; detected: {detected}",
        region_source="user",
    )
