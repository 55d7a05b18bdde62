"""Tests of atlas.geocode's placements from context: what the text around a mention says.

A clause whose subject is a town, a local road named after the place it serves or with one
endpoint inside the region, and the same feature mentioned twice in one document. Every sentence
here is made up for the test; the places are real towns and villages far from the sample plans.
"""

from __future__ import annotations

import pytest

from atlas import settings
from atlas.boundaries import load_boundaries
from atlas.geocode import features_from_mentions
from atlas.models import Document, Mention
from atlas.text import sentences

pytestmark = pytest.mark.skipif(
    settings.places_path() is None,
    reason="Vonng/adcode places CSV not found (set ATLAS_PLACES or provide ../shared/geodata)",
)

DALI = "532901"  # 大理市, 云南: 喜洲镇, 双廊镇
CONGHUA = "440117"  # 从化区, 广东: 良口镇
NINGAN = "231084"  # 宁安市, 黑龙江: 三陵乡 and its 三陵村


@pytest.fixture(scope="module")
def gaz():
    from atlas.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="module")
def b():
    return load_boundaries()


def make_doc(text: str, region: str) -> Document:
    return Document(
        "ctx", "测试", "fyp_outline", 2021, load_boundaries().get(region), text, "t.txt", 0, len(text)
    )


def mention(doc: Document, theme: str, kind: str, name: str, nth: int = 0, **attrs) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = doc.text.index(name, start + 1)
    s0, s1 = next((a, c) for a, c in sentences(doc.text) if a <= start < c)
    return Mention(doc.doc_id, theme, kind, name, start, start + len(name), s0, s1, attrs)


def place(doc: Document, mentions: list[Mention], gaz) -> list:
    feats = features_from_mentions(doc, mentions, gazetteer=gaz)
    assert len(feats) == len(mentions)
    return feats


# -- a clause whose subject is a town ---------------------------------------------------------
def test_feature_in_a_clause_opened_by_a_town_is_placed_at_that_town(gaz, b):
    doc = make_doc("喜洲镇要建好观鸟湿地公园,办好稻田音乐节;双廊镇要整治滨水步道。", DALI)
    [f] = place(doc, [mention(doc, "parks", "wetland_park", "观鸟湿地公园", place="观鸟")], gaz)
    assert (f.precision, f.placed_at, f.county_code) == ("town", "喜洲镇", DALI)
    assert b.geometry(DALI).contains(f.geometry)


def test_the_clause_ends_at_a_semicolon_and_the_next_town_takes_its_own(gaz):
    doc = make_doc("喜洲镇要办好稻田音乐节;双廊镇要建成渔村记忆公园。", DALI)
    [f] = place(doc, [mention(doc, "parks", "urban_park", "渔村记忆公园", place="渔村记忆")], gaz)
    assert (f.precision, f.placed_at) == ("town", "双廊镇")


def test_enumeration_marks_and_a_leading_preposition_do_not_hide_the_subject(gaz):
    doc = make_doc("二是在双廊镇建设落日观景公园。", DALI)
    [f] = place(doc, [mention(doc, "parks", "urban_park", "落日观景公园", place="落日观景")], gaz)
    assert (f.precision, f.placed_at) == ("town", "双廊镇")


def test_a_town_heading_a_list_is_not_the_subject(gaz, b):
    doc = make_doc("喜洲镇、双廊镇要共同建设环湖观景公园。", DALI)
    [f] = place(doc, [mention(doc, "parks", "urban_park", "环湖观景公园", place="环湖观景")], gaz)
    assert (f.precision, f.county_code) == ("county", DALI)
    assert f.geometry.equals(b.label_point(DALI))


def test_a_new_subject_after_a_comma_takes_the_clause_from_the_town(gaz):
    doc = make_doc("喜洲镇要办好稻田音乐节,州文旅局要建成观鸟湿地公园。", DALI)
    [f] = place(doc, [mention(doc, "parks", "wetland_park", "观鸟湿地公园", place="观鸟")], gaz)
    assert f.precision == "county"


def test_a_town_named_later_in_the_clause_is_not_its_subject(gaz):
    doc = make_doc("依托观鸟湿地公园,带动喜洲镇发展乡村旅游。", DALI)
    [f] = place(doc, [mention(doc, "parks", "wetland_park", "观鸟湿地公园", place="观鸟")], gaz)
    assert f.precision == "county"


def test_a_mountain_or_basin_in_a_town_clause_is_not_put_at_the_town(gaz):
    doc = make_doc("喜洲镇要保护苍翠山和弥苴流域。", DALI)
    feats = place(
        doc,
        [
            mention(doc, "eco_zones", "mountain", "苍翠山", places=["苍翠山"]),
            mention(doc, "eco_zones", "watershed", "弥苴流域", places=["弥苴"]),
        ],
        gaz,
    )
    assert [f.precision for f in feats] == ["county", "county"]


def test_an_expressway_in_a_town_clause_is_not_put_at_the_town(gaz):
    doc = make_doc("良口镇要配合建设广连高速。", CONGHUA)
    [f] = place(doc, [mention(doc, "corridors", "expressway", "广连高速", endpoints=[])], gaz)
    assert f.precision == "county"


# -- local roads and lines ------------------------------------------------------------------------
def test_local_road_named_after_the_town_it_serves_is_at_that_town(gaz, b):
    doc = make_doc("新建良口旅游公路。", CONGHUA)
    [f] = place(doc, [mention(doc, "corridors", "other", "良口旅游公路", endpoints=[])], gaz)
    assert (f.precision, f.placed_at) == ("town", "良口镇")
    assert f.geometry.geom_type == "Point" and b.geometry(CONGHUA).contains(f.geometry)


def test_spur_line_named_after_a_village_is_at_it_but_a_long_railway_is_not(gaz):
    doc = make_doc("建成三陵村煤矿专用线,谋划三陵铁路。", NINGAN)
    spur, line = place(
        doc,
        [
            mention(doc, "corridors", "railway", "三陵村煤矿专用线", endpoints=[]),
            mention(doc, "corridors", "railway", "三陵铁路", endpoints=[]),
        ],
        gaz,
    )
    assert (spur.precision, spur.placed_at) == ("town", "三陵村")
    assert line.precision == "county"


def test_a_numbered_route_is_not_named_after_a_place(gaz):
    doc = make_doc("打造良口一号旅游公路。", CONGHUA)
    [f] = place(doc, [mention(doc, "corridors", "other", "良口一号旅游公路", endpoints=[])], gaz)
    assert f.precision == "county"


def test_local_road_with_one_endpoint_in_the_region_is_at_that_endpoint(gaz, b):
    doc = make_doc("修建雾凇岭至三陵村道路。", NINGAN)
    m = mention(doc, "corridors", "county_road", "雾凇岭至三陵村道路", endpoints=["雾凇岭", "三陵村"])
    [f] = place(doc, [m], gaz)
    assert (f.precision, f.placed_at) == ("town", "三陵村")
    assert f.geometry.geom_type == "Point" and b.geometry(NINGAN).contains(f.geometry)


def test_expressway_with_one_endpoint_stays_at_county(gaz):
    doc = make_doc("谋划雾凇岭至三陵高速。", NINGAN)
    m = mention(doc, "corridors", "expressway", "雾凇岭至三陵高速", endpoints=["雾凇岭", "三陵村"])
    [f] = place(doc, [m], gaz)
    assert f.precision == "county"


# -- the same feature mentioned again ---------------------------------------------------------
def test_a_second_mention_of_a_placed_feature_shares_its_place(gaz):
    text = "双廊镇要建成渔村记忆公园。渔村记忆公园年接待游客十万人次。"
    doc = make_doc(text, DALI)
    first = mention(doc, "parks", "urban_park", "渔村记忆公园", place="渔村记忆")
    again = mention(doc, "parks", "urban_park", "渔村记忆公园", nth=1, place="渔村记忆")
    other = mention(doc, "parks", "urban_park", "年接待游客", place="年接待游客")
    f, g, h = place(doc, [first, again, other], gaz)
    assert (f.precision, g.precision) == ("town", "town")
    assert g.geometry.equals(f.geometry) and g.placed_at == "双廊镇"
    assert (g.mention.char_start, h.precision) == (again.char_start, "county")  # its own offsets kept


# -- an axis that the sentence says is a river ----------------------------------------------------
XIANGYANG = "420600"  # 襄阳市, 湖北: the 汉江 flows through it


@pytest.fixture(scope="module")
def hydro():
    from atlas.hydro import load_hydro

    h = load_hydro()
    if not h.available:
        pytest.skip("hydro_1to4m.gpkg not found (set ATLAS_HYDRO): rivers stay at county precision")
    return h


def test_the_one_axis_a_sentence_says_is_a_river_is_that_river(gaz, b, hydro):
    from atlas.hydro import SOURCE_HYDRO

    doc = make_doc("以汉江为发展轴线,串起两岸新城,形成“一轴两翼”的城市格局。", XIANGYANG)
    axis, wing = place(
        doc,
        [mention(doc, "structure", "axis", "一轴"), mention(doc, "structure", "zone", "两翼")],
        gaz,
    )
    assert (axis.precision, axis.placed_at, axis.place_source) == ("exact", "汉江", SOURCE_HYDRO)
    assert axis.mention.name == "一轴" and axis.geometry.geom_type in ("LineString", "MultiLineString")
    assert b.geometry(XIANGYANG).covers(axis.geometry)
    assert wing.precision in ("county", "region")


def test_two_axes_two_rivers_or_a_river_elsewhere_are_not_drawn_as_a_river(gaz, hydro):
    text = (
        "以汉江为轴线,形成“两轴三区”。以沁河为轴线,构建“一轴一带”。以汉江为轴、以唐白河为轴,形成“一轴两翼”。"
    )
    doc = make_doc(text, XIANGYANG)
    two = mention(doc, "structure", "axis", "两轴")
    far = mention(doc, "structure", "axis", "一轴")  # 沁河 flows in Shanxi and Henan
    both = mention(doc, "structure", "axis", "一轴", nth=1)  # which of the two is it?
    feats = place(doc, [two, far, both], gaz)
    assert [f.precision for f in feats] == ["region"] * 3  # a prefecture document: its label point


def test_a_zone_of_the_belt_along_a_river_is_the_river_but_a_basin_zone_is_not(gaz, b, hydro):
    doc = make_doc("建设汉江沿岸湿地植被恢复区,实施汉江流域水土保持示范区工程。", XIANGYANG)
    belt, basin = place(
        doc,
        [
            mention(doc, "eco_zones", "restoration_area", "汉江沿岸湿地植被恢复区"),
            mention(doc, "eco_zones", "restoration_area", "汉江流域水土保持示范区"),
        ],
        gaz,
    )
    assert (belt.precision, belt.placed_at) == ("exact", "汉江")
    assert b.geometry(XIANGYANG).covers(belt.geometry)
    assert basin.precision in ("county", "region")  # a basin is larger than its river


def test_a_structure_component_shares_only_within_its_own_statement(gaz, hydro):
    text = "以汉江为发展轴线,形成“一轴两翼”格局。全域旅游构建“一轴三区”。"
    doc = make_doc(text, XIANGYANG)
    river = mention(doc, "structure", "axis", "一轴", pattern="一轴两翼")
    other = mention(doc, "structure", "axis", "一轴", nth=1, pattern="一轴三区")
    f, g = place(doc, [river, other], gaz)
    assert f.precision == "exact" and g.precision == "region"


# -- a component the text defines by its towns ------------------------------------------------------
def test_a_component_defined_by_towns_right_after_is_placed_at_them(gaz, b):
    text = "构建“双核两带”的城镇格局。“双核”指以喜洲镇和双廊新区为核心的城镇组团;“两带”指环湖两条绿带。"
    doc = make_doc(text, DALI)
    core = mention(doc, "structure", "core", "双核", pattern="双核两带")
    belt = mention(doc, "structure", "belt", "两带", pattern="双核两带")
    f, g = place(doc, [core, belt], gaz)
    assert (f.precision, f.placed_at, f.geometry.geom_type) == ("town", "喜洲镇、双廊镇", "MultiPoint")
    assert all(b.geometry(DALI).contains(p) for p in f.geometry.geoms)
    assert g.precision == "county"  # 环湖 names no town: the belt stays where the text leaves it


def test_a_definition_naming_no_town_places_nothing(gaz):
    text = "形成“一心两翼”格局。“一心”是以古城片区为中心的服务核心。"
    doc = make_doc(text, DALI)
    [f] = place(doc, [mention(doc, "structure", "core", "一心", pattern="一心两翼")], gaz)
    assert f.precision == "county"


def test_a_definition_ends_where_the_next_component_is_defined(gaz):
    text = "构建“双核两带”的城镇格局。“双核”指以“老城—喜洲新区”和湾桥镇为核心,“两带”指双廊镇沿湖地带。"
    doc = make_doc(text, DALI)
    [f] = place(doc, [mention(doc, "structure", "core", "双核", pattern="双核两带")], gaz)
    assert (f.precision, f.placed_at) == ("town", "喜洲镇、湾桥镇")  # not 双廊镇, which belongs to 两带


def test_a_definition_after_another_statement_with_the_component_is_not_taken(gaz):
    text = "打造“一核两带”旅游格局。构建“一核四区”农业布局,“一核”指喜洲镇蔬菜核心区。"
    doc = make_doc(text, DALI)
    tour = mention(doc, "structure", "core", "一核", pattern="一核两带")
    farm = mention(doc, "structure", "core", "一核", nth=1, pattern="一核四区")
    f, g = place(doc, [tour, farm], gaz)
    assert (f.precision, g.precision, g.placed_at) == ("county", "town", "喜洲镇")


def test_a_statement_extending_another_shares_its_component(gaz):
    text = "“双核”指喜洲镇和双廊镇。围绕“双核双轴三片区”布局推进城镇建设。"
    doc = make_doc(text, DALI)
    first = mention(doc, "structure", "core", "双核", pattern="双核双轴")
    later = mention(doc, "structure", "core", "双核", nth=1, pattern="双核双轴三片区")
    f, g = place(doc, [first, later], gaz)
    assert f.placed_at == g.placed_at == "喜洲镇、双廊镇"


def test_a_definition_with_fewer_towns_than_parts_places_nothing(gaz):
    text = "形成“三区一带”格局。“三区”是以喜洲镇、古城片区和湿地片区为支点的功能区。"
    doc = make_doc(text, DALI)
    [f] = place(doc, [mention(doc, "structure", "zone", "三区", pattern="三区一带")], gaz)
    assert f.precision == "county"  # one town for three areas: where the other two are is not known


# -- the county town: what the text says is in it ------------------------------------------------
NINGAN_PREFECTURE = "231000"  # 牡丹江市
SUICHANG = "331123"  # 遂昌县, 浙江: 王村口镇, and 王村 of 金竹镇


def test_a_park_named_after_the_town_side_is_at_the_seat(gaz, b):
    doc = make_doc("建设城南湿地公园和南湖公园。", NINGAN)
    south, lake = place(
        doc,
        [
            mention(doc, "parks", "wetland_park", "城南湿地公园", place="城南"),
            mention(doc, "parks", "urban_park", "南湖公园", place="南湖"),
        ],
        gaz,
    )
    seat = gaz.seat(NINGAN)
    assert (south.precision, south.placed_at, south.county_code) == ("town", "宁安市政府驻地", NINGAN)
    assert south.geometry.equals(seat.geometry) and b.geometry(NINGAN).contains(south.geometry)
    assert lake.precision == "county"  # nothing says where 南湖公园 is


def test_a_road_section_through_the_town_is_at_the_seat_and_the_road_alone_is_not(gaz):
    doc = make_doc("完成国道201县城过境段改造。推进国道333改扩建。", NINGAN)
    through, road = place(
        doc,
        [
            mention(doc, "corridors", "national_road", "国道201", code="G201", endpoints=[]),
            mention(doc, "corridors", "national_road", "国道333", code="G333", endpoints=[]),
        ],
        gaz,
    )
    assert (through.precision, through.placed_at) == ("town", "宁安市政府驻地")
    assert road.precision == "county"


def test_a_component_defined_as_the_central_town_is_at_the_seat(gaz):
    text = "构建“一城两带”布局。“一城”即中心城区,“两带”即沿江生态带和沿路产业带。"
    doc = make_doc(text, NINGAN)
    city, belts = place(
        doc,
        [
            mention(doc, "structure", "zone", "一城", pattern="一城两带"),
            mention(doc, "structure", "belt", "两带", pattern="一城两带"),
        ],
        gaz,
    )
    assert (city.precision, city.placed_at) == ("town", "宁安市政府驻地")
    assert belts.precision == "county"


def test_a_component_defined_otherwise_or_a_river_by_the_town_is_not_at_the_seat(gaz):
    text = "形成“一城三区”格局。“一城”即旅游集散城。治理城南河。"
    doc = make_doc(text, NINGAN)
    city, river = place(
        doc,
        [
            mention(doc, "structure", "zone", "一城", pattern="一城三区"),
            mention(doc, "eco_zones", "river", "城南河", places=["城南河"]),
        ],
        gaz,
    )
    assert (city.precision, river.precision) == ("county", "county")


def test_a_prefecture_documents_city_section_is_at_the_prefecture_seat(gaz, b):
    doc = make_doc("完成国道201市区过境段改造。", NINGAN_PREFECTURE)
    [f] = place(doc, [mention(doc, "corridors", "national_road", "国道201", code="G201", endpoints=[])], gaz)
    assert (f.precision, f.placed_at) == ("town", "牡丹江市政府驻地")
    assert f.county_code != NINGAN_PREFECTURE and b.geometry(f.county_code).contains(f.geometry)


def test_the_longest_place_a_name_begins_with_decides(gaz):
    # 王村口红色景区 begins with 王村 (a village of 金竹镇) and with 王村口 (王村口镇): it is the latter
    doc = make_doc("提升王村口红色景区。", SUICHANG)
    [f] = place(doc, [mention(doc, "parks", "scenic_area", "王村口红色景区", place="王村")], gaz)
    assert (f.precision, f.placed_at) == ("town", "王村口镇")


def test_growth_directions_of_the_town_are_at_the_seat_and_other_directions_are_not(gaz):
    text = (
        "实施“东扩、西控、北进”发展方向,引导城市向东拓展。"
        "深化“东融、南联”开放合作,对接周边市县。"
        "构建“一核、东翼”格局。"
    )
    doc = make_doc(text, NINGAN)
    east, opening, wing = place(
        doc,
        [
            mention(doc, "structure", "other", "东扩", pattern="东扩、西控、北进"),
            mention(doc, "structure", "other", "东融", pattern="东融、南联"),
            mention(doc, "structure", "other", "东翼", pattern="一核、东翼"),
        ],
        gaz,
    )
    assert (east.precision, east.placed_at) == ("town", "宁安市政府驻地")
    assert opening.precision == "county"  # nothing says the town grows so: cooperation with others
    assert wing.precision == "county"  # not a statement of directions only


def test_a_section_through_a_named_county_town_is_at_that_county_seat(gaz):
    doc = make_doc("推进国道201宁安城区段和国道333卧龙过境段改造,建设鹤大高速过境段。", NINGAN_PREFECTURE)
    county, town, expressway = place(
        doc,
        [
            mention(doc, "corridors", "national_road", "国道201", code="G201", endpoints=[]),
            mention(doc, "corridors", "national_road", "国道333", code="G333", endpoints=[]),
            mention(doc, "corridors", "expressway", "鹤大高速", endpoints=[]),
        ],
        gaz,
    )
    assert (county.precision, county.placed_at, county.county_code) == ("town", "宁安市政府驻地", NINGAN)
    assert town.placed_at not in ("牡丹江市政府驻地", "宁安市政府驻地")  # 卧龙 is a town, not a county
    assert expressway.placed_at != "牡丹江市政府驻地"  # an expressway's 过境段 crosses the territory


# -- a stream named after the place it flows by -------------------------------------------------
ZHAOYANG = "530602"  # 昭阳区, 云南: 洒渔镇


def test_a_stream_named_after_a_town_is_at_that_town_and_an_unknown_one_stays(gaz, b):
    doc = make_doc("整治洒渔河、草场河。", ZHAOYANG)
    stream, unknown = place(
        doc,
        [
            mention(doc, "eco_zones", "river", "洒渔河", places=["洒渔河"]),
            mention(doc, "eco_zones", "river", "草场河", places=["草场河"]),
        ],
        gaz,
    )
    assert (stream.precision, stream.placed_at) == ("town", "洒渔镇")
    assert b.geometry(ZHAOYANG).contains(stream.geometry)
    assert unknown.precision == "county"  # no 草场 in 昭阳区


def test_a_river_followed_by_more_than_a_river_word_is_not_placed_at_the_town(gaz):
    doc = make_doc("治理洒渔河上游段。", ZHAOYANG)
    [f] = place(doc, [mention(doc, "eco_zones", "river", "洒渔河上游段", places=["洒渔河上游段"])], gaz)
    assert f.placed_at != "洒渔镇"


def test_growth_directions_read_the_next_sentence_but_no_further(gaz):
    near = make_doc("坚持“南拓、北控”。推动县城框架向南延伸。", NINGAN)
    far = make_doc("坚持“南拓、北控”。加强生态保护。推动县城框架向南延伸。", NINGAN)
    [f] = place(near, [mention(near, "structure", "other", "南拓", pattern="南拓、北控")], gaz)
    [g] = place(far, [mention(far, "structure", "other", "南拓", pattern="南拓、北控")], gaz)
    assert (f.precision, f.placed_at) == ("town", "宁安市政府驻地")
    assert g.precision == "county"
