"""Tests of atlas.extract.parks on small hand-written sentences."""

from __future__ import annotations

import pytest

from atlas.extract.parks import park_mentions
from atlas.models import Document


def _doc(text: str, *, start: int = 0) -> Document:
    return Document("t", "", "fyp_outline", 2021, None, text, "t.txt", start, start + len(text))


def _parks(text: str) -> list[tuple[str, str, str | None]]:
    return [(m.name, m.kind, m.get("level")) for m in park_mentions(_doc(text))]


def test_shared_suffix_names_every_item() -> None:
    text = "投资建设青石、白沙湿地公园。"
    got = park_mentions(_doc(text))
    assert [m.name for m in got] == ["青石湿地公园", "白沙湿地公园"]
    assert [(m.char_start, m.char_end) for m in got] == [(4, 6), (7, 13)]
    assert {m.kind for m in got} == {"wetland_park"}
    assert {m.get("status") for m in got} == {"planned"}


def test_list_of_full_names_and_spans_are_source_offsets() -> None:
    text = "依托黑松岭国家森林公园、红泉省级自然保护区发展康养产业。"
    got = park_mentions(_doc(text, start=100))
    assert [(m.name, m.kind, m.get("level"), m.get("place")) for m in got] == [
        ("黑松岭国家森林公园", "forest_park", "national", "黑松岭"),
        ("红泉省级自然保护区", "nature_reserve", "provincial", "红泉"),
    ]
    assert got[0].char_start == 102 and got[0].char_end == 111
    assert {m.get("status") for m in got} == {"existing"}


def test_deng_list_of_scenic_spots_names_items_as_written() -> None:
    assert _parks("科学规划打造石门洞、卧龙岗、清风谷等景区景点。") == [
        ("石门洞", "scenic_area", None),
        ("卧龙岗", "scenic_area", None),
        ("清风谷", "scenic_area", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "加快建设城市公园和口袋公园。",  # generic, no proper name
        "积极推进国家森林公园、湿地公园等自然公园建设。",  # generic
        "建成锦华苑、翠湖花园、丽都·中央公园等小区。",  # housing estates
        "入住金桂公园小区的居民。",  # housing estate
        "建设绿源农业产业园和青禾示范园。",  # industrial parks
        "完善景区道路和停车场。",  # no name
    ],
)
def test_not_parks(text: str) -> None:
    assert _parks(text) == []


def test_rating_is_not_part_of_the_name() -> None:
    got = park_mentions(_doc("以创建云台峰4A级景区为引领。"))
    assert [(m.name, m.get("status")) for m in got] == [("云台峰景区", "upgrade")]


def test_levels() -> None:
    assert _parks("保护好翠屏山国家级自然保护区和石湖市级湿地公园。") == [
        ("翠屏山国家级自然保护区", "nature_reserve", "national"),
        ("石湖市级湿地公园", "wetland_park", "municipal"),
    ]


def test_past_review_park_is_existing() -> None:
    text = "一、2020年工作回顾。建成了桃源公园。二、2021年工作安排。新建杏林公园。"
    got = {m.name: m.get("status") for m in park_mentions(_doc(text))}
    assert got == {"桃源公园": "built", "杏林公园": "planned"}


def test_a_clause_about_scenic_areas_after_deng_is_no_category() -> None:
    # crafts and products that "move into" scenic areas are not scenic areas; 等景区 still names them
    assert _parks("组织苗绣、蜡染、银饰等非遗项目进驻景区。") == []
    assert [n for n, _, _ in _parks("打造西江千户苗寨、镇远古城等景区。")] == ["西江千户苗寨", "镇远古城"]


def test_kinds_of_parks_listed_before_deng_are_no_parks() -> None:
    # a list of park categories (森林公园、风景名胜区等自然公园) names no park
    assert _parks("要把风景名胜区、地质公园、森林公园、湿地公园等自然公园纳入保护地体系。") == []
    assert [n for n, _, _ in _parks("保护雷公山、云台山等国家级风景名胜区。")] == ["雷公山", "云台山"]


@pytest.mark.parametrize(
    "text",
    [
        "三年来全州新建二十多座山体公园，改造9处水系公园。",  # a count before a kind of park
        "沿湘江建成一条带状公园，社区配套邻里公园。",
        "申报省级水利风景区和国家沙漠公园。",
    ],
)
def test_kinds_of_park_by_setting_or_shape_are_no_names(text: str) -> None:
    assert _parks(text) == []


def test_the_items_before_a_kind_of_park_are_its_names() -> None:
    names = [name for name, _, _ in _parks("开工建设凤凰岭、虎头崖等山地森林公园，提升东湖等湿地公园。")]
    assert names[:2] == ["凤凰岭", "虎头崖"] and "东湖" in names
