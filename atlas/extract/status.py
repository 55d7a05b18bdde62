"""Status of a mention (built / existing / under construction / planned / upgrade) from its context.

Two sources of evidence are combined:

1. the *section* the mention sits in: a document mixes its review of the last period
   ("十三五"发展成就, 2020年工作回顾) with the new plan. Headings (第一章 …, 第二节 …, 一、…) and
   paragraph openings ("十三五"以来…, "十四五"时期…) switch between the two; in a past review
   every feature is at least ``existing``;
2. the *verbs* around the mention in its sentence: 建成/通车/开通/贯通 → ``built``;
   开工/在建/加快建设 → ``under_construction``; 规划/谋划/前期/争取/新建 → ``planned``;
   改扩建/提升/创建4A → ``upgrade``; 依托/现有 → ``existing``.

>>> from atlas.models import Document
>>> t = "一、2020年工作回顾。建成甲乙公路。二、2021年工作安排。规划建设丙丁公路。"
>>> d = Document("x", "", "work_report", 2021, None, t, "x.txt", 0, len(t))
>>> status_at(d, t.index("甲"), t.index("甲") + 4), status_at(d, t.index("丙"), t.index("丙") + 4)
('built', 'planned')
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from atlas.models import Document
from atlas.text import PERIOD_RE, PlanPeriod, fold, period_mentions, plan_period, sentence_bounds

__all__ = ["document_period", "is_past_review", "status_at"]

# -- verb lexicon --------------------------------------------------------------------------------
# Longer cues first inside one alternation so that 改扩建 wins over 扩建, 加快建设 over 建设 …
_VERBS: tuple[tuple[str, str], ...] = (
    # upgrade
    (r"改扩建|扩能改造|提质改造|改造提升|提档升级|提质升级|提升改造|升级改造|拓宽改造|扩容改造", "upgrade"),
    (r"创建(?:国家)?\s*[345３４５]\s*A|创[345]A|晋升|升级|提升|提质|扩建|改建|拓宽|改造", "upgrade"),
    # built
    (
        r"建成通车|全线通车|建成投运|投入使用|投入运营|正式运营|建成|通车|开通|贯通|竣工|落成|通航|投运",
        "built",
    ),
    # under construction
    (r"开工建设|加快建设|加快推进|加快实施|加快|开工|在建|续建|推进.{0,2}建设|建设中", "under_construction"),
    # planned
    (r"规划建设|谋划|规划|前期|争取|筹建|拟建|申报", "planned"),
    # building verbs: a plan in a plan section, done in a review of the past
    (r"新建|启动|打造|布局|推进|实施|建设|创建|开发|修建|建起", "build"),
    # existing
    (r"依托|借助|利用|发挥|凭借|现有|已有|坐拥|拥有|境内|保护好|保护", "existing"),
)
_VERB_RE = re.compile("|".join(f"(?P<g{i}>{pat})" for i, (pat, _) in enumerate(_VERBS)))
_VERB_STATUS = {f"g{i}": status for i, (_, status) in enumerate(_VERBS)}
_WEAK = frozenset({"build", "existing"})
_RATING = re.compile(r"[345３４５]\s*A")

#: A verb cue is only searched inside the clause of the mention (and the lists it belongs to).
_CLAUSE_BREAK = re.compile(r"[,，;；。!！?？:：\n]")
#: Targets written in the future tense: a 建成 in 到2025年建成 is still a plan.
#: (The document's own plan period, 十四五 in a 十四五 plan, is a future cue too: see :func:`status_at`.)
_FUTURE = re.compile(r"到20[2-5]\d年|力争|确保|争取|将|年底前|年内|以前|之前|期间")

# -- section markers -----------------------------------------------------------------------------
_CN_NUM = "一二三四五六七八九十百零〇两"
#: 第一章 / 第二节 / 第三篇 headings at the start of a line.
_CHAPTER_RE = re.compile(
    rf"(?m)^[ \t\u3000]*第[{_CN_NUM}\d]+[章节篇部分]+[ \t\u3000]*(?P<head>[^\n]{{0,40}})"
)
#: 一、… headings, also inline in one-line documents (after a sentence end or a space).
_ITEM_RE = re.compile(rf"(?:^|(?<=[\s。!！]))[{_CN_NUM}]{{1,3}}、(?P<head>[^\n。]{{0,30}})", re.M)
#: Paragraph openings that start a review or a plan.
_PARA_RE = re.compile(
    rf"(?m)^[ \t\u3000]*(?P<head>“?(?:{PERIOD_RE.pattern})”?(?:时期|以来|期间|规划实施以来)"
    r"|过去(?:的)?五年|五年来|一年来|20[12]\d年(?:以来|是|,|，))"
)
#: Words of a review heading; a heading that names an earlier plan period than the document's is
#: one too (十三五 in a 十四五 plan, 十四五 in a 十五五 plan).
_PAST_HEAD = re.compile(r"回顾|成就|成效|发展基础|过去|五年来|一年来")
#: Words of a plan heading; naming the document's own period or a year after its base is one too.
_PLAN_HEAD = re.compile(r"目标|任务|安排|形势|环境|指导|要求|思路|远景|展望|原则|重点|主要")
_HEAD_YEAR = re.compile(r"(20\d\d)(?:年|$)")
#: Used when nothing in a document says which period it plans for.
_DEFAULT_PERIOD = PlanPeriod(14)


@lru_cache(maxsize=16)
def _folded(text: str) -> str:
    return fold(text)


@lru_cache(maxsize=16)
def _period(text: str, title: str, year: int | None) -> PlanPeriod:
    return plan_period(text, title=title, year=year) or _DEFAULT_PERIOD


def document_period(doc: Document) -> PlanPeriod:
    """The plan period ``doc`` speaks in (:func:`atlas.text.plan_period`; 十四五 when nothing says)."""
    return _period(doc.text, doc.title, doc.year)


def _names_past(head: str, period: PlanPeriod) -> bool:
    """True when the first period ``head`` names is earlier than ``period``."""
    named = period_mentions(head)
    return bool(named) and named[0].number < period.number


def _names_plan(head: str, period: PlanPeriod) -> bool:
    """True when ``head`` names ``period`` (or a later one), or a year after its base year."""
    if any(p.number >= period.number for p in period_mentions(head)):
        return True
    return any(int(y) > period.base_year for y in _HEAD_YEAR.findall(head))


@lru_cache(maxsize=16)
def _section_marks(text: str, number: int = 14) -> tuple[tuple[int, ...], tuple[bool, ...]]:
    """Offsets where the text switches between past review (True) and plan (False), sorted.

    ``number`` is the document's plan period (14 for 十四五).
    """
    period = PlanPeriod(number)
    folded = _folded(text)
    marks: list[tuple[int, bool | None]] = []
    for m in _CHAPTER_RE.finditer(folded):
        head = m.group("head")
        past = bool(_PAST_HEAD.search(head) or _names_past(head, period)) and not any(
            p.number >= period.number for p in period_mentions(head)
        )
        marks.append((m.start(), past))
    for m in _ITEM_RE.finditer(folded):
        head = m.group("head")
        first = period_mentions(head)[:1]
        if (_PAST_HEAD.search(head) or _names_past(head, period)) and not (
            first and first[0].number >= period.number
        ):
            # "2020年和“十三五”时期工作回顾": a review heading even when a year follows
            marks.append((m.start(), True))
        elif _PLAN_HEAD.search(head) or _names_plan(head, period):
            marks.append((m.start(), False))
    for m in _PARA_RE.finditer(folded):
        head = m.group("head")
        named = period_mentions(head)
        if named:
            marks.append((m.start(), named[0].number < period.number))
        elif any(cue in head for cue in ("五年", "一年来")):
            marks.append((m.start(), True))
        elif (year := _HEAD_YEAR.match(head)) is not None and int(year.group(1)) <= period.base_year:
            marks.append((m.start(), True))  # 2020年以来 in a 十四五 plan: the past period
    marks.sort(key=lambda x: x[0])
    offsets = tuple(o for o, _ in marks)
    flags = tuple(bool(p) for _, p in marks)
    return offsets, flags


def is_past_review(doc: Document, start: int) -> bool:
    """True when local offset ``start`` of ``doc.text`` lies in a review of the previous period.

    Parameters
    ----------
    doc
        The document.
    start
        Offset into ``doc.text`` (local, not source).

    Returns
    -------
    bool
        Whether the nearest section marker before ``start`` opens a past review.
    """
    offsets, flags = _section_marks(doc.text, document_period(doc).number)
    i = bisect.bisect_right(offsets, start) - 1
    return i >= 0 and flags[i]


@lru_cache(maxsize=16)
def _clause_breaks(folded: str) -> tuple[int, ...]:
    """Offsets of every clause break of the text (one pass, so that a long run-on sentence does
    not cost its length for every mention in it)."""
    return tuple(m.start() for m in _CLAUSE_BREAK.finditer(folded))


@lru_cache(maxsize=4096)
def _sentence_verbs(
    folded: str, sent_a: int, sent_b: int
) -> tuple[tuple[int, ...], tuple[re.Match[str], ...]]:
    """Verb cues of one sentence, in order, with their end offsets (found once per sentence)."""
    found = tuple(_VERB_RE.finditer(folded, sent_a, sent_b))
    return tuple(m.end() for m in found), found


def _last_verb(folded: str, sent_a: int, sent_b: int, hi: int) -> re.Match[str] | None:
    """The last verb cue a scan of ``folded[sent_a:hi]`` finds (``hi`` within the sentence)."""
    ends, found = _sentence_verbs(folded, sent_a, sent_b)
    k = bisect.bisect_right(ends, hi)
    if k < len(found) and found[k].start() < hi:  # a cue cut by ``hi``: scan its part again
        last = None
        for last in _VERB_RE.finditer(folded, found[k].start(), hi):  # noqa: B007
            pass
        if last is not None:
            return last
    return found[k - 1] if k else None


@lru_cache(maxsize=16)
def _future_cues(folded: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Starts and ends of every future-tense cue of the text."""
    found = list(_FUTURE.finditer(folded))
    return tuple(m.start() for m in found), tuple(m.end() for m in found)


@lru_cache(maxsize=64)
def _occurrences(folded: str, word: str) -> tuple[int, ...]:
    out, i = [], folded.find(word)
    while i >= 0:
        out.append(i)
        i = folded.find(word, i + 1)
    return tuple(out)


def _has_future(folded: str, sent_a: int, sent_b: int, period_name: str) -> bool:
    """A future cue or the document's own period named inside ``folded[sent_a:sent_b]``."""
    starts, ends = _future_cues(folded)
    k = bisect.bisect_left(starts, sent_a)
    if k < len(starts) and ends[k] <= sent_b:
        return True
    at = _occurrences(folded, period_name)
    k = bisect.bisect_left(at, sent_a)
    return k < len(at) and at[k] + len(period_name) <= sent_b


def _verb_status(folded: str, start: int, end: int, sent_a: int, sent_b: int) -> str | None:
    # clause before the mention: from the previous clause break (a 、 list stays in the clause)
    breaks = _clause_breaks(folded)
    k = bisect.bisect_left(breaks, start) - 1
    clause_a = breaks[k] + 1 if k >= 0 and breaks[k] >= sent_a else sent_a
    nxt = _CLAUSE_BREAK.search(folded, end, sent_b)
    clause_b = nxt.start() if nxt else sent_b
    before: str | None = None
    for m in _VERB_RE.finditer(folded, clause_a, start):
        before = _VERB_STATUS[m.lastgroup or ""]  # the cue closest to the mention wins
        if m.group().startswith("创") and _RATING.search(folded, start, clause_b):
            before = "upgrade"  # 创建甲4A级景区: a higher rating for an existing site
    nxt_cue = _VERB_RE.search(folded, end, clause_b)
    after = _VERB_STATUS[nxt_cue.lastgroup or ""] if nxt_cue is not None else None
    # a specific cue (建成, 改扩建, 开工 …) beats a generic one (推进, 实施, 依托 …)
    if before is not None and before not in _WEAK:
        return before
    if after is not None and after not in _WEAK:
        return after
    if before or after:
        return before or after
    # fall back to the sentence before the clause (a verb governing a long list)
    last = _last_verb(folded, sent_a, sent_b, clause_a) if clause_a > sent_a else None
    return None if last is None else _VERB_STATUS[last.lastgroup or ""]


def status_at(doc: Document, start: int, end: int) -> str | None:
    """Status of the feature written at ``doc.text[start:end]`` (LOCAL offsets).

    Parameters
    ----------
    doc
        The document the mention belongs to.
    start, end
        Span of the mention in ``doc.text``.

    Returns
    -------
    str or None
        ``"built"``, ``"existing"``, ``"under_construction"``, ``"planned"``, ``"upgrade"`` or
        None when neither the verbs nor the section say anything.
    """
    folded = _folded(doc.text)
    sent_a, sent_b = sentence_bounds(folded, start, end)
    status = _verb_status(folded, start, end, sent_a, sent_b)
    past = is_past_review(doc, start)
    if past:
        if status in ("build", "upgrade"):
            return "built"  # what a review reports as built or upgraded is done
        return status if status in ("built", "under_construction", "planned") else "existing"
    if status == "build":
        return "planned"
    if status == "built" and _has_future(folded, sent_a, sent_b, document_period(doc).name):
        return "planned"
    return status
