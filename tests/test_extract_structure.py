"""Tests of atlas.extract.structure on small hand-written sentences."""

from __future__ import annotations

import pytest

from atlas.extract.structure import structure_mentions
from atlas.models import Document


def _doc(text: str, *, start: int = 0) -> Document:
    return Document("t", "", "fyp_outline", 2021, None, text, "t.txt", start, start + len(text))


def _parts(text: str) -> list[tuple[str, str, str]]:
    return [(m.name, m.get("role"), m.get("pattern")) for m in structure_mentions(_doc(text))]


def test_components_with_roles_and_spans() -> None:
    text = "构建“一核两带三区”空间布局。"
    got = structure_mentions(_doc(text, start=7))
    assert [(m.name, m.kind, m.get("pattern")) for m in got] == [
        ("一核", "core", "一核两带三区"),
        ("两带", "belt", "一核两带三区"),
        ("三区", "zone", "一核两带三区"),
    ]
    assert [(m.char_start, m.char_end) for m in got] == [(10, 12), (12, 14), (14, 16)]


def test_double_cores_and_separated_components() -> None:
    assert [p[:2] for p in _parts("形成“双核双轴四片区”城镇布局体系。")] == [
        ("双核", "core"),
        ("双轴", "axis"),
        ("四片区", "zone"),
    ]
    assert [p[:2] for p in _parts("形成“一带、一环、两组团”的空间格局。")] == [
        ("一带", "belt"),
        ("一环", "belt"),
        ("两组团", "zone"),
    ]


def test_named_components_from_a_definition() -> None:
    text = "形成“两心一轴”的城镇空间结构,“两心”即东城中心和西城中心。"
    assert _parts(text) == [
        ("一轴", "axis", "两心一轴"),
        ("东城中心", "core", "两心一轴"),
        ("西城中心", "core", "两心一轴"),
    ]


def test_direction_pattern() -> None:
    assert [p[:2] for p in _parts("推进“东拓、北延、西优”城市发展。")] == [
        ("东拓", "other"),
        ("北延", "other"),
        ("西优", "other"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "积极融入“一带一路”建设,拓展空间。",
        "打造“一中心多平台”服务体系。",
        "划定“三区三线”,优化国土空间布局。",
        "坚持“四为四高两同步”总体思路。",
    ],
)
def test_not_spatial_structures(text: str) -> None:
    assert structure_mentions(_doc(text)) == []
