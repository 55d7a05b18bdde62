"""Table headers: the role of each column and the plan period a table belongs to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from atlas.indicators._cells import _Cell
from atlas.indicators._keys import _squash
from atlas.models import Document
from atlas.text import PlanPeriod, plan_period

_NAME_HEADER = re.compile(r"^(?:主要)?指标(?:名称|项目|内容)?$|^(?:项目|名称|指标名)$")
_HEADER_CELL = re.compile(
    r"^(?:序号|编号|类别|领域|分类|维度|单位|计量单位|属性|指标属性|性质|类型|备注|"
    r"(?:19|20)\d\d年?[^\d]{0,8}|"
    r"[^\d()（）]{0,4}(?:目标|目标值|预期值|规划值|基期值?|现状值?|基数)|"
    r"[^\d()（）]{0,6}(?:年均|累计|增速|增长|增幅|变化)[^\d()（）]{0,8}|"
    r"规划目标|实现情况|完成情况|进展情况|实际完成|实际)$"
)
_YEAR = re.compile(r"(?:19|20)(\d\d)")


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
