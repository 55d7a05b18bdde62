"""Spaces left inside words where a text's lines were wrapped (a flattened PDF or web page)."""

from __future__ import annotations

from atlas.text import without_wrap_spaces


def _wrapped(text: str, width: int) -> str:
    return " ".join(text[i : i + width] for i in range(0, len(text), width))


PROSE = (
    "黔南州坚持生态优先，都匀毛尖茶园面积稳定在一百万亩以上，荔波樟江景区接待游客再创新高，"
    "平塘天文小镇配套设施不断完善，全州森林覆盖率达到百分之六十六，主要河流断面水质全部达标。"
)


def test_frequent_single_spaces_between_han_characters_are_removed():
    flat = _wrapped(PROSE, 17)
    assert " " in flat
    assert without_wrap_spaces(flat) == PROSE


def test_a_few_spaces_in_ordinary_text_are_kept():
    table = "指标 单位 目标\n森林覆盖率 % 66\n" + PROSE * 3  # a table's cells, then prose without wraps
    assert without_wrap_spaces(table) == table


def test_spaces_beside_digits_latin_or_punctuation_are_kept():
    flat = _wrapped(PROSE, 11) + " 2025 年 G75 高速，"
    out = without_wrap_spaces(flat)
    assert out.endswith(" 2025 年 G75 高速，") and "都匀毛尖" in out
