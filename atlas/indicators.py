"""Indicator tables and numeric facts of plan documents.

A 十四五 plan states its targets in an indicator table (2020 base, 2025 target, growth, 预期性 or
约束性); a work report states them in prose (森林覆盖率达到18.9%). This module turns both into
frozen :class:`~atlas.models.Indicator` records with a canonical ``key`` so that regions can be
compared.

Tables are read in these layouts:

* delimited rows, one row per line (``| 1 | 森林覆盖率(%) | 20 | 22 | — | 约束性 |``), split on
  ``|``, tabs or wide runs of spaces (Markdown rules and merged Word cells are understood, and a
  row that wrapped onto the next line is joined again);
* one cell per line, with or without blank lines between, where an empty cell may be missing and
  a long cell may wrap onto the next line: rows are rebuilt from the row numbers and the
  attribute cell (预期性/约束性) that closes each row;
* cells separated by single spaces, as text taken from a PDF comes out;
* any of these with header words broken by spaces (``指 标``, ``属 性``).

A document often holds two tables, the review of the 13th plan (2015 / 2020 target / 2020 actual)
and the 14th-plan table (2020 / 2025); only tables whose header (or title) places them in the
14th plan are read, and their rows are never mixed with the review. Category rows (一、经济发展)
and group headings (3.城镇化率 over its sub-rows) are not indicators.

Prose facts are ecological statements with a number and a unit (森林覆盖率达到18.9%, 造林13.42万亩,
空气优良天数272天); changes (同比增加29天, 提高1.2个百分点) are not levels and are left out. A
fact in a review of the past, or stated for an earlier year, is a value reached (``base``); any
other is a goal (``target``).

>>> from atlas.models import Document
>>> t = "指标 | 2020年 | 2025年 | 属性\\n1.森林覆盖率(%) | 20.5 | >22 | 约束性\\n"
>>> d = Document("x", "", "fyp_outline", 2021, None, t, "x.txt", 0, len(t))
>>> row = indicators_from_document(d)[0]
>>> row.name, row.unit, row.base, row.target, row.target_value, row.key, row.ecological
('森林覆盖率', '%', '20.5', '>22', 22.0, 'forest_cover', True)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from atlas.extract.status import is_past_review
from atlas.models import Document, Indicator
from atlas.text import PERIOD_RE, PlanPeriod, fold, period_in, plan_period, sentence_start

__all__ = [
    "ECOLOGICAL_KEYS",
    "indicator_key",
    "indicators_from_document",
    "is_empty_cell",
    "value_of",
]

logger = logging.getLogger("atlas")

# ---------------------------------------------------------------------------------------------
# indicator concepts
# ---------------------------------------------------------------------------------------------
#: Canonical keys of indicator concepts, first match wins (so specific patterns come first).
#: The patterns are matched on the folded name without whitespace.
_KEY_RULES: tuple[tuple[str, str], ...] = (
    # environment and resources
    ("pm25", r"PM2\.?5|细颗粒物"),
    ("pm10", r"PM10|可吸入颗粒物"),
    (
        "good_air_ratio",
        r"(优良|良好|二级以上|Ⅱ级以上|II级以上).{0,3}天数.{0,2}(比例|比率|占比|比重)|空气.{0,4}优良率",
    ),
    ("good_air_days", r"(优良|良好|二级以上|Ⅱ级以上|II级以上|达标)天数"),
    ("water_poor", r"劣\s*(Ⅴ|V|五)\s*类"),
    ("drinking_water", r"饮用水.{0,10}(达标|合格|优良)"),
    (
        "water_quality",
        r"(地表水|水质|断面|水体|国考|省考).{0,16}(Ⅲ|III|3|三)\s*类|(Ⅲ|III)类.{0,8}(水体|断面)|水质.{0,4}(达标|优良)",
    ),
    ("co2_intensity", r"二氧化碳|碳排放|CO2"),
    ("energy_intensity", r"(单位|万元).{0,14}(能源消耗|能耗)"),
    ("energy_consumption_total", r"能源消费总量"),
    ("non_fossil_share", r"非化石能源"),
    ("coal_share", r"煤炭.{0,6}(消费)?(比重|占比)"),
    ("water_intensity", r"(单位|万元).{0,14}用水量|用水量.{0,4}(下降|降低)"),
    ("water_use_total", r"用水总量"),
    ("forest_stock", r"(森林|林木|活立木)(蓄积|积蓄)"),
    ("forest_cover", r"森林覆盖|林木覆盖率"),
    ("forest_grass_cover", r"林草覆盖率"),
    ("tree_cover", r"林木绿化率"),
    ("grassland_cover", r"草原.{0,4}(植被)?.{0,2}(盖度|覆盖度)|植被.{0,2}(盖度|覆盖度|覆盖率)"),
    ("wetland_protection", r"湿地保护率"),
    ("green_space", r"绿化覆盖率|绿地率|公园绿地"),
    ("soil_erosion", r"水土流失|水土保持率"),
    ("so2", r"二氧化硫"),
    ("cod", r"化学需氧量"),
    ("nox", r"氮氧化物"),
    ("ammonia", r"氨氮"),
    ("vocs", r"挥发性有机物"),
    ("pollutant_emissions", r"主要污染物"),
    ("sewage_treatment", r"污水.{0,6}(处理|收集)率"),
    ("waste_treatment", r"垃圾.{0,8}(处理|利用|分类).{0,2}率"),
    ("arable_land", r"耕地保有量|耕地面积"),
    ("farmland", r"永久基本农田"),
    ("construction_land", r"建设用地"),
    ("afforestation", r"造林|退耕还林|国土绿化"),
    ("restoration", r"(矿山|草原|湿地|生态).{0,2}(修复|恢复)|植被恢复|防沙治沙"),
    ("manure_use", r"粪污?.{0,4}(综合|资源化)?利用率"),
    # economy
    ("gdp_growth", r"(地区生产总值|生产总值|GDP|经济)(\([^()]*\))?.{0,3}(增长|增速)"),
    ("gdp", r"^(地区生产总值|生产总值|GDP|经济总量)(\([^()]*\))?(总量)?$"),
    ("gdp_per_capita", r"人均(地区)?生产总值|人均GDP"),
    ("labour_productivity", r"劳动生产率"),
    ("urbanisation_registered", r"户籍人口城镇化率"),
    ("urbanisation", r"城镇化率"),
    ("industrial_firms", r"规(模以)?上工业企业(数量|户数|数)"),
    ("manufacturing_share", r"制造业增加值.{0,4}(占|比重)"),
    ("industry_share", r"工业增加值.{0,4}(占|比重)"),
    ("services_share", r"服务业增加值.{0,4}(占|比重)|服务业.{0,2}比重"),
    ("emerging_industry_share", r"战略性新兴产业"),
    ("digital_economy_share", r"数字经济"),
    ("high_tech_growth", r"高技术(制造业|产业)"),
    ("rd_spending", r"研究与试验发展|研发经费|R&D"),
    ("patents", r"发明专利"),
    ("broadband_5g", r"5G"),
    ("broadband", r"宽带|互联网.{0,2}普及"),
    ("tourism_revenue", r"旅游.{0,4}收入"),
    ("fixed_investment", r"固定资产投资"),
    ("retail_sales", r"社会消费品零售"),
    ("fiscal_revenue", r"(一般)?公共预算收入|财政收入"),
    ("grain_output", r"粮食.{0,8}(产量|生产能力)"),
    ("energy_output", r"能源.{0,6}(生产能力|产量)"),
    # people
    ("income_growth", r"可支配收入.{0,4}(增长|增速)"),
    ("income", r"可支配收入"),
    ("unemployment", r"失业率"),
    ("new_jobs", r"新增就业"),
    ("certified_workers", r"持证率"),
    ("education_years", r"受教育年限"),
    ("preschool_enrolment", r"入园率"),
    ("doctors", r"执业.{0,4}医师"),
    ("hospital_beds", r"医疗.{0,4}床位"),
    ("elderly_beds", r"养老.{0,2}床位"),
    ("pension_coverage", r"养老保险.{0,3}参保率"),
    ("childcare", r"托位"),
    ("life_expectancy", r"预期寿命"),
    ("infant_mortality", r"婴儿死亡率"),
    ("maternal_mortality", r"孕产妇死亡率"),
    ("sports_population", r"体育人口"),
    ("poverty", r"贫困人口|脱贫"),
    ("work_safety", r"安全事故|百万吨死亡率"),
)
_KEY_RE = tuple((key, re.compile(pat)) for key, pat in _KEY_RULES)

#: Keys of environment and resource indicators (the ``ecological`` flag).
ECOLOGICAL_KEYS: frozenset[str] = frozenset(
    {
        "pm25", "pm10", "good_air_ratio", "good_air_days", "water_poor", "drinking_water",
        "water_quality", "co2_intensity", "energy_intensity", "energy_consumption_total",
        "non_fossil_share", "coal_share", "water_intensity", "water_use_total", "forest_stock",
        "forest_cover", "tree_cover", "grassland_cover", "wetland_protection", "green_space",
        "soil_erosion", "so2", "cod", "nox", "ammonia", "vocs", "pollutant_emissions",
        "sewage_treatment", "waste_treatment", "arable_land", "farmland", "construction_land",
        "afforestation", "restoration", "manure_use", "forest_grass_cover",
    }
)  # fmt: skip

#: A table category (一、绿色生态 …) whose rows are environment/resource indicators.
_ECO_CATEGORY = re.compile(r"生态|环境|绿色|资源|低碳|环保")

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    """Folded text without any whitespace (for matching)."""
    return _SPACE.sub("", fold(text))


def indicator_key(name: str) -> str | None:
    """Canonical key of an indicator name, or None when it is not a known concept.

    Parameters
    ----------
    name : str
        The indicator name as written (row number and unit may still be attached).

    Returns
    -------
    str or None
        e.g. ``"forest_cover"`` for 森林覆盖率, ``"good_air_ratio"`` for 空气质量优良天数比率.

    Examples
    --------
    >>> indicator_key("单位地区生产总值能源消耗降低"), indicator_key("常住人口城镇化率")
    ('energy_intensity', 'urbanisation')
    """
    s = _squash(name)
    for key, rx in _KEY_RE:
        if rx.search(s):
            return key
    return None


# ---------------------------------------------------------------------------------------------
# cells and values
# ---------------------------------------------------------------------------------------------
_EMPTY = re.compile(r"^(?:[-—–―─﹣－−~～/·…_.]*|空|无|暂无|空白)$")
_OPERATOR = (
    r"(?:[<>≤≥＜＞≦≧]=?|不低于|不高于|不超过|不少于|大于|小于|高于|低于|约|控制在|达到|保持在|稳定在)?"
)
_VALUE = re.compile(
    rf"^{_OPERATOR}\**\[?\**(?P<num>[-+−﹣]?\d+(?:\.\d+)?)\**\]?\**"
    r"(?:%|‰|以上|以下|以内|左右)*(?P<tail>$|[(（].*)"
)


def is_empty_cell(cell: str | None) -> bool:
    """True for an empty table cell: blank, —, ——, ﹣, -, / or 空."""
    return cell is None or bool(_EMPTY.match(_squash(cell)))


def value_of(cell: str | None) -> float | None:
    """Numeric value of a table cell, or None when it is empty or text.

    Operators are dropped (``>8`` → 8.0), cumulative brackets too (``[5.75]`` → 5.75), and so are
    footnote marks (``*54.9`` → 54.9) and a trailing qualifier in parentheses
    (``3.76(户籍人口)`` → 3.76). Text such as 完成省定考核目标 and composite cells such as
    ``2/0/29`` have no value.

    Examples
    --------
    >>> value_of(">8"), value_of("[5.75]"), value_of("**75.28"), value_of("完成省定考核目标")
    (8.0, 5.75, 75.28, None)
    """
    if cell is None or is_empty_cell(cell):
        return None
    m = _VALUE.match(_squash(cell))
    if not m:
        return None
    num = m["num"].replace("−", "-").replace("﹣", "-")
    return float(num)


#: An indicator's attribute cell; it closes a row in the one-cell-per-line layout.
_ATTRIBUTE = re.compile(r"^(预期性?|约束性?|指导性)$")
_CATEGORY = re.compile(
    r"^(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）]|[▶►■□◆◇●○★☆▲△▼]|第[一二三四五六七八九十]+类)"
    r"|[(（]\s*\d+\s*[项个条类]\s*[)）]$"
)
_ROW_NUMBER_SAFE = re.compile(
    r"^\s*(?:[(（]\s*(?P<a>\d{1,3})\s*[)）]|(?P<b>\d{1,3})\s*[、，,]|(?P<c>\d{1,3})\s*[.．](?![\d%])|(?P<d>[①-⑳]))\s*"
)
_ROW_NUMBER_AMBIGUOUS = re.compile(r"^\s*(?P<n>\d{1,3})\s*(?:[.．](?=\d)|(?=[\u4e00-\u9fff]))")
_UNIT_START = re.compile(
    r"^\d*(?:\.\d+)?\s*(?:[万亿千百十元吨个%‰天年岁人户件亩米套张所家座处台辆次]|平方|立方|公)"
)
_NAME_AFTER_NUMBER = re.compile(r"^\d*[A-Za-z\u4e00-\u9fff]")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _row_number(text: str, expected: int | None = None) -> tuple[int, int] | None:
    """``(number, length)`` of a row number opening ``text`` (folded), or None.

    ``1.`` ``1、`` ``(1)`` ``①`` always count. ``10.5G…`` or ``29煤炭…`` (a number glued to the
    name) only count when the number is the one expected next and what follows is a name, not a
    value with a unit.
    """
    m = _ROW_NUMBER_SAFE.match(text)
    if m:
        if m["d"]:
            return _CIRCLED.index(m["d"]) + 1, m.end()
        num = int(m["a"] or m["b"] or m["c"])
        if m.end() < len(text):
            return num, m.end()
        return None
    m = _ROW_NUMBER_AMBIGUOUS.match(text)
    if m and expected is not None and int(m["n"]) == expected:
        rest = text[m.end() :]
        if _NAME_AFTER_NUMBER.match(rest) and not _UNIT_START.match(rest):
            return expected, m.end()
    return None


_UNIT_WORDS = (
    r"[\d./\s]|万|亿|千|百|十|元|美元|吨|标准煤|标煤|标准|煤|个|户|件|人|次|岁|年|天|日|张|套|亩|公顷|"
    r"平方米|平方公里|平方千米|立方米|方|公里|千米|米|微克|毫克|克|千克|度|千瓦时|千瓦|瓦|床|所|家|项|"
    r"辆|小时|分钟|‰|%|倍|座|处|条|台|部|册|份|位|kg|km|m|μg|mg|kW|kWh|h|t|L|³|²|每"
)
_UNIT_RE = re.compile(rf"(?:{_UNIT_WORDS})+")
_UNIT_PAREN = re.compile(r"[(（]([^()（）]{1,16})[)）]\s*$")
_TAG = re.compile(r"\s*【[^【】]*】\s*$")
_FOOTNOTE_TAIL = re.compile(r"[*※＊]+\s*$")


def _split_name(raw: str, expected: int | None) -> tuple[str, str | None, int | None]:
    """``(name, unit, row_number)`` of a name cell (original characters, not folded)."""
    text = raw.strip()
    number = None
    rn = _row_number(fold(text), expected)
    if rn is not None:
        number, n = rn
        text = text[n:].lstrip()
    text = _TAG.sub("", text)
    text = _FOOTNOTE_TAIL.sub("", text)
    unit = None
    m = _UNIT_PAREN.search(fold(text))
    if m and _UNIT_RE.fullmatch(m.group(1).strip()) and m.start() > 0:
        unit = text[m.start(1) : m.end(1)].strip()
        text = text[: m.start()].rstrip()
    return text, unit, number


# ---------------------------------------------------------------------------------------------
# header
# ---------------------------------------------------------------------------------------------
_NAME_HEADER = re.compile(r"^(?:主要)?指标(?:名称|项目|内容)?$|^(?:项目|名称|指标名)$")
_HEADER_CELL = re.compile(
    r"^(?:序号|编号|类别|领域|分类|维度|单位|计量单位|属性|指标属性|性质|类型|备注|"
    r"(?:19|20)\d\d年?[^\d]{0,8}|"
    r"[^\d()（）]{0,4}(?:目标|目标值|预期值|规划值|基期值?|现状值?|基数)|"
    r"[^\d()（）]{0,6}(?:年均|累计|增速|增长|增幅|变化)[^\d()（）]{0,8}|"
    r"规划目标|实现情况|完成情况|进展情况|实际完成|实际)$"
)
_YEAR = re.compile(r"(?:19|20)(\d\d)")


@dataclass(frozen=True)
class _Cell:
    text: str  # as written (stripped)
    start: int  # local offsets into the document text
    end: int

    @property
    def key(self) -> str:
        return _squash(self.text)


def _is_header_cell(cell: _Cell) -> bool:
    s = cell.key
    return bool(s) and len(s) <= 14 and bool(_NAME_HEADER.match(s) or _HEADER_CELL.match(s))


def _role(header: str, target: int = 2025) -> str:
    """Role of a header cell: number, name, unit, attribute, base, target, growth or other.

    ``target`` is the target year of the table's plan period (2025 for 十四五, 2030 for 十五五):
    that year's column is the target, earlier years are bases, later ones other.
    """
    s = header
    if re.match(r"^(序号|编号)$", s):
        return "number"
    if _NAME_HEADER.match(s):
        return "name"
    if re.match(r"^(计量)?单位$", s):
        return "unit"
    if re.search(r"类别|领域|分类|维度", s):
        return "category"
    if re.search(r"属性|性质|类型", s):
        return "attribute"
    m = _YEAR.search(s)
    if m:
        year = 2000 + int(m.group(1)) if s.startswith("20") else 1900 + int(m.group(1))
        if year == target:
            return "target"
        return "base" if year < target else "other"
    if re.search(r"年均|累计|增速|增长|增幅|变化", s):
        return "growth"
    if re.search(r"目标|规划值|预期值", s):
        return "target"
    if re.search(r"基期|现状|基数", s):
        return "base"
    return "other"


def _roles(header: Sequence[_Cell], target: int = 2025) -> list[str]:
    """Roles of the header cells; of several base years (2015, 2020) only the last is the base."""
    roles = [_role(c.key, target) for c in header]
    bases = [k for k, r in enumerate(roles) if r == "base"]
    for k in bases[:-1]:
        roles[k] = "other"
    return roles


@dataclass
class _Table:
    title: str
    header: list[_Cell]
    layout: str  # "rows", "cells" or "spaced"
    sub_header: list[_Cell] = field(default_factory=list)  # further header lines (classification only)
    rows: list[list[_Cell]] = field(default_factory=list)  # "rows" layout
    widths: list[int] = field(default_factory=list)  # cells per row line, trailing empty ones included
    categories: list[str] = field(default_factory=list)  # "spaced" layout: the category of each row
    cells: list[_Cell] = field(default_factory=list)  # "cells" layout
    period: PlanPeriod = field(default_factory=lambda: PlanPeriod(14))  # set from the document

    @property
    def span(self) -> tuple[int, int]:
        """Local offsets from the header to the last cell."""
        cells = [*self.header, *self.sub_header, *self.cells, *(c for r in self.rows for c in r)]
        return min(c.start for c in cells), max(c.end for c in cells)

    @property
    def header_text(self) -> str:
        return "".join(c.key for c in [*self.header, *self.sub_header])

    @property
    def target_year(self) -> int:
        return self.period.target_year

    def is_current_plan(self) -> bool:
        """True for a table of the document's plan period (十四五: 2020 base, 2025 target; 十五五:
        2025 base, 2030 target); False for the review of the period before it."""
        head, title = self.header_text, _squash(self.title)
        period, previous = self.period, self.period.previous
        if not any(
            r in ("base", "target", "growth")
            for r in _roles([*self.header, *self.sub_header], self.target_year)
        ):
            return False  # a list of projects or measures, not of indicators
        if str(period.target_year) in head:
            return True
        review = re.compile(
            rf"{previous.base_year}|{previous.base_year + 1}|{previous.name}|实现情况|完成情况|进展情况|实际完成|实际"
        )
        if review.search(head) or previous.name in title:
            return False
        return period.name in title or any(_role(c.key, self.target_year) == "target" for c in self.header)


def table_period(doc_period: PlanPeriod | None, header_text: str) -> PlanPeriod:
    """The plan period of one table: the document's, or a later one when the table's column years
    end there (a 2025 / 2030 table in a document read as 十四五 is a 十五五 table)."""
    latest = _latest_period(header_text)
    if doc_period is None:
        return latest or PlanPeriod(14)
    return latest if latest is not None and latest.number > doc_period.number else doc_period


def _latest_period(text: str) -> PlanPeriod | None:
    """The latest period whose base and target years are both written in ``text`` (2025 and 2030
    → 十五五); without such a pair, the one of the earliest year ending in 0 or 5 (a 2035 column
    is the long-range vision, not a period)."""
    years = {int(y) for y in re.findall(r"20\d\d", text)}
    pairs = [y for y in years if y % 5 == 0 and y - 5 in years]
    ends = pairs or [min((y for y in years if y % 5 == 0), default=0)]
    return PlanPeriod.containing(max(ends)) if max(ends) else None


def document_period(doc: Document) -> PlanPeriod | None:
    """The plan period a document speaks in (see :func:`atlas.text.plan_period`)."""
    return plan_period(doc.text, title=doc.title, year=doc.year)


# ---------------------------------------------------------------------------------------------
# finding tables
# ---------------------------------------------------------------------------------------------
_LINE = re.compile(r"[^\r\n]*")
_DELIMITER = re.compile(r"\||\t|[ \u3000\u2002\u2003]{2,}")
_WIDE_GAPS = re.compile(r"\S[ \u3000\u2002\u2003]{2,}\S")
_TABLE_END = re.compile(
    r"^(?:注|说明|备注|资料来源|数据来源)\s*[:：①1]|^第[一二三四五六七八九十\d]+[章节篇]|^专栏"
)
_MAX_CELL = 60


@dataclass(frozen=True)
class _Line:
    text: str  # folded, not stripped
    start: int
    end: int


def _lines(folded: str) -> list[_Line]:
    return [_Line(folded[m.start() : m.end()], m.start(), m.end()) for m in _LINE.finditer(folded)]


def _delimited(line: _Line) -> bool:
    t = line.text
    if "|" in t or "\t" in t.strip():
        return True
    return len(_WIDE_GAPS.findall(t)) >= 2


def _split_cells(line: _Line, text: str) -> tuple[list[_Cell], int]:
    """Cells of a delimited line (inner empty ones kept, trailing ones dropped) and the raw width."""
    t = line.text
    sep = "|" if "|" in t else ("\t" if "\t" in t.strip() else None)
    pieces: list[tuple[int, int]] = []
    pos = 0
    if sep:
        for part in t.split(sep):
            pieces.append((pos, pos + len(part)))
            pos += len(part) + 1
    else:
        for m in _DELIMITER.finditer(t):
            pieces.append((pos, m.start()))
            pos = m.end()
        pieces.append((pos, len(t)))
    cells = []
    for a, b in pieces:
        raw = text[line.start + a : line.start + b]
        lead = len(raw) - len(raw.lstrip())
        stripped = raw.strip()
        s = line.start + a + lead
        cells.append(_Cell(stripped, s, s + len(stripped)))
    if sep == "|":
        if t.lstrip().startswith("|") and cells and not cells[0].text:
            cells = cells[1:]
        if t.rstrip().endswith("|") and cells and not cells[-1].text:
            cells = cells[:-1]
    width = len(cells)
    while cells and not cells[-1].text:
        cells.pop()
    return cells, width


def _line_cell(line: _Line, text: str) -> _Cell:
    """A whole line as one cell (stripped)."""
    raw = text[line.start : line.end]
    lead = len(raw) - len(raw.lstrip())
    s = raw.strip()
    return _Cell(s, line.start + lead, line.start + lead + len(s))


def _title_before(lines: list[_Line], i: int) -> str:
    """The non-empty lines just before line ``i`` (a table's caption)."""
    out: list[str] = []
    j = i - 1
    while j >= 0 and len(out) < 2:
        s = lines[j].text.strip()
        if s:
            out.append(s[:120])
        j -= 1
    return " ".join(reversed(out))


def _is_header_row(cells: Sequence[_Cell]) -> bool:
    keys = [c.key for c in cells if c.key]
    if not any(_NAME_HEADER.match(k) for k in keys):
        return False
    return sum(bool(_HEADER_CELL.match(k)) for k in keys) >= 1


def _tables(text: str, folded: str) -> Iterator[_Table]:
    lines = _lines(folded)
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if _delimited(line):
            tables, i = _read_delimited(lines, i, text)
            yield from tables
            continue
        if len(line.text) <= 80 and _SPACED_HEADER.match(_SPACE.sub("", line.text)):
            table, j = _read_spaced(lines, i, text)
            if table is not None:
                yield table
                i = j
                continue
        if len(line.text) <= 24 and _NAME_HEADER.match(_SPACE.sub("", line.text)):
            table, j = _read_cells(lines, i, text)
            if table is not None:
                yield table
                i = j
                continue
        i += 1


def _read_delimited(lines: list[_Line], i: int, text: str) -> tuple[list[_Table], int]:
    """The tables in the block of delimited lines starting at line ``i``, and the line after it."""
    n = len(lines)
    tables: list[_Table] = []
    pre: list[str] = [_title_before(lines, i)]
    current: _Table | None = None
    j = i
    while j < n:
        if not lines[j].text.strip():
            j += 1
            continue
        if not _delimited(lines[j]):
            squashed = _SPACE.sub("", lines[j].text)
            if current is None or len(squashed) > 40 or not _CATEGORY.search(squashed):
                break
            # a category line written without delimiters (一、经济发展) inside the table
            cells, width = [_line_cell(lines[j], text)], 1
        else:
            cells, width = _split_cells(lines[j], text)
        j += 1
        first = cells[0].key if cells else ""
        if _is_header_row(cells):
            current = _Table(" ".join(pre), list(cells), "rows")
            tables.append(current)
            pre = []
        elif current is None:
            pre.append(" ".join(c.text for c in cells if c.text))
        elif not current.rows and cells and all(_is_header_cell(c) for c in cells if c.text):
            current.sub_header.extend(cells)
        elif _TABLE_END.match(first):
            current, pre = None, []
        else:
            current.rows.append(cells)
            current.widths.append(width)
    return tables, j


def _read_cells(lines: list[_Line], i: int, text: str) -> tuple[_Table | None, int]:
    """Read a one-cell-per-line table whose name header is line ``i``."""
    n = len(lines)

    def cell_at(k: int) -> _Cell:
        return _line_cell(lines[k], text)

    header = [cell_at(i)]
    # a number column (序号) written just before the name header
    k = i - 1
    while k >= 0 and not lines[k].text.strip():
        k -= 1
    if k >= 0 and re.fullmatch(r"序号|编号", _SPACE.sub("", lines[k].text)):
        header.insert(0, cell_at(k))
    j = i + 1
    while j < n:
        s = lines[j].text.strip()
        if not s:
            j += 1
            continue
        c = cell_at(j)
        if _is_header_cell(c) and not _NAME_HEADER.match(c.key) and len(header) < 12:
            header.append(c)
            j += 1
            continue
        break
    if len(header) < 3:
        return None, i + 1
    cells: list[_Cell] = []
    while j < n:
        s = lines[j].text.strip()
        if not s:
            j += 1
            continue
        if len(_squash(s)) > _MAX_CELL or _TABLE_END.match(s) or _NAME_HEADER.match(_squash(s)):
            break
        if _delimited(lines[j]):
            break
        cells.append(cell_at(j))
        j += 1
    return _Table(_title_before(lines, i), header, "cells", cells=cells), j


#: A header line whose cells are separated by single spaces (text taken from a PDF).
_SPACED_HEADER = re.compile(r"^(?:序号)?(?:主要)?指标(?:名称)?.*(?:属性|性质|20\d\d)")
_SPACED_ROLE = re.compile(
    r"(?P<number>序号|编号)|(?P<name>指标名称|指标|项目|名称)|(?P<unit>计量单位|单位)"
    r"|(?P<year>(?:19|20)\d\d年?(?:规划目标|目标值?|基期值?|预期值?|实际|现状值?)?)"
    r"|(?P<growth>(?:年均|累计)[^\d属性]{0,10})|(?P<target>规划目标|目标值?)|(?P<attr>属性|性质)"
)
_TOKEN = re.compile(r"\S+")


def _read_spaced(lines: list[_Line], i: int, text: str) -> tuple[_Table | None, int]:
    """Read a table whose cells are separated by single spaces, header at line ``i``.

    Header words may be broken by spaces (指 标), so the header is read from its squashed text;
    each row is a line of tokens: row number, name (one or more tokens), values, attribute.
    """
    squashed = _SPACE.sub("", lines[i].text)
    start = lines[i].start + len(lines[i].text) - len(lines[i].text.lstrip())
    header = [_Cell(m.group(0), start, start) for m in _SPACED_ROLE.finditer(squashed)]
    if len(header) < 3 or not any(_YEAR.search(c.key) or _role(c.key) in ("target", "base") for c in header):
        return None, i + 1
    table = _Table(_title_before(lines, i), header, "spaced")
    category = ""
    pending: list[_Cell] = []  # a group heading or the first part of a wrapped name
    j = i + 1
    while j < len(lines):
        line = lines[j]
        if not line.text.strip():
            j += 1
            continue
        if len(line.text) > 160 or _TABLE_END.match(line.text.strip()):
            break
        tokens = [
            _Cell(
                text[line.start + m.start() : line.start + m.end()],
                line.start + m.start(),
                line.start + m.end(),
            )
            for m in _TOKEN.finditer(line.text)
        ]
        squashed = "".join(t.key for t in tokens)
        if _CATEGORY.search(squashed):
            category, pending = "".join(t.text for t in tokens), []
            j += 1
            continue
        if all(_is_header_cell(t) for t in tokens):
            table.sub_header.extend(tokens)
            j += 1
            continue
        first = 1 if re.fullmatch(r"\d{1,3}", tokens[0].key) and len(tokens) > 1 else 0
        k = first + 1
        while k < len(tokens) and not _is_value_like(tokens[k]) and not _is_attribute(tokens[k]):
            k += 1
        if k == len(tokens):  # no value: a group heading or a wrapped name, or the table is over
            if len(squashed) > 40:
                break
            pending.append(_Cell(text[tokens[0].start : tokens[-1].end], tokens[0].start, tokens[-1].end))
            j += 1
            continue
        name = _Cell(text[tokens[first].start : tokens[k - 1].end], tokens[first].start, tokens[k - 1].end)
        names = [*pending[-1:], name] if pending and not first else [name]
        table.rows.append([*tokens[:first], *names, *tokens[k:]])
        table.categories.append(category)
        pending = []
        j += 1
    return (table if table.rows else None), j


# ---------------------------------------------------------------------------------------------
# rows
# ---------------------------------------------------------------------------------------------
_VALUE_WORDS = re.compile(
    r"完成|达到|控制|下达|要求|以内|以上|以下|不低于|不高于|不超过|保持|稳定|确保|力争|按|省定|市定|考核|核定|预计|左右|同步"
)


def _is_value_like(cell: _Cell) -> bool:
    s = cell.key
    if is_empty_cell(s) or _VALUE.match(s) or re.match(r"^[\[<>≤≥*]*[-+]?\d", s):
        return True
    if _UNIT_PAREN.search(s) or _row_number(s) is not None:
        return False
    return bool(_VALUE_WORDS.search(s))


def _is_attribute(cell: _Cell) -> bool:
    return bool(_ATTRIBUTE.match(cell.key))


def _attribute(cell: _Cell | None) -> str | None:
    if cell is None or not cell.key:
        return None
    s = cell.key
    if s.startswith("预期"):
        return "预期性"
    if s.startswith("约束"):
        return "约束性"
    return cell.text


@dataclass
class _Row:
    name_cells: list[_Cell]
    values: dict[str, _Cell | None]
    attribute: _Cell | None
    unit_cell: _Cell | None
    category: str
    start: int
    end: int


def _cell_rows(table: _Table) -> Iterator[tuple[list[_Cell], str]]:
    """Rows of a one-cell-per-line table (with the category they sit in)."""
    current: list[_Cell] = []
    category = ""
    last = 0
    roles = _roles(table.header, table.target_year)
    has_number = "number" in roles
    n_values = sum(r in ("base", "target", "growth", "other", "unit") for r in roles)
    for cell in table.cells:
        s = cell.key
        if _CATEGORY.search(s):
            if current:
                yield current, category
            current, category = [], cell.text
            continue
        if has_number and not current and re.fullmatch(r"\d{1,3}", s):
            current = [cell]
            continue
        if _is_attribute(cell):
            current.append(cell)
            yield current, category
            current = []
            continue
        rn = _row_number(s, last + 1)
        if rn is not None:
            last = rn[0]
            starts_row = not (has_number and len(current) == 1 and re.fullmatch(r"\d{1,3}", current[0].key))
            if current and starts_row:
                yield current, category
                current = []
            current.append(cell)
            continue
        if current and not _is_value_like(cell) and len(current) > n_values + 1:
            # a complete row without attribute, then a new name
            yield current, category
            current = []
        current.append(cell)
    if current:
        yield current, category


def _resolve_names(cells: list[_Cell]) -> list[_Cell]:
    """Join a wrapped name, or drop a group heading (3.城镇化率) in front of its sub-row."""
    out = [cells[0]]
    for cell in cells[1:]:
        prev = "".join(c.key for c in out)
        name, _, _ = _split_name(cell.text, None)
        complete = _UNIT_PAREN.search(prev) is not None
        if not complete and len(_squash(name)) <= 5:
            out.append(cell)  # a wrapped name: 每千名老年人拥有养老床 / 位数(张)
        else:
            out = [cell]  # a group heading followed by its sub-row
    return out


def _assign(values: list[_Cell], roles: list[str]) -> dict[str, _Cell | None]:
    """Map the value cells of a row onto the value columns of the header."""
    values = list(values)
    # too many cells: join a wrapped value (控制在6 / 以内)
    while len(values) > len(roles):
        pairs = [
            i
            for i in range(len(values) - 1)
            if not is_empty_cell(values[i].key) and not is_empty_cell(values[i + 1].key)
        ]
        # the tail of a wrapped cell holds no digits (以内, 增幅), nor, best, does its head
        # (完成省定 / 考核目标); failing that, the tail does not start with a number
        k = next((i for i in pairs if not re.search(r"\d", values[i].key + values[i + 1].key)), None)
        if k is None:
            k = next((i for i in pairs if not re.search(r"\d", values[i + 1].key)), None)
        if k is None:
            k = next((i for i in pairs if not re.match(r"^[\[<>≤≥*]*[-+]?\d", values[i + 1].key)), None)
        if k is None:
            values = values[: len(roles)]
            break
        a, b = values[k], values[k + 1]
        values[k : k + 2] = [_Cell(a.text + b.text, a.start, b.end)]
    out: dict[str, _Cell | None] = dict.fromkeys(roles)
    if len(values) == len(roles):
        for role, cell in zip(roles, values, strict=True):
            if out.get(role) is None:
                out[role] = cell
        return out
    # too few cells (an empty cell was dropped): cumulative [..] goes to growth, the rest in order
    free = list(roles)
    rest = []
    for cell in values:
        if "growth" in free and cell.key.startswith("["):
            out["growth"] = cell
            free.remove("growth")
        else:
            rest.append(cell)
    for role, cell in zip(free, rest, strict=False):
        out[role] = cell
    return out


def _joined_rows(table: _Table, width: int) -> Iterator[list[_Cell]]:
    """Rows of a delimited table, with a row that wrapped onto the next line joined again.

    A wrapped line is narrower than the header (fewer bars), has no empty or attribute cell,
    together with the next line gives exactly the header's width, and its last cell reads as the
    start of a name that the next line finishes (see :func:`_resolve_names`); a group heading
    (3.城镇化率 | | | |) is left alone.
    """
    rows, widths = table.rows, table.widths
    k = 0
    while k < len(rows):
        cells = rows[k]
        if (
            k + 1 < len(rows)
            and len(cells) >= 1
            and widths[k] < width
            and not any(_is_attribute(c) for c in cells)
            and len(cells) + len(rows[k + 1]) - 1 == width
            and widths[k] == len(cells)
            and all(c.text for c in cells)
            and len(_resolve_names([cells[-1], rows[k + 1][0]])) == 2
        ):
            a, b = cells[-1], rows[k + 1][0]
            yield [*cells[:-1], _Cell(a.text + b.text, a.start, b.end), *rows[k + 1][1:]]
            k += 2
            continue
        yield cells
        k += 1


def _rows(table: _Table) -> Iterator[_Row]:
    roles = _roles(table.header, table.target_year)
    value_roles = [r for r in roles if r not in ("number", "name", "attribute", "category")]
    if table.layout == "spaced":
        for cells, category in zip(table.rows, table.categories, strict=True):
            row = _loose_row(cells, value_roles, category)
            if row is not None:
                yield row
        return
    if table.layout == "cells":
        for cells, category in _cell_rows(table):
            row = _loose_row(cells, value_roles, category)
            if row is not None:
                yield row
        return
    category = ""
    for cells in _joined_rows(table, len(roles)):
        filled = [c for c in cells if c.text]
        if not filled or all(is_empty_cell(c.text) for c in filled):
            continue  # blank or a Markdown rule (|---|---|)
        if len(filled) == 1 or len({c.key for c in filled}) == 1:
            # a category (merged cells repeat their text) or a group heading
            category = filled[0].text if _CATEGORY.search(filled[0].key) else category
            continue
        if len(cells) == len(roles):
            by_role: dict[str, list[_Cell]] = {}
            for role, cell in zip(roles, cells, strict=True):
                by_role.setdefault(role, []).append(cell)
            names = [c for c in by_role.get("number", []) + by_role.get("name", []) if c.text]
            values = {r: c for r, c in zip(roles, cells, strict=True) if r in value_roles and c.text}
            if not names or (not values and not any(c.text for c in by_role.get("attribute", []))):
                if names and _CATEGORY.search(names[-1].key):
                    category = names[-1].text
                continue
            category = next((c.text for c in by_role.get("category", []) if c.text), category)
            attr = next((c for c in by_role.get("attribute", []) if c.text), None)
            row_values: dict[str, _Cell | None] = {r: values.get(r) for r in value_roles}
            yield _Row(names, row_values, attr, values.get("unit"), category, filled[0].start, filled[-1].end)
        else:
            row = _loose_row(filled, value_roles, category)
            if row is not None:
                yield row


def _loose_row(cells: list[_Cell], value_roles: list[str], category: str) -> _Row | None:
    """A row whose cells do not line up with the header: name cells, value cells, attribute."""
    attr = cells[-1] if cells and _is_attribute(cells[-1]) else None
    body = cells[:-1] if attr is not None else list(cells)
    if body and re.fullmatch(r"\d{1,3}", body[0].key) and len(body) > 1:
        number, body = [body[0]], body[1:]
    else:
        number = []
    if not body:
        return None
    k = 1
    while k < len(body) and not _is_value_like(body[k]):
        k += 1
    names, values = body[:k], body[k:]
    # a text value that looks like a name (贫困人口全部脱贫) when cells are missing, unless it is
    # a sub-row name with a unit or the tail of a wrapped name
    while len(names) > 1 and len(values) < len(value_roles) and not _UNIT_PAREN.search(names[-1].key):
        if len(_squash(names[-1].text)) <= 5 and not _UNIT_PAREN.search(names[-2].key):
            break
        values.insert(0, names.pop())
    if not values and attr is None:
        return None  # a category or group heading
    names = _resolve_names(names)
    assigned = _assign(values, value_roles)
    start = (number or names)[0].start
    end = (attr or (values[-1] if values else names[-1])).end
    return _Row(number + names, assigned, attr, assigned.get("unit"), category, start, end)


# ---------------------------------------------------------------------------------------------
# public entry point
# ---------------------------------------------------------------------------------------------
def _cell_text(cell: _Cell | None) -> str | None:
    if cell is None or is_empty_cell(cell.text):
        return None
    return cell.text


def _table_indicators(doc: Document, folded: str) -> tuple[list[Indicator], list[tuple[int, int]]]:
    """Rows of the current-plan tables, and the local spans of every table (review ones too)."""
    out: list[Indicator] = []
    spans: list[tuple[int, int]] = []
    region_code = doc.region.adcode if doc.region else ""
    seen: set[tuple[int, int]] = set()
    tables = list(_tables(doc.text, folded))
    # the period the document states; else the one its tables' column years end (2025 → 十四五)
    period = document_period(doc) or _latest_period(" ".join(t.header_text for t in tables))
    for table in tables:
        spans.append(table.span)
        table.period = table_period(period, table.header_text)
        if not table.is_current_plan():
            logger.debug("skipping a review table in %s: %s", doc.doc_id, table.header_text)
            continue
        target_year = table.target_year if str(table.target_year) in table.header_text else None
        last = 0
        for row in _rows(table):
            number_cells = [c for c in row.name_cells if re.fullmatch(r"\d{1,3}", c.key)]
            name_cells = [c for c in row.name_cells if c not in number_cells]
            if not name_cells:
                continue
            raw = "".join(c.text for c in name_cells)
            name, unit, number = _split_name(raw, last + 1)
            if number is None and number_cells:
                number = int(number_cells[0].key)
            if number is not None:
                last = number
            if not name or (row.start, row.end) in seen:
                continue
            seen.add((row.start, row.end))
            if row.unit_cell is not None and not is_empty_cell(row.unit_cell.text):
                unit = row.unit_cell.text
            key = indicator_key(name)
            base, target, growth = (row.values.get(r) for r in ("base", "target", "growth"))
            ecological = (key in ECOLOGICAL_KEYS) or bool(_ECO_CATEGORY.search(row.category))
            out.append(
                Indicator(
                    doc_id=doc.doc_id,
                    region_code=region_code,
                    name=name,
                    key=key,
                    unit=unit,
                    base=_cell_text(base),
                    target=_cell_text(target),
                    growth=_cell_text(growth),
                    attribute=_attribute(row.attribute),
                    ecological=ecological,
                    base_value=value_of(_cell_text(base)),
                    target_value=value_of(_cell_text(target)),
                    char_start=doc.to_source(row.start),
                    char_end=doc.to_source(row.end),
                    source="table",
                    year=target_year,
                )
            )
    return out, spans


def indicators_from_document(doc: Document) -> list[Indicator]:
    """Indicator-table rows of a document's 14th-plan table(s), then numeric facts from prose.

    Parameters
    ----------
    doc : Document
        A document from :func:`atlas.ingest.documents_from_paths`.

    Returns
    -------
    list of Indicator
        Table rows (``source="table"``) in table order, followed by prose facts
        (``source="prose"``) in text order. Offsets are source-file offsets.
    """
    folded = fold(doc.text)
    table, spans = _table_indicators(doc, folded)
    prose = _prose_indicators(doc, folded, skip=spans)
    logger.debug("%s: %d table rows, %d prose facts", doc.doc_id, len(table), len(prose))
    return table + prose


# ---------------------------------------------------------------------------------------------
# numeric facts in prose
# ---------------------------------------------------------------------------------------------
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
