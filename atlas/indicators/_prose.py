"""Numeric ecological facts stated in prose (森林覆盖率达到18.9%, 造林13.42万亩)."""

from __future__ import annotations

import re

from atlas.extract.status import is_past_review
from atlas.indicators._header import document_period
from atlas.indicators._keys import indicator_key
from atlas.models import Document, Indicator
from atlas.text import PERIOD_RE, period_in, sentence_start

#: Ecological quantities stated as a level (森林覆盖率达到18.9%), longest spellings first.
_LEVEL_NAMES = (
    r"建成区绿化覆盖率|森林覆盖率|林木绿化率|林木覆盖率|林草覆盖率|森林(?:蓄积|积蓄)量|活立木蓄积量|"
    r"草原(?:综合)?植被(?:综合)?盖度|植被覆盖(?:率|度)|"
    r"(?:空气质量|空气|城区|县城|城市)?(?:优良|良好|二级以上)天数(?:比例|比率|占比)?|空气(?:质量)?优良率|"
    r"(?:PM2\.5|细颗粒物)(?:年均|平均)?浓度|(?:PM10|可吸入颗粒物)(?:年均|平均)?浓度|"
    r"(?:城市|城镇|县城|农村|生活)*污水(?:集中)?(?:处理|收集)率|"
    r"(?:城市|城镇|县城|农村|生活)*垃圾(?:无害化)?(?:处理|资源化利用)率|"
    r"人均公园绿地面积|湿地保护率|(?:集中式)?饮用水(?:水?源地?)?水质达标率|水土保持率|"
    r"(?:规模化)?(?:畜禽)?(?:养殖场?)?粪污?(?:综合|资源化)*利用率"
)
_LEVEL_UNITS = r"微克/立方米|μg/m3|μg/m³|万立方米|立方米|平方米|%|天"
#: Ecological work stated as an area (造林13.42万亩).
_AMOUNT_NAMES = (
    r"(?:植树|人工|荒山|生态|新增|累计|完成)?营?造林(?:绿化)?(?:面积)?|退耕还林(?:还草)?|国土绿化|"
    r"(?:水土流失(?:综合)?治理|治理水土流失)(?:面积)?|(?:矿山|草原)(?:生态)?修复|植被恢复|湿地(?:修复|恢复)|防沙治沙"
)
_AREA_UNITS = r"万公顷|公顷|万亩|亩|平方公里|平方千米|km2|km²"
_NUMBER = r"\d+(?:\.\d+)?"
_GAP = r"(?:[^,，。;；:：!！?？|\t\n\d、]|20\d\d\s*年)"
#: First characters of every name above (and digits): a cheap test before the alternation.
_PROSE_FIRST = r"(?=[建森林草植空城县优良二P细可农生污垃人湿集饮水规畜养粪荒新累完营造退国治矿防\d])"
_PROSE_RE = re.compile(
    rf"{_PROSE_FIRST}(?:(?P<lname>{_LEVEL_NAMES})(?P<lgap>{_GAP}{{0,14}}?)(?P<lnum>{_NUMBER})\s*(?P<lunit>{_LEVEL_UNITS})"
    rf"|(?P<aname>{_AMOUNT_NAMES})(?P<agap>{_GAP}{{0,8}}?)(?P<anum>{_NUMBER})\s*(?P<aunit>{_AREA_UNITS})"
    rf"|(?P<rnum>{_NUMBER})\s*(?P<runit>{_AREA_UNITS})(?:的)?(?P<rname>{_AMOUNT_NAMES}))"
)
#: 森林覆盖率、林木绿化率分别达到15.66%、39%
_RESPECTIVELY_RE = re.compile(
    rf"{_PROSE_FIRST}(?P<names>(?:{_LEVEL_NAMES})(?:[、和及与](?:{_LEVEL_NAMES}))+)(?P<gap>{_GAP}{{0,8}}?分别{_GAP}{{0,6}}?)"
    rf"(?P<vals>{_NUMBER}\s*(?:{_LEVEL_UNITS})?(?:\s*[、和及与]\s*{_NUMBER}\s*(?:{_LEVEL_UNITS})?)+)"
)
_LEVEL_NAME_RE = re.compile(_LEVEL_NAMES)
_VALUE_UNIT_RE = re.compile(rf"(?P<num>{_NUMBER})\s*(?P<unit>{_LEVEL_UNITS})?")
#: A change, not a level: 同比增加29天, 提高0.77个百分点, 年均增长0.82% (but 提高到/达到 are levels).
_CHANGE = re.compile(r"增加|提高|提升|增长|上升|下降|降低|减少|改善|同比|较上年|比上年|较|比")
_LEVEL_VERB = re.compile(r"(?:到|至|达|为|是|在)\s*$")
_FROM = re.compile(r"由|从")
_THEN_TO = re.compile(
    rf"[^,，。;；]{{0,8}}?(?:到|至)\s*(?:(?P<year>20\d\d)\s*年[底末]?的?)?(?P<num>{_NUMBER})\s*"
)
_YEAR_RE = re.compile(rf"(20\d\d)\s*年|(?:{PERIOD_RE.pattern})”?(?:末|期末)|今年|去年|上年|明年")
_FUTURE_RE = re.compile(r"到\s*20\d\d|至\s*20\d\d|力争|确保|争取|目标|预计|计划|今年|明年|要|将|努力")


def _year_before(text: str, doc_year: int | None) -> int | None:
    """The last year stated in ``text`` (the sentence before a fact)."""
    year = None
    for m in _YEAR_RE.finditer(text):
        token = m.group(0)
        if m.group(1):
            year = int(m.group(1))
        elif (period := period_in(token)) is not None:
            year = period.target_year  # 十四五末 → 2025
        elif doc_year is not None:
            year = doc_year + {"今年": 0, "明年": 1}.get(token, -1)
    return year


def _is_target(doc: Document, start: int, year: int | None, before: str) -> bool:
    """Whether a fact at local offset ``start`` is a goal (else a value reached)."""
    if year is not None and doc.year is not None and year != doc.year:
        return year > doc.year
    if is_past_review(doc, start):
        period = document_period(doc)
        return bool(_FUTURE_RE.search(before)) or (period is not None and period.name in before)
    return True


def _prose_indicators(doc: Document, folded: str, *, skip: list[tuple[int, int]]) -> list[Indicator]:
    """Ecological numeric facts stated in sentences (outside the tables)."""
    text = doc.text
    region_code = doc.region.adcode if doc.region else ""
    facts: list[tuple[int, int, str, str, str, int | None]] = []  # start, end, name, number, unit, year

    def inside_table(a: int) -> bool:
        return any(s <= a < e for s, e in skip)

    def sentence_before(a: int) -> str:
        return folded[sentence_start(folded, a, floor=max(0, a - 200)) : a]

    taken: list[tuple[int, int]] = []
    for m in _RESPECTIVELY_RE.finditer(folded):
        if inside_table(m.start()) or (_CHANGE.search(m["gap"]) and not _LEVEL_VERB.search(m["gap"])):
            continue
        names = list(_LEVEL_NAME_RE.finditer(folded, m.start("names"), m.end("names")))
        values = list(_VALUE_UNIT_RE.finditer(folded, m.start("vals"), m.end("vals")))
        if len(names) != len(values):
            continue
        shared_unit = next((v["unit"] for v in reversed(values) if v["unit"]), None)
        year = _year_before(sentence_before(m.start()) + folded[m.start() : m.start("vals")], doc.year)
        for n, v in zip(names, values, strict=True):
            unit = v["unit"] or shared_unit
            if unit:
                facts.append((n.start(), v.end(), text[n.start() : n.end()], v["num"], unit, year))
        taken.append(m.span())

    for m in _PROSE_RE.finditer(folded):
        if inside_table(m.start()) or any(a <= m.start() < b for a, b in taken):
            continue
        reached_from = None  # where the 到… part of a 由…到… change starts
        if m["lname"]:
            name_span, gap, num, unit, end = m.span("lname"), m["lgap"], m["lnum"], m["lunit"], m.end()
            if "分别" in gap or (_CHANGE.search(gap) and not _LEVEL_VERB.search(gap)):
                continue
            if _FROM.search(gap):  # 由2015年的20%提高到2020年的25%: keep the value reached
                after = _THEN_TO.match(folded, m.end())
                if after is None or not folded.startswith(unit, after.end()):
                    continue
                num, end, reached_from = after["num"], after.end() + len(unit), m.end()
        elif m["aname"]:
            name_span, num, unit, end = m.span("aname"), m["anum"], m["aunit"], m.end()
        else:
            name_span, num, unit, end = m.span("rname"), m["rnum"], m["runit"], m.end()
        start = min(name_span[0], m.start())
        if reached_from is not None:  # 由“十二五”末的41%提高到49%: the year of the value reached only
            year = _year_before(folded[reached_from:end], doc.year)
        else:
            year = _year_before(sentence_before(start) + folded[start:end], doc.year)
        facts.append((start, end, text[name_span[0] : name_span[1]], num, unit, year))

    out = []
    for start, end, name, num, unit, year in sorted(facts):
        future = _is_target(doc, start, year, sentence_before(start))
        key = indicator_key(name)
        value = float(num)
        out.append(
            Indicator(
                doc_id=doc.doc_id,
                region_code=region_code,
                name=name,
                key=key,
                unit=unit,
                base=None if future else num,
                target=num if future else None,
                growth=None,
                attribute=None,
                ecological=True,
                base_value=None if future else value,
                target_value=value if future else None,
                char_start=doc.to_source(start),
                char_end=doc.to_source(end),
                source="prose",
                year=year,
            )
        )
    return out
