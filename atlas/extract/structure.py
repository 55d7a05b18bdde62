"""Spatial-structure statements (一核两带三区, 双核双轴四片区, 东拓、北延、西优、南控): one mention per component.

A pattern is a run of at least two *components*, each a numeral (一, 两, 双, 多, 3 …) and a
structural word (核/心/中心 → core, 轴/横/纵/射/连 → axis, 带/廊/屏/环 → belt, 区/片区/组团/园 → zone,
点 → node), optionally separated by 、. It counts only in a sentence about space (布局, 格局,
空间, 结构, 体系 …); 一带一路 and patterns whose parts are not spatial (一中心多平台) are not items.

When the text goes on to say what a component is ("两心"即甲中心、乙中心), every named part
becomes a mention of its own; otherwise the component token itself (两心) is the mention.
"""

from __future__ import annotations

import re

from atlas.extract._common import folded_text, make_mention
from atlas.extract.status import status_at
from atlas.models import Document, Mention
from atlas.text import sentence_bounds

__all__ = ["ROLE_WORDS", "structure_mentions"]

#: Structural word → role (DESIGN.md: core/axis/belt/zone/node/other).
ROLE_WORDS: dict[str, str] = {
    "中心": "core", "核心": "core", "核": "core", "心": "core", "极": "core", "主": "core",
    "轴": "axis", "横": "axis", "纵": "axis", "射": "axis", "连": "axis", "脉": "axis", "线": "axis",
    "带": "belt", "廊": "belt", "廊道": "belt", "屏": "belt", "环": "belt", "路": "axis",
    "片区": "zone", "区": "zone", "片": "zone", "组团": "zone", "团": "zone", "园": "zone", "翼": "zone",
    "城": "zone", "板块": "zone", "基地": "zone", "源": "zone", "地": "zone", "连片": "zone",
    "点": "node", "节点": "node", "副": "node", "站": "node", "景观": "other",
}  # fmt: skip
_NUM = r"(?:[一二两三四五六七八九十双多几]|\d{1,2})(?:大)?"
_WORDS = "|".join(sorted(map(re.escape, ROLE_WORDS), key=len, reverse=True))
_COMPONENT = rf"{_NUM}(?:{_WORDS})"
_PATTERN_RE = re.compile(
    rf"(?<![\u4e00-\u9fff]){_COMPONENT}(?:[、,，]?{_COMPONENT})+(?![\u4e00-\u9fff])|“{_COMPONENT}(?:[、,，]?{_COMPONENT})+"
)
_COMPONENT_RE = re.compile(rf"(?P<num>{_NUM})(?P<word>{_WORDS})")
_DIRECTIONS_RE = re.compile(
    r"“(?P<p>[东西南北中][\u4e00-\u9fff](?:[、,，][东西南北中][\u4e00-\u9fff]){2,4})”"
)
_SPATIAL = re.compile(r"布局|格局|空间|结构|体系|规划|片区|城镇|发展方向|廊道|网络|架构|框架")
_NOT_SPATIAL = frozenset({"一带一路", "三区三线"})
_STRUCTURAL_END = re.compile(r"(?:区|带|轴|心|园|团|廊|路|线|点|镇|城|地|源|屏|环|道)$")
_DEFINE = r"[”\"]?\s*(?:是|即|为|指|:|：|分别为|分别是|包括)\s*"


def structure_mentions(doc: Document) -> list[Mention]:
    """Components of the spatial-structure statements of ``doc``.

    Parameters
    ----------
    doc
        The document.

    Returns
    -------
    list of Mention
        Theme ``structure``; ``kind`` and attr ``role`` are the component's role, attr ``pattern``
        the whole pattern as written, ``status`` from the verbs around it.
    """
    text = doc.text
    folded = folded_text(text)
    out: list[Mention] = []
    seen: set[tuple[int, int]] = set()
    for m in _PATTERN_RE.finditer(folded):
        a, b = m.span()
        if folded[a] == "“":
            a += 1
        pattern = folded[a:b]
        if pattern.replace("、", "") in _NOT_SPATIAL or len(pattern) < 4:
            continue
        sa, sb = sentence_bounds(folded, a, b)
        if not _SPATIAL.search(folded, sa, sb):
            continue
        status = status_at(doc, a, b)
        for c in _COMPONENT_RE.finditer(folded, a, b):
            role = ROLE_WORDS[c.group("word")]
            token = c.group()
            parts = _definition(folded, token, b, sb + 600)
            if parts:
                for pa, pb in parts:
                    if (pa, pb) not in seen:
                        seen.add((pa, pb))
                        attrs = {"kind": role, "role": role, "pattern": text[a:b], "status": status}
                        out.append(make_mention(doc, "structure", role, text[pa:pb], pa, pb, attrs))
            elif c.span() not in seen:
                seen.add(c.span())
                attrs = {"kind": role, "role": role, "pattern": text[a:b], "status": status}
                out.append(
                    make_mention(doc, "structure", role, text[c.start() : c.end()], c.start(), c.end(), attrs)
                )
    for m in _DIRECTIONS_RE.finditer(folded):
        a, b = m.span("p")
        status = status_at(doc, a, b)
        for part in re.finditer(r"[东西南北中][\u4e00-\u9fff]", folded[a:b]):
            pa, pb = a + part.start(), a + part.end()
            attrs = {"kind": "other", "role": "other", "pattern": text[a:b], "status": status}
            out.append(make_mention(doc, "structure", "other", text[pa:pb], pa, pb, attrs))
    return sorted(out, key=lambda x: (x.char_start, x.name))


def _definition(folded: str, token: str, start: int, stop: int) -> list[tuple[int, int]]:
    """Spans of the named parts in ``"两心"即甲中心、乙中心`` after ``start`` (or [])."""
    m = re.compile(rf"“?{re.escape(token)}{_DEFINE}").search(folded, start, min(stop, len(folded)))
    if m is None:
        return []
    end_m = re.compile(r"[,，;；。\n“]").search(folded, m.end())
    end = end_m.start() if end_m else len(folded)
    if end - m.end() > 80:
        return []
    parts: list[tuple[int, int]] = []
    pos = m.end()
    for piece in folded[m.end() : end].split("、"):
        a, b = pos, pos + len(piece)
        pos = b + 1
        lead = re.match(r"(?:以|指|即|是|为)+", piece)
        if lead:
            a += lead.end()
        cut = folded.find("为", a, b)
        if cut > a:
            b = cut
        if parts and not _STRUCTURAL_END.search(folded, parts[-1][0], parts[-1][1]):
            parts[-1] = (parts[-1][0], b)  # 甲和乙水源涵养、生物多样性保护片区: one part
        else:
            parts.append((a, b))
    split: list[tuple[int, int]] = []
    for pa, pb in parts:  # 甲中心和乙中心: two parts when both halves are structural
        j = next((k.start() for k in re.finditer(r"[和与及]", folded[pa:pb])), -1)
        if j > 0 and _STRUCTURAL_END.search(folded, pa, pa + j) and _STRUCTURAL_END.search(folded, pa, pb):
            split += [(pa, pa + j), (pa + j + 1, pb)]
        else:
            split.append((pa, pb))
    return [(pa, pb) for pa, pb in split if 2 <= pb - pa <= 40]
