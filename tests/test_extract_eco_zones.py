"""Tests of atlas.extract.eco_zones on small hand-written sentences."""

from __future__ import annotations

import pytest

from atlas.extract.eco_zones import eco_zone_mentions
from atlas.models import Document


def _doc(text: str, *, start: int = 0) -> Document:
    return Document("t", "", "fyp_outline", 2021, None, text, "t.txt", start, start + len(text))


def _zones(text: str) -> list[tuple[str, str]]:
    return [(m.name, m.kind) for m in eco_zone_mentions(_doc(text))]


def test_rivers_in_an_ecological_list() -> None:
    text = "开展青溪河干流和石门河、柳沟、白水河等支流的水生态治理。"
    got = eco_zone_mentions(_doc(text, start=10))
    assert [(m.name, m.kind) for m in got] == [
        ("青溪河", "river"),
        ("石门河", "river"),
        ("柳沟", "river"),
        ("白水河", "river"),
    ]
    assert (got[0].char_start, got[0].char_end) == (12, 15)
    assert got[0].get("places") == ["青溪河"]


def test_watershed_is_one_item_not_a_river_too() -> None:
    assert _zones("加强青溪河流域生态保护修复。") == [("青溪河流域", "watershed")]


def test_river_outside_an_ecological_role_is_not_an_item() -> None:
    assert _zones("开展青溪河文化旅游节活动。") == []


def test_shared_suffix_wetlands() -> None:
    assert _zones("加快建设石湾、芦荡湿地。") == [("石湾湿地", "other"), ("芦荡湿地", "other")]


def test_shared_prefix_corridors() -> None:
    text = "青溪河(城关段)水利长廊、生态长廊全面建成。"
    assert _zones(text) == [("青溪河", "river"), ("青溪河(城关段)生态长廊", "eco_corridor")]


def test_function_zone_with_enumerated_functions() -> None:
    text = "“一片”是松岭和鹤山水源涵养、生物多样性保护片区。"
    got = eco_zone_mentions(_doc(text))
    assert [(m.name, m.kind) for m in got] == [
        ("松岭和鹤山水源涵养、生物多样性保护片区", "eco_function_zone")
    ]
    assert got[0].get("places") == ["鹤山"]


def test_corridor_along_rivers() -> None:
    assert _zones("逐渐形成沿青溪河、石门河的滨河绿化走廊。") == [
        ("沿青溪河、石门河的滨河绿化走廊", "eco_corridor")
    ]


def test_dash_joined_mountains_are_one_zone() -> None:
    assert _zones("重点实施鹤鸣山—松岭山等重要生态系统保护修复工程。") == [
        ("鹤鸣山—松岭山", "eco_function_zone")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "加快历史遗留废弃矿山生态修复。",  # 矿山 is not a mountain
        "践行绿水青山就是金山银山理念,保护生态。",
        "加强生态廊道和自然保护区建设。",  # generic
        "筑牢北方重要生态安全屏障。",  # generic
        "恢复河道生态功能。",
        "做强黑山羊品牌,保护生态。",
    ],
)
def test_not_eco_zones(text: str) -> None:
    assert _zones(text) == []


def test_reservoirs_and_lakes() -> None:
    assert _zones("新建石门水库、保护好碧云湖水生态。") == [
        ("石门水库", "lake_reservoir"),
        ("碧云湖", "lake_reservoir"),
    ]


def test_by_the_water_is_no_river_name() -> None:
    """滨江, 滨河 (by the river) describe where a park lies; no river of that name is meant."""
    got = _zones("在老城区建成滨江生态公园和滨河绿道，修复赣江两岸湿地。")
    assert not [name for name, _ in got if name in ("滨江", "滨河")]
    assert any(name == "赣江" for name, _ in got), got
