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

The package follows the steps: ``_keys`` (canonical indicator concepts), ``_cells`` (cell values,
row numbers, units), ``_header`` (column roles, the table's plan period), ``_layouts`` (finding
tables in each layout), ``_rows`` (rows assigned to the roles → table indicators) and ``_prose``
(numeric facts in sentences).
"""

from __future__ import annotations

import logging

from atlas.indicators._cells import is_empty_cell, value_of
from atlas.indicators._keys import ECOLOGICAL_KEYS, indicator_key
from atlas.indicators._prose import _prose_indicators
from atlas.indicators._rows import _table_indicators
from atlas.models import Document, Indicator
from atlas.text import fold

__all__ = [
    "ECOLOGICAL_KEYS",
    "indicator_key",
    "indicators_from_document",
    "is_empty_cell",
    "value_of",
]

logger = logging.getLogger("atlas")


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
