"""General naming rules of the extractors, on sentences about places all over China.

Each test names the rule it covers; none of the sentences comes from a sample document.
"""

from __future__ import annotations

import pytest

from atlas import settings
from atlas.boundaries import load_boundaries
from atlas.extract.eco_zones import eco_zone_mentions
from atlas.extract.lexicon import known_names
from atlas.extract.parks import park_mentions
from atlas.models import Document


def _doc(text: str, region: str | None = None) -> Document:
    unit = load_boundaries().get(region) if region else None
    return Document("t", "", "work_report", 2021, unit, text, "t.txt", 0, len(text))


def _zones(text: str, region: str | None = None) -> list[tuple[str, str]]:
    return [(m.name, m.kind) for m in eco_zone_mentions(_doc(text, region))]


def _parks(text: str, region: str | None = None) -> list[str]:
    return [m.name for m in park_mentions(_doc(text, region))]


needs_hydro = pytest.mark.skipif(
    settings.hydro_path() is None, reason="hydro_1to4m.gpkg not found (set ATLAS_HYDRO)"
)


# -- known names: recognised by lookup, kept when the sentence gives them an ecological role ------
@needs_hydro
def test_known_long_river_names_are_not_cut_to_a_fixed_length() -> None:
    # 雅鲁藏布 and 乌苏里 are longer than any fixed core limit
    assert _zones("统筹雅鲁藏布江干流与年楚河支流生态保护。", "540200") == [
        ("雅鲁藏布江", "river"),
        ("年楚河", "river"),
    ]
    assert ("乌苏里江", "river") in _zones("推进乌苏里江沿岸湿地修复。", "230800")


@needs_hydro
def test_known_river_with_a_one_character_core() -> None:
    # 清 alone is no name core, but 清江 is a known river
    assert _zones("实施清江干流水环境综合治理。", "420500") == [("清江", "river")]


@needs_hydro
def test_river_that_shares_its_name_with_a_unit_needs_water_around_it() -> None:
    # 黑龙江 is a province, 浑江 a district: written as water they are rivers
    assert ("黑龙江", "river") in _zones("加强黑龙江干流及支流水生态保护。", "230800")
    assert ("浑江", "river") in _zones("开展浑江两岸生态修复，改善水环境。", "220600")
    # written as the unit they are not
    assert _zones("浑江区加强生态环境保护。", "220600") == []


def test_mountain_whose_tail_is_a_unit_name() -> None:
    # 白山 is a prefecture, but 长白山 is a mountain: a one-character head makes a new name
    assert ("长白山", "mountain") in _zones("加强长白山生态保护，守护原始森林。", "220600")


def test_a_word_qualifying_a_unit_is_a_slogan_not_a_feature() -> None:
    assert _zones("建设平安佛山、法治佛山，持续改善生态环境。", "440600") == []


@needs_hydro
def test_known_names_are_never_taken_inside_other_words() -> None:
    # 湘江 as part of a festival and a road name; 清江 as the head of a longer unknown river
    assert _zones("举办湘江风情节，完善湘江路绿化生态配套。", "430100") == []
    assert known_names()  # the names are there; only the context rules them out


# -- fragments: quantifier, determiner and adjective heads; titles; verb-led spans -------------------
@pytest.mark.parametrize(
    "text",
    [
        "推进全域河湖生态治理。",
        "确保每条河都有人管护，水质保持稳定。",
        "主要河流水质全部达标，生态持续改善。",
        "全面推行四级河长湖长制，河湖保护见成效。",
        "建设美丽河湖，改善水生态。",
    ],
)
def test_fragments_with_no_name_left_are_not_items(text: str) -> None:
    assert _zones(text) == []


def test_a_river_name_before_an_unrelated_noun_is_a_modifier() -> None:
    assert _zones("打造岷江风情小镇，发展生态旅游。") == []
    assert _zones("建设珠江新城，推进生态保护。") == []


def test_verb_led_barrier_is_cut_after_the_verbs() -> None:
    assert _zones("坚持守护生态屏障，筑牢绿色根基。") == []
    assert _zones("坚持守护祁连山生态屏障。") == [("祁连山生态屏障", "eco_barrier")]


def test_a_unit_with_its_suffix_locates_a_mountain() -> None:
    # 石龙坝镇 is a town of 丽江市: it places the mountain and is not part of its name
    assert ("玉屏山", "mountain") in _zones("保护石龙坝镇玉屏山生态环境。", "530700")


# -- quoted names ------------------------------------------------------------------------------------
def test_quoted_name_before_a_suffix() -> None:
    assert _zones("加快“环湖连岛”生态廊道建设。") == [("环湖连岛生态廊道", "eco_corridor")]
    assert _parks("推动“一湖两岸”旅游区提质升级。") == ["一湖两岸旅游区"]


# -- parks: evaluative heads, verb shapes, counted lists ------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "打造一批标志性景区和王牌景区。",
        "建设代表性湿地公园和示范性森林公园。",
        "培育金牌景区，提升综合型旅游区。",
    ],
)
def test_evaluative_words_make_no_park_name(text: str) -> None:
    assert _parks(text) == []


def test_verb_with_a_resultative_or_a_plaque_starts_no_name() -> None:
    assert _parks("扛起长城国家文化公园建设重任。") == ["长城国家文化公园"]
    assert _parks("正式授牌红岩湿地公园。") == ["红岩湿地公园"]


def test_counted_list_shares_the_suffix() -> None:
    assert _parks("建成滨江、翠屏两个公园。") == ["滨江公园", "翠屏公园"]


# -- corridors ---------------------------------------------------------------------------------------
def test_special_administrative_regions_abbreviate_like_municipalities() -> None:
    from atlas.extract.corridors import corridor_mentions

    (m,) = corridor_mentions(_doc("加快京港澳高速长沙段改扩建。", "430100"))
    assert (m.name, m.get("endpoints")) == ("京港澳高速", ["北京市", "香港特别行政区", "澳门特别行政区"])


def test_purpose_words_and_categories_make_no_corridor() -> None:
    from atlas.extract.corridors import corridor_mentions

    for text in (
        "推进林区防火及森防道路建设。",
        "打造生活性产品物流通道，服务城乡居民。",
        "扛起陆海新通道建设重任。",
    ):
        assert [m.name for m in corridor_mentions(_doc(text, "450100"))] == [], text


@pytest.mark.parametrize(
    "text",
    [
        "整治“六江两岸”生态岸线。",  # a count of rivers
        "根治黑臭河、垃圾河，改善水生态。",  # conditions, not names
        "推进“千亩湿地、百里清水”生态工程。",  # amounts
        "南宁邕江环境整治工程年内完工。",  # 环 starts 环境 here, not a scope word
    ],
)
def test_counts_conditions_and_compounds_are_not_zones(text: str) -> None:
    assert _zones(text, "450100") == []


def test_more_verbs_and_form_words_before_parks() -> None:
    assert _parks("着力解决翠湖森林公园管护难题。") == ["翠湖森林公园"]
    assert _parks("沿河布置串珠式小公园。") == []


def test_numbers_inside_names_are_kept() -> None:
    # 七里 and 十里 are parts of the names, not amounts
    got = _zones("保护五里沟水库和十里河水源地生态。")
    assert ("五里沟水库", "lake_reservoir") in got and ("十里河水源地", "water_source_protection") in got
