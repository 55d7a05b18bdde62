"""Chinese-aware text helpers, all in one place.

Every helper that returns positions keeps offsets valid for the text it was given: ``fold`` is
length-preserving, so rules can match on folded text and report spans into the original.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

#: Characters that end a sentence (full-width and folded forms, and line breaks).
SENTENCE_END = "。！？；!?;\n"
#: One sentence end (for ``finditer``/``search`` by callers that walk sentences themselves).
SENTENCE_END_RE = re.compile(f"[{re.escape(SENTENCE_END)}]")
_SENTENCE_RE = re.compile(f"[^{re.escape(SENTENCE_END)}]+[{re.escape(SENTENCE_END)}]*")

#: Administrative suffixes, longest first, for stripping a unit name to its core.
ADMIN_SUFFIXES: tuple[str, ...] = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
    "街道办事处", "街道", "地区", "林区", "特区", "新区", "省", "市", "区", "县", "旗", "盟", "州",
    "镇", "乡", "苏木", "村", "社区", "嘎查",
)  # fmt: skip

_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


@lru_cache(maxsize=1)
def _bmp_folds() -> tuple[dict[str, str], re.Pattern[str]]:
    """Every BMP character whose one-character NFKC form differs, and a pattern matching them.

    Built once (~50 ms); Chinese text is mostly characters NFKC leaves alone, so substituting
    only the matches is several times faster than folding character by character.
    """
    table: dict[str, str] = {}
    for cp in range(0x80, 0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = _fold_char(ch)
        if folded != ch:
            table[ch] = folded
    codes = sorted(ord(c) for c in table)
    ranges, i = [], 0
    while i < len(codes):
        j = i
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        a, b = re.escape(chr(codes[i])), re.escape(chr(codes[j]))
        ranges.append(a if i == j else f"{a}-{b}")
        i = j + 1
    return table, re.compile("[" + "".join(ranges) + "]")


def fold(text: str) -> str:
    """NFKC-normalise character by character, keeping the length (and so every offset).

    Full-width ASCII becomes half-width (``（２０２０）`` → ``(2020)``); a character whose NFKC form
    is longer than one character (``㎡``) is kept as it is.
    """
    if text.isascii():
        return text
    if max(text) <= "\uffff":
        table, pattern = _bmp_folds()
        return pattern.sub(lambda m: table[m.group()], text)
    return "".join(_fold_char(ch) if ord(ch) > 127 else ch for ch in text)


def sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """Spans ``(a, b)`` of the sentences of ``text[start:end]`` (offsets into ``text``).

    Sentences end at 。！？； and line breaks; the terminator belongs to its sentence and
    leading whitespace is not part of any sentence.
    """
    stop = len(text) if end is None else end
    for m in _SENTENCE_RE.finditer(text, start, stop):
        a, b = m.span()
        while a < b and text[a].isspace():
            a += 1
        if a < b:
            yield a, b


@lru_cache(maxsize=16)
def _sentence_end_offsets(text: str) -> tuple[int, ...]:
    """Offsets of every sentence end of ``text``, found once: a long run-on sentence then costs a
    lookup, not its length, for every mention in it."""
    return tuple(m.start() for m in SENTENCE_END_RE.finditer(text))


def sentence_start(text: str, i: int, *, floor: int = 0) -> int:
    """Offset just after the last sentence end before ``i`` (``floor`` when there is none)."""
    ends = _sentence_end_offsets(text)
    k = bisect.bisect_left(ends, i) - 1
    return ends[k] + 1 if k >= 0 and ends[k] >= floor else floor


def sentence_end(text: str, i: int, *, ceiling: int | None = None) -> int:
    """Offset of the first sentence end at or after ``i`` (``ceiling`` or the text's end if none);
    the terminator itself is not included."""
    stop = len(text) if ceiling is None else ceiling
    ends = _sentence_end_offsets(text)
    k = bisect.bisect_left(ends, i)
    return ends[k] if k < len(ends) and ends[k] < stop else stop


def sentence_bounds(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """``(a, b)`` of the sentence holding ``text[start:end]``: from after the previous sentence
    end to the next one (terminator excluded). The one definition of a sentence used by every stage."""
    return sentence_start(text, start), sentence_end(text, start if end is None else end)


def strip_admin_suffix(name: str) -> str:
    """The core of an administrative name: 霍州市 → 霍州, 盐湖区 → 盐湖; never shorter than 2 chars."""
    for suffix in ADMIN_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def chinese_number(token: str) -> int | None:
    """Value of a Chinese (or Arabic) numeral: 十四 → 14, 二〇三五 → 2035, 两 → 2; None if not one."""
    token = fold(token.strip())
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if all(ch in _DIGITS for ch in token):  # digit by digit, as in years: 二〇二一
        return int("".join(str(_DIGITS[ch]) for ch in token))
    total = section = digit = 0
    seen = False
    for ch in token:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
            seen = True
        elif ch in _UNITS:
            unit = _UNITS[ch]
            if unit >= 10_000:
                total += (section + digit) * unit
                section = 0
            else:
                section += (digit or 1) * unit
            digit = 0
            seen = True
        else:
            return None
    return total + section + digit if seen else None


#: CJK unified ideographs (and extension A) as a regular-expression class.
HAN_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff]"
_HAN_RE = re.compile(HAN_CLASS)


def is_cjk(ch: str) -> bool:
    """True for a CJK unified ideograph (a character of :data:`HAN_CLASS`)."""
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"  # compared: called per character


#: One space between two Han characters (Chinese puts none between words).
_WRAP_SPACE_RE = re.compile(f"(?<={HAN_CLASS}) (?={HAN_CLASS})")
#: Share of Han characters followed by such a space above which a text's line breaks were turned
#: into spaces (a PDF or a web page flattened to one line per paragraph). Measured on the 2,758
#: corpus reports: ~100 have 10-40 per 1,000 Han characters, the others almost all under 1.
WRAP_SPACES_PER_HAN = 0.003


def without_wrap_spaces(text: str) -> str:
    """``text`` without the spaces left inside words where its lines were wrapped (嘉 峪关 → 嘉峪关).

    Only when such spaces are frequent (:data:`WRAP_SPACES_PER_HAN`): elsewhere a single space
    between Han characters may separate table cells or list items, and is kept. Not
    length-preserving: for counting names, not for offsets.
    """
    found = len(_WRAP_SPACE_RE.findall(text))
    if found < 5 or found < WRAP_SPACES_PER_HAN * len(_HAN_RE.findall(text)):
        return text
    return _WRAP_SPACE_RE.sub("", text)


# -- five-year plan periods -------------------------------------------------------------------------
#: A period written as 十三五 / “十四五” / 十五五, or 第十四个五年规划.
PERIOD_RE = re.compile(r"十([一二三四五六七八九])五|第十([一二三四五六七八九])个五年")


@dataclass(frozen=True)
class PlanPeriod:
    """A five-year plan period: the 14th (十四五) runs from its 2020 base to its 2025 target."""

    number: int

    @property
    def target_year(self) -> int:
        return 1955 + 5 * self.number

    @property
    def base_year(self) -> int:
        return self.target_year - 5

    @property
    def name(self) -> str:
        return f"十{'一二三四五六七八九'[self.number - 11]}五"

    @property
    def previous(self) -> PlanPeriod:
        return PlanPeriod(self.number - 1)

    @classmethod
    def containing(cls, year: int) -> PlanPeriod:
        """The period that ``year`` falls in (after its base year, up to its target year).

        2021–2025 → 十四五, 2026 → 十五五; a 2020 work report still speaks in the 十三五's last year.
        """
        return cls((year - 1956) // 5 + 1)


def _period_of(m: re.Match[str]) -> PlanPeriod:
    return PlanPeriod(10 + _DIGITS[m.group(1) or m.group(2)])


def period_in(text: str) -> PlanPeriod | None:
    """The plan period written at the start of ``text`` (十四五末 → 十四五), or None."""
    m = PERIOD_RE.match(text)
    return None if m is None else _period_of(m)


def period_mentions(text: str) -> list[PlanPeriod]:
    """Every plan period written in ``text``, in order (十一五 … 十九五)."""
    return [_period_of(m) for m in PERIOD_RE.finditer(text)]


def plan_period(text: str, *, title: str = "", year: int | None = None) -> PlanPeriod | None:
    """The period a document plans for, read from the document itself.

    The title decides when it names a period (the last one it names: …十四五规划和二〇三五年…);
    else the document's year (a 2026 work report speaks in the 十五五); else the period the text names
    most often, the later one on a tie. None when nothing says.
    """
    named = period_mentions(title)
    if named:
        return named[-1]
    if year is not None and 1990 <= year <= 2100:
        return PlanPeriod.containing(year)
    counts: dict[int, int] = {}
    for p in period_mentions(text):
        counts[p.number] = counts.get(p.number, 0) + 1
    if not counts:
        return None
    return PlanPeriod(max(counts, key=lambda n: (counts[n], n)))
