"""Rules for the way work reports of every province name parks and ecological zones.

Sentences are the tests' own, about places from 云南 to 黑龙江; names are real places.
"""

from __future__ import annotations

import pytest

from atlas import settings
from atlas.extract.eco_zones import eco_zone_mentions
from atlas.extract.parks import park_mentions
from atlas.models import Document

needs_hydro = pytest.mark.skipif(
    settings.hydro_path() is None, reason="hydro_1to4m.gpkg not found (set ATLAS_HYDRO)"
)


def _doc(text: str) -> Document:
    return Document("t", "", "work_report", 2023, None, text, "t.txt", 0, len(text))


def _parks(text: str) -> list[tuple[str, str]]:
    return [(m.name, m.kind) for m in park_mentions(_doc(text))]


def _zones(text: str) -> list[tuple[str, str]]:
    return [(m.name, m.kind) for m in eco_zone_mentions(_doc(text))]


# -- parks -------------------------------------------------------------------------------------------
def test_rated_scenic_areas_need_no_suffix() -> None:
    assert _parks("支持沙溪古镇、剑川石宝山、苍山洱海创建国家5A级旅游景区。") == [
        ("沙溪古镇", "scenic_area"),
        ("剑川石宝山", "scenic_area"),
        ("苍山洱海", "scenic_area"),
    ]
    assert _parks("镜泊峡谷成功创建4A景区，雪乡被评为国家AAAA级景区。") == [
        ("镜泊峡谷", "scenic_area"),
        ("雪乡", "scenic_area"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "今年我县成功创建国家4A级旅游景区2家。",  # the county counts its ratings
        "全区新增3A级景区4家，累计创建5A景区1家。",  # no subject
        "科技馆成功创建国家3A级旅游景区。",  # a facility type, not a name
    ],
)
def test_rated_scenic_area_subjects_that_are_no_names(text: str) -> None:
    assert _parks(text) == []


def test_list_before_a_descriptive_scenic_category() -> None:
    assert _parks("提升鼓浪屿、南普陀寺等滨海历史文化旅游景区的服务品质。") == [
        ("鼓浪屿", "scenic_area"),
        ("南普陀寺", "scenic_area"),
    ]


def test_category_that_qualifies_another_head_is_no_list_of_parks() -> None:
    assert _parks("改造沈海、泉南等通往景区的旅游公路。") == []
    assert not any(name.startswith("天山天池高") for name, _ in _parks("推进天山天池高等级旅游景区建设。"))


def test_item_with_its_own_suffix_before_deng_keeps_it_and_shares_nothing() -> None:
    assert _parks("提升五大连池、扎龙国家级自然保护区等景区的接待能力。") == [
        ("五大连池", "scenic_area"),
        ("扎龙国家级自然保护区", "nature_reserve"),
    ]


def test_quoted_item_before_a_generic_park_category() -> None:
    got = park_mentions(_doc("建立以“三江源”等国家公园为主体的自然保护地体系。"))
    assert [(m.name, m.kind) for m in got] == [("三江源", "other_park")]


def test_national_park_is_its_own_kind_and_level() -> None:
    got = park_mentions(_doc("高标准推进神农架国家公园建设。"))
    assert [(m.name, m.kind, m.get("level")) for m in got] == [("神农架国家公园", "other_park", "national")]


def test_direction_preposition_at_the_end_of_an_item_belongs_to_it() -> None:
    assert _parks("年内建成南环、翠屏两个公园。") == [("南环公园", "urban_park"), ("翠屏公园", "urban_park")]


def test_memorial_halls_are_heritage_sites() -> None:
    assert _parks("改造提升左江红军纪念馆和百色起义纪念园。") == [
        ("左江红军纪念馆", "heritage_park"),
        ("百色起义纪念园", "heritage_park"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "打造公园式的滨海街区，推进乡村景区化改造。",  # a manner, not a place
        "支持嵩县创建世界地质公园。",  # a rank, no name
        "力争完成茶叶产业园区4A级景区创建。",  # an industrial park
        "打造10个以上精品景区。",  # 以上 is a count word
        "全面改进景区管理方式。",  # a verb
        "加强红色革命遗址和革命纪念地保护。",  # generic
    ],
)
def test_not_parks_in_work_reports(text: str) -> None:
    assert _parks(text) == []


def test_verb_with_complement_hao_does_not_start_a_name() -> None:
    assert _parks("实施好龙潭湿地公园提升工程。") == [("龙潭湿地公园", "wetland_park")]


# -- ecological zones ------------------------------------------------------------------------------
def test_lakes_listed_with_a_lake_are_lakes() -> None:
    got = _zones("强化星云湖、阳宗海、杞麓湖水质保护。")
    assert got == [("星云湖", "lake_reservoir"), ("阳宗海", "lake_reservoir"), ("杞麓湖", "lake_reservoir")]


def test_units_named_like_lakes_are_not_lakes() -> None:
    assert ("上海", "lake_reservoir") not in _zones("推动上海、珠海与千岛湖水质保护合作。")
    assert ("珠海", "lake_reservoir") not in _zones("推动上海、珠海与千岛湖水质保护合作。")


def test_reservoirs_sharing_one_suffix() -> None:
    assert _zones("建成青龙、白马、金沙水库等水源工程。") == [
        ("青龙水库", "lake_reservoir"),
        ("白马水库", "lake_reservoir"),
        ("金沙水库", "lake_reservoir"),
    ]


def test_list_of_kinds_of_work_before_a_reservoir_is_no_list_of_names() -> None:
    got = [name for name, _ in _zones("推进村庄绿化、河流、水库综合治理。")]
    assert not any(name.endswith("水库") for name in got)


@needs_hydro
def test_economic_belt_of_a_main_stem_or_written_as_ecological() -> None:
    assert _zones("主动融入长江经济带，共建汉江生态经济带。") == [
        ("长江经济带", "other"),
        ("汉江生态经济带", "other"),
    ]


@needs_hydro
def test_development_axis_along_a_smaller_river_is_no_zone() -> None:
    assert not any(kind == "other" for _, kind in _zones("加快嘉陵江经济带建设，推进生态保护。"))


def test_watershed_of_a_lake_and_of_a_reach() -> None:
    assert _zones("加强查干湖流域生态保护。") == [("查干湖流域", "watershed")]
    assert _zones("落实滇池上游流域综合治理要求。") == [("滇池上游流域", "watershed")]


def test_verb_acting_on_water_is_no_name() -> None:
    assert _zones("实施退田还湖和清水净湖行动，加强生态保护。") == []
    assert _zones("推进小河变湖工程和生态治理。") == []


def test_slogan_adjectives_before_a_mountain_leave_no_name() -> None:
    assert _zones("建设生态东山、人文东山，加强森林保护。") == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("开展呼兰河污染治理。", "呼兰河"),
        ("推进乌鲁木齐河城区段综合整治。", "乌鲁木齐河"),
        ("加大三峡库区清漂力度。", "三峡库区"),
        ("推进腾格里沙漠综合治理。", "腾格里沙漠"),
    ],
)
def test_water_and_land_words_that_follow_a_name(text: str, name: str) -> None:
    assert [n for n, _ in _zones(text)] == [name]


def test_rivers_closed_by_a_count() -> None:
    assert _zones("治理玉带河、清水河、金沙河三条河流水环境。") == [
        ("玉带河", "river"),
        ("清水河", "river"),
        ("金沙河", "river"),
    ]


def test_rivers_joined_by_a_dash_are_two() -> None:
    assert _zones("开展青溪河—白沙河生态修复。") == [("青溪河", "river"), ("白沙河", "river")]


def test_common_nouns_and_directions_are_no_names() -> None:
    assert _zones("完成村庄、通道、河流水库绿化和南北山造林。") == []
    assert _zones("南线凤鸣山绿化工程加快建设，保护森林资源。") == [("凤鸣山", "mountain")]


def test_reservoir_area_of_an_old_base_is_no_reservoir() -> None:
    assert _zones("支持老区库区发展生态产业。") == []


def test_green_heart_is_an_ecological_zone() -> None:
    assert _zones("建设长株潭生态绿心。") == [("长株潭生态绿心", "eco_function_zone")]


# -- corridors -------------------------------------------------------------------------------------
def _corridors(text: str, region: str) -> list[tuple[str, str]]:
    from atlas.boundaries import load_boundaries
    from atlas.extract.corridors import corridor_mentions

    unit = load_boundaries().get(region)
    doc = Document("t", "", "work_report", 2023, unit, text, "t.txt", 0, len(text))
    return [(m.name, m.kind) for m in corridor_mentions(doc)]


def test_abbreviated_passenger_and_fast_railways() -> None:
    # 齐齐哈尔市 (230200): 齐大客专 and 齐嫩快铁 join it to 大庆 and 嫩江
    got = _corridors("加快齐大客专和齐嫩快铁建设。", "230200")
    assert got == [("齐大客专", "high_speed_rail"), ("齐嫩快铁", "railway")]


def test_airport_name_starts_at_the_place_after_a_verb() -> None:
    # 丽水市 (331100): 启用 is no part of the airport's name
    assert _corridors("年内启用丽水机场。", "331100") == [("丽水机场", "airport")]


def test_place_followed_by_a_description_is_no_airport_name() -> None:
    # 丽水市: 莲都 is a district; 莲都南山绿化 describes work near the airport
    assert _corridors("推进莲都南山绿化机场周边综合整治。", "331100") == []


def test_rating_verb_chuang_and_resort_ratings() -> None:
    got = _parks("推动贵州梵净山、赤水丹霞创5A级景区，荔波小七孔创国家级旅游度假区。")
    assert got == [
        ("贵州梵净山", "scenic_area"),
        ("赤水丹霞", "scenic_area"),
        ("荔波小七孔", "scenic_area"),
    ]


def test_pair_inside_a_list_item_is_two_items() -> None:
    got = _parks("建成滨江公园、湘湖公园及白马湖、西溪等一批休闲健身公园。")
    assert got == [
        ("滨江公园", "urban_park"),
        ("湘湖公园", "urban_park"),
        ("白马湖", "urban_park"),
        ("西溪", "urban_park"),
    ]


def test_verb_jin_before_park_is_no_part_of_a_name() -> None:
    assert _parks("推动戏曲、民歌进公园、进社区。") == []


def test_county_earning_a_rating_is_no_scenic_area() -> None:
    from atlas.boundaries import load_boundaries

    unit = load_boundaries().get("331000")  # 台州市: 仙居 is its county
    text = "支持仙居创建国家级旅游度假区，推动青原山与神仙居联合争创国家5A级景区。"
    doc = Document("t", "", "work_report", 2023, unit, text, "t.txt", 0, len(text))
    assert [m.name for m in park_mentions(doc)] == ["青原山", "神仙居"]


def test_adverb_after_a_reservoir_is_a_break() -> None:
    assert _zones("青狮潭水库连续五年保持Ⅱ类水质。") == [("青狮潭水库", "lake_reservoir")]


def test_completion_verb_opens_a_long_zone_name() -> None:
    assert _zones("建成漓江生态走廊一期，开工桂江生态廊道。") == [
        ("漓江生态走廊", "eco_corridor"),
        ("桂江生态廊道", "eco_corridor"),
    ]


def test_count_of_rivers_after_a_river_is_no_name() -> None:
    got = [name for name, _ in _zones("实施邕江一江两岸生态修复，推进一江四河综合治理。")]
    assert got == ["邕江"]


def test_ports_of_entry_and_ports_named_after_places() -> None:
    # 呼伦贝尔市 (150700) and 钦州市 (450700)
    assert _corridors("提升满洲里、黑山头口岸通关能力。", "150700") == [
        ("满洲里口岸", "other"),
        ("黑山头口岸", "other"),
    ]
    assert _corridors("加快钦州港、北海港建设。", "450700") == [("钦州港", "other"), ("北海港", "other")]


@pytest.mark.parametrize(
    "text",
    [
        "加强与香港、澳门合作，建设空港物流园。",  # no place of the region before 港
        "发展临港产业，打造智慧口岸和口岸经济。",  # 临港 is a location, 口岸经济 an economy
        "建设钦州港口岸城市。",  # a port city, not a port
    ],
)
def test_words_with_gang_that_are_no_ports(text: str) -> None:
    assert _corridors(text, "450700") == []


@needs_hydro
def test_waterways_of_known_rivers() -> None:
    # 梧州市 (450400): 西江 and 桂江 are rivers of the national hydrography
    assert _corridors("提升西江、桂江航道等级，发挥西江黄金水道作用，建设城市航道公园。", "450400") == [
        ("西江航道", "other"),
        ("桂江航道", "other"),
        ("西江黄金水道", "other"),
    ]


# -- text as it comes from PDFs and tables ------------------------------------------------------------
def test_amounts_are_no_part_of_a_name() -> None:
    assert _parks("总投资85亿元阿尔山温泉旅游度假区开工。") == [("阿尔山温泉旅游度假区", "scenic_area")]


def test_verb_split_by_a_stray_space_still_cuts() -> None:
    assert _zones("努力构 建国家生态安全屏障。") == []
    assert _parks("统筹推 进红河谷森林公园建设。") == [("红河谷森林公园", "forest_park")]


@pytest.mark.parametrize(
    "text",
    [
        "实施病险水库除险加固，保护水源。",  # a condition of reservoirs
        "新建或加固饮用水库，保护水源。",  # a verb and a generic word
        "某县荣获第三批全国森林康养基地。",  # a rank, not a name
        "完成12宗水库和江河堤防水库除险加固。",  # a count and generic words
    ],
)
def test_conditions_and_ranks_are_no_names(text: str) -> None:
    assert _zones(text) == [] and _parks(text) == []


def test_conjunction_ji_opens_a_name() -> None:
    assert _zones("推进龙潭水库除险加固暨贯城河治理。") == [
        ("龙潭水库", "lake_reservoir"),
        ("贯城河", "river"),
    ]


def test_items_before_deng_and_a_generic_zone_are_not_one_zone() -> None:
    got = _zones("加强天山一号冰川、赛里木湖等重点水源涵养区生态修复。")
    assert ("赛里木湖", "lake_reservoir") in got
    assert not any("等" in name for name, _ in got)


def test_list_item_with_a_head_of_its_own_does_not_share_the_suffix() -> None:
    got = _zones("抓好木扎尔特冰川、十七户湿地生态环境综合治理。")
    assert ("十七户湿地", "other") in got
    assert ("木扎尔特冰川湿地", "other") not in got


def test_landform_naming_a_town_or_street_is_no_zone() -> None:
    assert _zones("建设海螺沟冰川小镇和沙漠大道，加强生态保护。") == []


def test_stretches_and_slopes_after_a_river_or_mountain() -> None:
    assert _zones("推进大别山北麓水源涵养和汉江安康段河道生态治理。") == [
        ("大别山", "mountain"),
        ("汉江", "river"),
    ]
    assert _zones("实施祁连山西段生物多样性保护。") == [("祁连山", "mountain")]
