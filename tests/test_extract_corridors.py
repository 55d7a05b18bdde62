"""Corridor extraction: own short sentences per rule, exact names, spans and endpoints."""

from __future__ import annotations

import pytest

from atlas.boundaries import load_boundaries
from atlas.extract.corridors import CORRIDOR_KINDS, corridor_mentions, normalise_code
from atlas.models import Document
from atlas.text import fold

HUOZHOU = "141082"  # 霍州市, 临汾市, 山西省
QINSHUI = "140521"  # 沁水县, 晋城市
YUSHE = "140721"  # 榆社县, 晋中市
SHUOZHOU = "140600"  # 朔州市 (a prefecture)
CHANGZHI = "140400"  # 长治市 (a prefecture)
DATONG = "140200"  # 大同市 (a prefecture)
HUOLINGOLE = "150581"  # 霍林郭勒市, 通辽市, 内蒙古


def _doc(text: str, region: str | None = HUOZHOU, *, offset: int = 0) -> Document:
    unit = load_boundaries().get(region) if region else None
    return Document("t", "", "fyp_outline", 2021, unit, text, "t.txt", offset, offset + len(text))


def _found(text: str, region: str | None = HUOZHOU) -> list[tuple[str, str, list[str]]]:
    return [(m.name, m.kind, list(m.get("endpoints"))) for m in corridor_mentions(_doc(text, region))]


def _names(text: str, region: str | None = HUOZHOU) -> list[str]:
    return [m.name for m in corridor_mentions(_doc(text, region))]


# -- abbreviations ---------------------------------------------------------------------------------
def test_abbreviation_resolves_initials_near_the_region():
    assert _found("加快黎霍高速建设。") == [("黎霍高速", "expressway", ["黎城县", "霍州市"])]


def test_reversed_abbreviation_is_the_same_road_read_the_other_way():
    (m,) = corridor_mentions(_doc("依托霍黎高速。"))
    assert m.name == "霍黎高速"
    assert m.get("endpoints") == ["霍州市", "黎城县"]
    assert m.get("endpoint_codes") == ["141082", "140426"]


def test_prefecture_cities_of_the_province_come_before_counties_of_the_prefecture():
    # 大 is 大宁县 in the region's own prefecture, but 大同市 is a prefecture-level city
    assert _found("大运高速贯穿南北。") == [("大运高速", "expressway", ["大同市", "运城市"])]


def test_long_distance_route_reaches_municipalities_and_far_prefectures():
    assert _found("紧邻京昆高速。") == [("京昆高速", "expressway", ["北京市", "昆明市"])]
    assert _found("大西高铁设站。") == [("大西高铁", "high_speed_rail", ["大同市", "西安市"])]


def test_abbreviation_without_a_region_still_resolves_long_routes():
    assert _found("黎霍高速开工建设。", None) == [("黎霍高速", "expressway", ["黎城县", "霍州市"])]


def test_local_road_abbreviation_uses_towns_of_the_region():
    assert _found("年内启动沁端二级公路改造。", QINSHUI) == [("沁端二级公路", "other", ["沁水县", "端氏镇"])]


def test_written_ends_in_the_document_win_for_initials():
    text = "推进鲁北-霍林郭勒高速公路建设。建成鲁霍高速公路。"
    found = _found(text, HUOLINGOLE)
    assert found == [
        ("鲁北-霍林郭勒高速公路", "expressway", ["鲁北镇", "霍林郭勒市"]),
        ("鲁霍高速公路", "expressway", ["鲁北镇", "霍林郭勒市"]),
    ]


def test_a_direction_before_an_abbreviation_names_a_section_without_ends():
    assert _found("沿南同蒲铁路布局。") == [("南同蒲铁路", "railway", [])]


# -- shared heads ----------------------------------------------------------------------------------
def test_dash_list_of_abbreviations_shares_one_head():
    assert _found("推进霍永—霍黎高速公路建设。") == [
        ("霍永高速公路", "expressway", ["霍州市", "永和县"]),
        ("霍黎高速公路", "expressway", ["霍州市", "黎城县"]),
    ]


def test_comma_list_shares_one_head():
    text = "借助太长、汾邢高速交汇的区位优势。"
    ms = corridor_mentions(_doc(text, YUSHE))
    assert [(m.name, m.get("endpoints")) for m in ms] == [
        ("太长高速", ["太原市", "长治市"]),
        ("汾邢高速", ["汾阳市", "邢台市"]),
    ]
    # the first name spans from its own start to the end of the shared head
    assert [(m.char_start, m.char_end) for m in ms] == [(2, 9), (5, 9)]


def test_a_count_of_routes_between_the_list_and_its_head_is_no_part_of_a_name():
    # 两条/多条 counts the names listed before it, as 2条 and 等 do
    assert _found("依托广深、广珠两条高速公路的区位优势，发展物流。", "440100") == [
        ("广深高速公路", "expressway", ["广州市", "深圳市"]),
        ("广珠高速公路", "expressway", ["广州市", "珠海市"]),
    ]
    assert _names("新建哈尔滨至佳木斯、哈尔滨至牡丹江等多条铁路。", "230100") == [
        "哈尔滨至佳木斯铁路",
        "哈尔滨至牡丹江铁路",
    ]


def test_airport_named_after_a_place_inside_its_name():
    assert _names("推进长治上党机场迁建。", CHANGZHI) == ["长治上党机场"]
    # a section of a railway listed before an airport does not share its head
    assert _names("建成甲乙高铁朔州段、朔州机场。", SHUOZHOU) == ["朔州机场"]


def test_two_airports_share_one_head():
    assert _names("谋划左云、浑源通用机场选址。", DATONG) == ["左云通用机场", "浑源通用机场"]
    assert _names("谋划平顺、沁县、襄垣等通用机场。", CHANGZHI) == [
        "平顺通用机场",
        "沁县通用机场",
        "襄垣通用机场",
    ]


def test_list_of_written_routes_shares_one_head():
    assert _found("推动阳城-沁水、晋城-高平-沁水高速公路前期工作。", QINSHUI) == [
        ("阳城-沁水高速公路", "expressway", ["阳城县", "沁水县"]),
        ("晋城-高平-沁水高速公路", "expressway", ["晋城市", "高平市", "沁水县"]),
    ]


def test_a_list_only_joins_names_of_the_same_shape():
    # 甲乙景区 is a scenic area, not a second byway
    assert _names("以甲乙景区、太行一号国家风景道为纽带。") == ["太行一号国家风景道"]


# -- written endpoints -----------------------------------------------------------------------------
def test_written_endpoints_and_source_offsets():
    text = "推动甲乙丙,侯马至霍州轻轨前期工作。"
    doc = _doc(text, offset=100)
    (m,) = corridor_mentions(doc)
    assert (m.name, m.kind) == ("侯马至霍州轻轨", "intercity_rail")
    assert m.get("endpoints") == ["侯马市", "霍州市"]
    assert m.get("endpoint_codes") == ["141081", "141082"]
    assert (m.char_start, m.char_end) == (100 + text.index("侯马"), 100 + text.index("轻轨") + 2)
    assert (m.sentence_start, m.sentence_end) == (100, 100 + len(text))


def test_verbs_before_the_first_end_are_cut_and_villages_are_named_in_full():
    assert _found("新修龙泉村到赤峪旅游道路。") == [("龙泉村到赤峪旅游道路", "other", ["龙泉村", "赤峪村"])]
    assert _found("完成李涧至干节公路绿化提升。") == [("李涧至干节公路", "county_road", ["李涧村", "干节村"])]


def test_a_length_between_name_and_head_is_left_out_of_the_name():
    (m,) = corridor_mentions(_doc("改造油盆峪至七里峪12公里道路。"))
    assert m.name == "油盆峪至七里峪道路"
    assert (m.char_start, m.char_end) == (2, 15)


def test_link_road_takes_the_ends_of_the_section_after_it():
    assert _found("规划太行一号旅游公路连接线七里峪至古县北平段。") == [
        ("太行一号旅游公路连接线", "other", ["七里峪村", "古县北平镇"])
    ]


def test_a_route_via_a_list_of_places_is_one_route():
    assert _found("开工建设黎城经平顺、壶关至陵川高速公路。", CHANGZHI) == [
        ("黎城经平顺、壶关至陵川高速公路", "expressway", ["黎城县", "平顺县", "壶关县", "陵川县"])
    ]


def test_a_coded_road_continued_to_a_written_end():
    assert [
        (m.name, m.get("code")) for m in corridor_mentions(_doc("开展省道101线至甲乙边界公路大修。"))
    ] == [("省道101线至甲乙边界公路", "S101")]


def test_words_before_a_known_place_are_cut_from_the_first_end():
    assert _found("加快西延长治—临汾高速铁路前期工作。", CHANGZHI) == [
        ("长治—临汾高速铁路", "high_speed_rail", ["长治市", "临汾市"])
    ]


# -- codes -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("108国道", "G108"),
        ("国道108", "G108"),
        ("国道G108", "G108"),
        ("国道108线", "G108"),
        ("省道101线", "S101"),
        ("县道474", "X474"),
        ("Ｇ２０８", "G208"),
        ("没有编号", None),
    ],
)
def test_code_normalisation(written, code):
    assert normalise_code(written) == code


def test_codes_in_text_with_kinds():
    text = "推进108国道和省道S226改线,G5京昆高速扩容。"
    ms = corridor_mentions(_doc(text))
    assert [(m.name, m.kind, m.get("code")) for m in ms] == [
        ("108国道", "national_road", "G108"),
        ("省道S226", "provincial_road", "S226"),
        ("G5京昆高速", "expressway", "G5"),
    ]
    assert ms[2].get("endpoints") == ["北京市", "昆明市"]


def test_a_list_of_numbers_shares_the_road_class():
    assert [
        (m.name, m.get("code")) for m in corridor_mentions(_doc("国道207、208、309线改造完工。", CHANGZHI))
    ] == [
        ("国道207", "G207"),
        ("国道208", "G208"),
        ("国道309", "G309"),
    ]


def test_a_code_is_not_part_of_5g_or_a_relocation():
    assert _names("建设5G基站。") == []
    assert _names("推进国道G108霍州段过境改线工程。") == ["国道G108"]


# -- named roads, airports, trains -----------------------------------------------------------------
def test_named_tourism_road_airport_and_freight_train():
    assert _found("规划“吕梁一号”旅游公路，建设霍州市通用机场并常态化开行中亚(欧)班列。") == [
        ("吕梁一号旅游公路", "other", []),
        ("霍州市通用机场", "airport", []),
        ("中亚(欧)班列", "logistics", []),
    ]


def test_tourism_roads_named_after_places():
    assert _names("“四射”:油盆峪旅游公路、七里峪旅游公路、悬泉山旅游公路。") == [
        "油盆峪旅游公路",
        "七里峪旅游公路",
        "悬泉山旅游公路",
    ]


def test_ring_expressway_of_a_city_and_a_fast_link():
    assert _found("加大运城绕城高速环境整治,建设霍州至汾西快速通道。") == [
        ("运城绕城高速", "expressway", []),
        ("霍州至汾西快速通道", "county_road", ["霍州市", "汾西县"]),
    ]


def test_line_named_by_two_nearby_initials():
    assert _found("上霍线拓宽改造。") == [("上霍线", "other", ["上党区", "霍州市"])]


# -- what is not a corridor ------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "改造解放路和迎宾大道,新建汾河大桥。",  # urban streets and a bridge
        "建设110千伏霍白线。",  # a power line
        "布局商贸物流园区,建设铁路物流集运中心。",  # logistics parks
        "新建旅游公路20公里,完善农村公路和县乡道路。",  # generic roads
        "坚持高质量高速度发展,守住生态保护红线和安全底线。",  # not transport at all
        "开展高铁高速沿线环境整治,建设高速公路服务区。",  # generic mentions
        "打通霍东大道至高铁站主干道,建设霍州高铁站。",  # stations, streets
        "加快直升机场建设。",  # no proper name
    ],
)
def test_streets_bridges_power_lines_and_generic_mentions_are_rejected(text):
    assert _names(text) == []


# -- attributes ------------------------------------------------------------------------------------
def test_status_comes_from_the_verbs_and_existing_corridors_are_built():
    ms = corridor_mentions(_doc("依托大运高速,加快黎霍高速建设,规划侯马至霍州轻轨。"))
    assert [(m.name, m.get("status")) for m in ms] == [
        ("大运高速", "built"),
        ("黎霍高速", "under_construction"),
        ("侯马至霍州轻轨", "planned"),
    ]


def test_mentions_carry_the_contract_attributes():
    (m,) = corridor_mentions(_doc("加快黎霍高速建设。"))
    assert m.theme == "corridors"
    assert m.doc_id == "t"
    assert set(m.attrs) >= {"code", "endpoints", "endpoint_codes", "status"}


# -- the sample plans ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_mentions(sample_documents):
    return {d.doc_id: (d, corridor_mentions(d)) for d in sample_documents}


def test_sample_spans_point_at_their_names(sample_mentions):
    total = 0
    for doc, ms in sample_mentions.values():
        text = fold(doc.text)
        for m in ms:
            a, b = m.char_start - doc.char_start, m.char_end - doc.char_start
            assert doc.char_start <= m.sentence_start <= m.char_start < m.char_end <= m.sentence_end
            assert m.kind in CORRIDOR_KINDS
            assert text[b - 1] == m.name[-1]
            assert text[a] == m.name[0] or m.get("code")  # 国道207、208: 208 is 国道208
            assert len(m.get("endpoints")) == len(m.get("endpoint_codes"))
            total += 1
    assert total > 100


def test_sample_huozhou_outline(sample_mentions):
    _, ms = next(v for k, v in sample_mentions.items() if k.startswith("000"))
    by_name = {m.name: m for m in ms}
    assert by_name["黎霍高速"].get("endpoints") == ["黎城县", "霍州市"]
    assert by_name["侯马至霍州轻轨"].get("endpoints") == ["侯马市", "霍州市"]
    assert by_name["国道G108"].get("code") == "G108"
    assert {"霍永高速公路", "霍黎高速公路", "霍州市通用机场", "中欧(亚)班列", "七里峪云轨道"} <= set(by_name)


# -- ends of abbreviations, far from the sample plans ---------------------------------------------
CHUXIONG = "532300"  # 楚雄彝族自治州, 云南 (a prefecture)
BAOTOU = "150200"  # 包头市, 内蒙古
XINGNING = "441481"  # 兴宁市, 梅州市, 广东
SHANGZHI = "230183"  # 尚志市, 哈尔滨市, 黑龙江
KASHGAR = "653100"  # 喀什地区, 新疆
MENGHAI = "532822"  # 勐海县, 西双版纳, 云南
SHANTOU = "440500"  # 汕头市, 广东


def test_an_autonomous_prefecture_as_an_end_is_its_seat_city():
    assert _found("推进楚大高速扩容。", CHUXIONG) == [("楚大高速", "expressway", ["楚雄市", "大理市"])]
    assert _found("建成喀什至和田铁路。", KASHGAR) == [("喀什至和田铁路", "railway", ["喀什市", "和田市"])]


def test_two_initials_are_places_of_one_rank():
    # 鹤 can only be 鹤岗市 (黑龙江): its partner is the city 大连市, not the nearer county 大安市
    assert _found("鹤大高速穿境而过。", "220500") == [("鹤大高速", "expressway", ["鹤岗市", "大连市"])]
    # two counties of the region's own prefecture before the provincial capital 长春市
    assert _found("抚长高速建成通车。", "220600") == [
        ("抚长高速", "expressway", ["抚松县", "长白朝鲜族自治县"])
    ]


def test_a_chain_of_four_cities_and_a_chain_with_a_county_level_city():
    assert _found("谋划呼包鄂榆城际铁路。", BAOTOU) == [
        ("呼包鄂榆城际铁路", "intercity_rail", ["呼和浩特市", "包头市", "鄂尔多斯市", "榆林市"])
    ]
    assert _found("张吉怀高铁通车。", "430800") == [
        ("张吉怀高铁", "high_speed_rail", ["张家界市", "吉首市", "怀化市"])
    ]


def test_a_long_route_names_a_far_city_not_its_district():
    from atlas.extract._corridor_places import NATIONAL_TIERS, PROVINCE_TIERS, resolve_initial

    region = load_boundaries().get(SHANTOU)
    assert resolve_initial("天", region, max_tier=NATIONAL_TIERS).name == "天津市"
    assert resolve_initial("天", region, max_tier=PROVINCE_TIERS).name == "天河区"  # a local road


def test_an_expressway_named_like_a_village_joins_two_counties_of_the_prefecture():
    # 永宁 is a village of 丽江市, but an expressway is not named after one village
    assert _found("永宁高速建成通车。", "530700") == [
        ("永宁高速", "expressway", ["永胜县", "宁蒗彝族自治县"])
    ]


def test_towns_of_the_region_before_far_counties_of_the_same_name():
    assert _found("完成合水至永和公路改造。", XINGNING) == [
        ("合水至永和公路", "county_road", ["合水镇", "永和镇"])
    ]
    assert _found("新建元宝至庆阳道路。", SHANGZHI) == [
        ("元宝至庆阳道路", "county_road", ["元宝镇", "庆阳镇"])
    ]


def test_a_boundary_as_an_end_is_the_unit_beyond_it():
    assert _found("改造勐海-澜沧界公路。", MENGHAI) == [
        ("勐海-澜沧界公路", "county_road", ["勐海县", "澜沧拉祜族自治县"])
    ]
    assert _found("新建元宝-黑龙江界公路。", SHANGZHI)[0][2] == ["元宝镇", "黑龙江省"]


def test_several_written_places_share_an_initial():
    # both 永仁 and 永胜 are written out: 永 of 宾永高速 stays the one near the region
    text = "建成永仁至永胜高速公路,推进宾永高速建设。"
    assert _found(text, "530700")[-1] == ("宾永高速", "expressway", ["宾川县", "永胜县"])


def test_a_village_of_the_region_does_not_hide_a_city_of_a_neighbouring_province():
    from atlas.extract._corridor_places import local_place_names

    assert local_place_names(CHANGZHI).get("安阳") == "安阳村"  # a village of 长治市
    assert _found("谋划长治—安阳城际铁路。", CHANGZHI)[0][2] == ["长治市", "安阳市"]


# -- ports, border crossings, waterways and city rail (own sentences, far from Shanxi) -------------
WUZHOU = "450400"  # 梧州市, 广西
NINGBO = "330200"  # 宁波市, 浙江
HEIHE = "231100"  # 黑河市, 黑龙江
XISHUANGBANNA = "532800"  # 西双版纳傣族自治州, 云南
GUANGZHOU = "440100"  # 广州市, 广东


def test_a_port_is_the_place_before_gang_never_a_phrase_holding_one():
    found = _found(
        "推进舟山港扩能，抓好北仑港集装箱码头建设。实行海港联动，港澳合作深化，港口资源整合。", NINGBO
    )
    assert [(n, k) for n, k, _ in found] == [("舟山港", "other"), ("北仑港", "other")]


def test_a_port_that_starts_a_road_is_an_end_not_a_port():
    # 某港至某地公路: the road is the corridor; the port is its end
    assert "北仑港" not in _names("新建北仑港至春晓公路。", NINGBO)


def test_border_crossings_are_corridors():
    assert _found("黑河口岸、逊克口岸通关便利化，打磨陆路口岸功能。", HEIHE) == [
        ("黑河口岸", "other", []),
        ("逊克口岸", "other", []),
    ]


def test_short_forms_of_passenger_lines_and_fast_railways():
    # 客专 is short for 客运专线, 快铁 for 快速铁路
    assert _found("哈齐客专提速，谋划黑河至北安快铁。", HEIHE) == [
        ("哈齐客专", "high_speed_rail", ["哈尔滨市", "齐齐哈尔市"]),
        ("黑河至北安快铁", "railway", ["黑河市", "北安市"]),
    ]


def test_waterways_are_rivers_before_hangdao():
    assert _names("实施西江、桂江航道扩能，发挥珠江黄金水道作用，提升内河航道等级。", WUZHOU) == [
        "西江航道",
        "桂江航道",
        "珠江黄金水道",
    ]


def test_a_river_that_flows_past_a_city_is_no_route_between_them():
    # 流经 is a verb, not 经 joining two ends
    assert _names("用好西江流经梧州300公里黄金水道优势。", WUZHOU) == []


def test_numbered_city_rail_lines_keep_their_system_name():
    text = "加快地铁2号线建设，推进3号、4号线前期工作，18号楼完工。"
    assert _names(text, GUANGZHOU) == ["地铁2号线", "地铁3号线", "地铁4号线"]
    assert _names("城市轨道交通一号线开通。", NINGBO) == ["城市轨道交通一号线"]


def test_the_class_of_a_general_airport_is_part_of_its_name():
    assert _found("开工建设勐腊A1级通用机场。", XISHUANGBANNA) == [("勐腊A1级通用机场", "airport", [])]


def test_routes_named_after_what_they_run_along():
    assert _names("加快沿边公路和沿海高速公路建设，谋划沿江高铁。", GUANGZHOU) == [
        "沿边公路",
        "沿海高速公路",
        "沿江高铁",
    ]


def test_a_common_word_is_no_pair_of_initials_unless_both_are_close_places():
    # 美丽公路 is a programme, 平安铁路 a safety campaign; 西汉高速 joins 西安 and 汉中 in 陕西
    assert _names("打造美丽公路，创建平安铁路。", XISHUANGBANNA) == []
    assert _found("西汉高速扩能改造。", "610700") == [("西汉高速", "expressway", ["西安市", "汉中市"])]


def test_a_list_of_airports_names_places_not_works_holding_one():
    assert _names("推进勐仑互通立交、西双版纳机场改扩建。", XISHUANGBANNA) == ["西双版纳机场"]
