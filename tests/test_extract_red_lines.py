"""Tests of atlas.extract.red_lines on small hand-written sentences."""

from __future__ import annotations

import pytest

from atlas.extract.red_lines import red_line_mentions
from atlas.models import Document


def _doc(text: str, *, start: int = 0) -> Document:
    return Document("t", "", "fyp_outline", 2021, None, text, "t.txt", start, start + len(text))


def _spans(text: str) -> list[str]:
    return [text[m.char_start : m.char_end] for m in red_line_mentions(_doc(text))]


def test_statement_clause_and_the_clause_after_it() -> None:
    text = "优化空间。划定并严守生态保护红线,严禁各类开发活动,提升质量。"
    got = red_line_mentions(_doc(text, start=50))
    assert len(got) == 1
    m = got[0]
    assert (m.char_start, m.char_end) == (55, 55 + len("划定并严守生态保护红线,严禁各类开发活动"))
    assert m.kind == "red_line" and m.name == "生态保护红线"
    assert (m.sentence_start, m.sentence_end) == (55, 50 + len(text))


def test_area_share_and_named_zone() -> None:
    text = "坚守青峰山—白云岭水源涵养生态保护红线,面积312.5平方公里,占全县国土面积的20.4%。"
    (m,) = red_line_mentions(_doc(text))
    assert m.get("named_zone") == "青峰山—白云岭水源涵养"
    assert m.get("area_km2") == 312.5
    assert m.get("share_pct") == 20.4
    assert m.name == "青峰山—白云岭水源涵养生态保护红线"


def test_three_control_lines_without_the_word_red_line() -> None:
    assert _spans("要依法划定生态保护、永久基本农田、城镇开发边界线。") == [
        "要依法划定生态保护、永久基本农田、城镇开发边界线"
    ]


def test_three_zones_three_lines_and_three_lines_one_list() -> None:
    assert _spans("统筹三大空间,划定“三区三线”。以“三线一单”划定成果为依据。") == [
        "划定“三区三线”",
        "以“三线一单”划定成果为依据",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "牢牢守住耕地红线，粮食播种面积稳中有增。",
        "食品药品监管要守住这条红线。",
        "改革中不能突破“三条红线”。",
        "把纳污能力控制红线落到每个断面。",
        "各类园区建设要符合按照“三线一单”的要求。",
    ],
)
def test_not_ecological_red_lines(text: str) -> None:
    assert red_line_mentions(_doc(text)) == []
