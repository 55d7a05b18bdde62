"""Finding indicator tables in text laid out as delimited rows, one cell per line or spaced cells."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from atlas.indicators._cells import _CATEGORY, _Cell, _is_attribute, _is_value_like
from atlas.indicators._header import _HEADER_CELL, _NAME_HEADER, _YEAR, _is_header_cell, _role, _Table
from atlas.indicators._keys import _SPACE, _squash

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
