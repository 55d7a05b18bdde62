"""Table cells: empty cells, numeric values, row numbers and units in a name cell."""

from __future__ import annotations

import re
from dataclasses import dataclass

from atlas.indicators._keys import _squash
from atlas.text import fold

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


@dataclass(frozen=True)
class _Cell:
    text: str  # as written (stripped)
    start: int  # local offsets into the document text
    end: int

    @property
    def key(self) -> str:
        return _squash(self.text)


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
