"""Rows of an indicator table: cells assigned to the header's roles, and the table's indicators."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from atlas.indicators._cells import (
    _CATEGORY,
    _UNIT_PAREN,
    _attribute,
    _Cell,
    _is_attribute,
    _is_value_like,
    _row_number,
    _split_name,
    is_empty_cell,
    value_of,
)
from atlas.indicators._header import _latest_period, _roles, _Table, document_period, table_period
from atlas.indicators._keys import _ECO_CATEGORY, ECOLOGICAL_KEYS, _squash, indicator_key
from atlas.indicators._layouts import _tables
from atlas.models import Document, Indicator

logger = logging.getLogger("atlas")


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
