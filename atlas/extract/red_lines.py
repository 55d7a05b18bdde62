"""Ecological red-line statements: 生态保护红线, and 三区三线 / 三线一单 / 三条控制线 when they cover it.

A statement is the clause that names the red line plus the clause that follows it in the same
sentence (划定并严守生态保护红线, 严禁…开发活动). Several cues in one clause make one statement.

Not ecological: 耕地红线, safety red lines (安全红线 without 生态, 这条红线), 三条红线 of rural
reform, and resource quotas (用水效率控制红线, 污染物总量红线). 三线一单 counts when the clause
speaks of delimiting or controlling (划定, 管控, 约束, 准入, 成果), not when it is cited as a
requirement for something else.

Attributes: ``area_km2`` (平方公里/平方千米, 万亩 and 公顷 converted), ``share_pct`` (占…%),
``named_zone`` (太岳山—中条山水源涵养 in 坚守太岳山—中条山水源涵养生态保护红线), ``status``.
"""

from __future__ import annotations

import re

from atlas.extract._common import (
    admin_automaton,
    folded_text,
    is_generic,
    make_mention,
    name_start,
    region_code,
)
from atlas.extract.status import status_at
from atlas.models import Document, Mention
from atlas.text import sentence_bounds

__all__ = ["red_line_mentions"]

_WS = r"[ \t\u3000\u2002]*"
#: Cues of an ecological red-line statement.
_CUE_RE = re.compile(
    r"(?P<red>(?:生态(?:保护|安全)?|(?<=[的区地])保护)红线)"
    r"|(?P<zones>三区三线)"
    r"|(?P<list>三线一单)"
    r"|(?P<three>三条控制线|生态保护(?:红线)?"
    + _WS
    + r"[、,，和]"
    + _WS
    + r"永"
    + _WS
    + r"久"
    + _WS
    + r"基"
    + _WS
    + r"本"
    r"" + _WS + r"农" + _WS + r"田)"
)
#: Words that make a 红线 non-ecological when they stand right before it.
_NOT_ECO_BEFORE = re.compile(r"(?:耕地|耕地保护|总量|控制|纳污|安全(?<!生态安全))$")
#: 三线一单 must be delimited, controlled or applied, not merely cited.
_LIST_OK = re.compile(r"划定|管控|约束|准入|成果|分区|体系|落地|编制|实施|刚性")
_CLAUSE_END = re.compile(r"[,，;；。!！?？\n]")
_AREA_RE = re.compile(r"(\d+(?:\.\d+)?)" + _WS + r"(平方公里|平方千米|km2|km²|万亩|公顷)")
_SHARE_RE = re.compile(r"占[^,，。;；]{0,16}?(\d+(?:\.\d+)?)" + _WS + r"[%％]")
_TO_KM2 = {"平方公里": 1.0, "平方千米": 1.0, "km2": 1.0, "km²": 1.0, "万亩": 10_000 / 1500, "公顷": 0.01}


def red_line_mentions(doc: Document) -> list[Mention]:
    """Ecological red-line statements in ``doc``.

    Parameters
    ----------
    doc
        The document.

    Returns
    -------
    list of Mention
        Theme ``red_lines``, kind ``red_line``; ``char_start``/``char_end`` span the statement
        clause; attrs ``area_km2``, ``share_pct``, ``named_zone``, ``status``.
    """
    text = doc.text
    folded = folded_text(text)
    admin = admin_automaton(region_code(doc))
    statements: dict[tuple[int, int], dict] = {}
    for m in _CUE_RE.finditer(folded):
        a, b = m.span()
        clause_a = _clause_start(folded, a)
        clause_b = _clause_end(folded, b)
        clause = folded[clause_a:clause_b]
        if m.lastgroup == "red" and _NOT_ECO_BEFORE.search(folded, max(0, a - 4), a):
            continue
        if m.lastgroup == "list" and (
            not _LIST_OK.search(clause) or re.search(r"按照.{0,6}三线一单.{0,3}要求", clause)
        ):
            continue
        key = (clause_a, clause_b)
        if key in statements:
            continue
        zone = _named_zone(folded, a, m, admin) if m.lastgroup == "red" else None
        name_a = a - len(zone) if zone else a
        statements[key] = {"cue": (name_a, b), "zone": zone}
    out: list[Mention] = []
    for (clause_a, clause_b), info in sorted(statements.items()):
        end = _statement_end(folded, clause_b)
        sentence_a, sentence_b = sentence_bounds(folded, clause_a, clause_b)
        sentence = folded[sentence_a:sentence_b]
        cue_a, cue_b = info["cue"]
        attrs = {
            "kind": "red_line",
            "area_km2": _area(sentence),
            "share_pct": _share(sentence),
            "named_zone": text[cue_a : cue_a + len(info["zone"])] if info["zone"] else None,
            "status": status_at(doc, cue_a, cue_b),
        }
        mention = make_mention(doc, "red_lines", "red_line", text[cue_a:cue_b].strip(), clause_a, end, attrs)
        out.append(mention)
    return out


def _clause_start(folded: str, i: int) -> int:
    j = max(folded.rfind(ch, 0, i) for ch in ",，;；。!！?？\n")
    k = j + 1
    while k < i and folded[k].isspace():
        k += 1
    return k


def _clause_end(folded: str, i: int) -> int:
    m = _CLAUSE_END.search(folded, i)
    return m.start() if m else len(folded)


def _statement_end(folded: str, clause_b: int) -> int:
    """End of the statement: the clause and, within the sentence, the clause after it."""
    if clause_b >= len(folded) or folded[clause_b] not in ",，":
        return clause_b
    return _clause_end(folded, clause_b + 1)


def _named_zone(folded: str, a: int, m: re.Match[str], admin: object) -> str | None:
    """The zone named right before 生态保护红线 (太岳山—中条山水源涵养), or None."""
    p = name_start(folded, a, max_len=16, admin=admin)  # type: ignore[arg-type]
    zone = folded[p:a]
    if len(zone) < 2 or is_generic(zone) or zone in ("林草", "自然", "山水林田湖草"):
        return None
    return zone


def _area(sentence: str) -> float | None:
    m = _AREA_RE.search(sentence)
    if m is None or "红线" not in sentence:
        return None
    return round(float(m.group(1)) * _TO_KM2[m.group(2)], 3)


def _share(sentence: str) -> float | None:
    m = _SHARE_RE.search(sentence)
    return float(m.group(1)) if m and "红线" in sentence else None
