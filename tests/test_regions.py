"""Region detection on short texts written for these tests (places across China)."""

from __future__ import annotations

import pytest

from atlas._errors import InputError
from atlas.admin_tree import adcode_parents, adcode_prefix, adcode_within
from atlas.regions import (
    RegionOverrides,
    apply_override,
    detect_region,
    name_mentions,
    read_region_csv,
    speaking_level,
    unit_for_adcode,
)
from atlas.text import fold

OPEN_CITY = "各位代表：\n下面，我代表市人民政府作报告。\n"
OPEN_COUNTY = "各位代表：\n下面，我代表县人民政府作报告。\n"


def names(text: str) -> list[str]:
    return [m.name for m in name_mentions(fold(text))]


# -- adcode ancestry: one rule ------------------------------------------------------------------
def test_adcode_prefix_cuts_zeros_by_position_not_by_rstrip():
    assert adcode_prefix("141000") == "1410"  # rstrip("0") would give "141", which 吕梁's 1411xx share
    assert not adcode_within("141121", "141000")
    assert adcode_within("141082", "141000")
    assert adcode_prefix("530000") == "53"
    assert adcode_prefix("100000") == ""  # the country holds every unit
    assert adcode_within("650102", "100000")
    assert adcode_parents("420381") == ("420300", "420000")
    assert adcode_parents("420300") == ("420000",)


# -- names that stand as names -------------------------------------------------------------------
def test_county_names_inside_ordinary_words_are_not_names():
    assert "范县" not in names("今年创建省级农业示范县两个。")
    assert "和县" not in names("各区和县城都要建设公园。")
    assert "和县" not in names("推动和县域经济一起发展。")
    assert "矿区" not in names("采煤矿区的生态修复全面展开。")
    assert "南区" not in names("城南区块的道路已经贯通。")


def test_generic_district_name_counts_after_its_city():
    assert "矿区" in names("阳泉市矿区的老旧小区改造完成。")


def test_short_name_inside_an_idiom_or_a_longer_word_is_not_a_name():
    assert "长治" not in names("确保社会长治久安。")
    assert "保定" not in names("确保定期公布进展。")


def test_a_street_named_after_a_city_is_not_the_city():
    assert "北京" not in names("昆明的北京路夜市人流不断。")
    assert "昆明" in names("昆明的北京路夜市人流不断。")


def test_short_prefecture_names_count_as_the_place():
    text = "十堰的汽车产业和承德的旅游业都在增长。"
    assert names(text) == ["十堰", "承德"]


# -- speaking level ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("下面，我代表国务院作报告。", "country"),
        ("下面，我代表省人民政府作报告。", "省"),
        ("下面，我代表自治区人民政府作报告。", "自治区"),
        ("我代表市政府向大会报告工作。", "市"),
        ("下面，我代表东宁市人民政府作报告。", "市"),
        ("我代表县人民政府向大会报告工作。", "县"),
        ("我代表区人民政府向大会报告工作。", "区"),
        ("我代表行署向大会报告工作。", "行署"),
        ("全县上下一心，我县粮食增产，全县人民共享成果。", "县"),
        ("在第十四届人民代表大会第二次会议上", None),
    ],
)
def test_speaking_level(text, level):
    assert speaking_level(fold(text)).level == level


# -- the vote --------------------------------------------------------------------------------------
def test_yunnan_prefecture_from_its_short_name_and_counties():
    text = OPEN_CITY + (
        "过去一年，丽江的旅游人数再创新高，全市生产总值稳步增长。古城区、玉龙纳西族自治县和永胜县的"
        "乡村振兴项目全部开工，华坪县的光伏电站并网发电。我们与深圳市开展对口协作。"
        "丽江机场改扩建完成，全市森林覆盖率继续提高，丽江的文化旅游品牌更加响亮。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "530700"
    assert guess.confidence >= 0.5
    assert "丽江 ×3" in guess.evidence and "of its counties named" in guess.evidence


def test_a_prefecture_report_is_not_placed_on_one_of_its_county_level_cities():
    text = OPEN_CITY + (
        "十堰的汽车产业加快转型，全市工业增加值增长百分之八。丹江口市的水源保护持续加强，"
        "丹江口库区的生态补偿落实到位。郧西县、竹山县和房县的道路全部硬化。"
        "十堰的营商环境持续改善，全市上下团结奋进，十堰的明天更加美好。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "420300"


def test_a_county_level_city_report_is_not_placed_on_its_prefecture():
    text = OPEN_CITY + (
        "丹江口的水源保护持续加强，全市生态环境质量稳中向好。六里坪镇、习家店镇和丁家营镇的"
        "柑橘产业提质增效，均县镇的旅游码头建成。丹江口的库区移民安稳致富，"
        "我们主动融入十堰都市区建设，丹江口的发展迈上新台阶。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "420381"
    assert "of its towns named" in guess.evidence


def test_xinjiang_county_report_with_its_towns():
    text = OPEN_COUNTY + (
        "伊宁县的林果业提质增效，全县农民人均收入增长。墩麻扎镇、喀拉亚尕奇乡和巴依托海镇的"
        "设施农业全面铺开，伊宁县的乡村旅游持续升温。全县上下奋力争先，伊宁的明天更美好。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "654021"


def test_guangdong_district_report():
    text = "各位代表：\n我代表区人民政府向大会报告工作。\n" + (
        "天河区的数字经济增加值快速增长，全区新增高新技术企业三百家。五山街道、员村街道和"
        "冼村街道的城市更新项目稳步推进，天河区的营商环境持续优化，全区人民共享发展成果。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "440106"


def test_heilongjiang_report_not_fooled_by_a_namesake_district_elsewhere():
    # 牡丹江's 西安区 shares its short name with 西安市 in 陕西
    text = OPEN_CITY + (
        "牡丹江的对俄贸易持续扩大，全市进出口总额增长。东安区、阳明区、爱民区和西安区的老旧小区"
        "改造全部完成，绥芬河市和东宁市口岸通关更加便利，牡丹江的冰雪旅游火热。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "231000"


def test_national_report_is_the_country():
    text = "各位代表：\n下面，我代表国务院作报告。\n全国粮食产量再创新高，我国经济稳定增长。"
    guess = detect_region("", text)
    assert guess.unit is not None
    assert (guess.unit.level, guess.unit.adcode) == ("country", "100000")


def test_provincial_report_is_the_province():
    text = "各位代表：\n下面，我代表省人民政府作报告。\n" + (
        "黑龙江的粮食产量稳居全国首位，全省新建高标准农田一千万亩。哈尔滨市、齐齐哈尔市和"
        "牡丹江市的产业园区加快建设，黑龙江的冰雪经济蓬勃发展，全省人民生活持续改善。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "230000"


def test_autonomous_region_report_is_the_province():
    text = "各位代表：\n下面，我代表自治区人民政府作报告。\n" + (
        "新疆的棉花产量稳定增长，全区旅游人数创历史新高。乌鲁木齐市、喀什地区和伊犁哈萨克自治州的"
        "对外开放步伐加快，新疆的发展活力不断增强。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "650000"


def test_meeting_line_names_the_subject():
    text = "——2024年1月15日在曲靖市第六届人民代表大会第三次会议上\n各位代表：\n我代表市政府报告工作。全市经济平稳。"
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.adcode == "530300"
    assert "meeting line names 曲靖市" in guess.evidence


def test_thin_evidence_is_unknown():
    guess = detect_region("", "我们要把工作做得更好，让群众更加满意。到北京学习了一次。")
    assert guess.unit is None
    assert guess.evidence.startswith(("too little evidence", "no place named"))
    assert detect_region("", "今年的工作任务很重。").unit is None


# -- user overrides --------------------------------------------------------------------------------
def test_unit_for_adcode_validates_with_a_clear_message():
    assert unit_for_adcode("530700").name == "丽江市"
    assert unit_for_adcode(100000).level == "country"
    with pytest.raises(InputError, match="not a 6-digit adcode"):
        unit_for_adcode("5307")
    with pytest.raises(InputError, match="not an adcode of any province"):
        unit_for_adcode("539999")


def test_region_csv_and_override(tmp_path):
    from atlas.ingest import documents_from_text

    csv_path = tmp_path / "regions.csv"
    csv_path.write_text("file,adcode\nyunnan/a.txt,530700\nb.txt,420381\n", encoding="utf-8")
    by_file = read_region_csv(csv_path)
    assert {k: u.name for k, u in by_file.items()} == {"yunnan/a.txt": "丽江市", "b.txt": "丹江口市"}
    overrides = RegionOverrides(by_file=by_file, origin="regions.csv")
    (doc,) = documents_from_text(
        "今年的工作任务很重。", source_file="a.txt", source_path="/data/yunnan/a.txt"
    )
    assert doc.region is None
    user = apply_override(doc, overrides)
    assert (user.region.adcode, user.region_source, user.region_confidence) == ("530700", "user", 1.0)
    assert "regions.csv" in user.region_evidence
    assert overrides.unused([user]) == ["b.txt"]


def test_region_csv_problems_are_all_reported(tmp_path):
    csv_path = tmp_path / "bad.csv"
    csv_path.write_text("file,adcode\na.txt,12\nb.txt,539999\nc.txt\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.csv: row 1 \(a\.txt\).*row 2 \(b\.txt\).*row 3"):
        read_region_csv(csv_path)


def test_same_named_districts_are_told_apart_by_their_city():
    beijing = "各位代表：\n我代表区人民政府向大会报告工作。\n" + (
        "朝阳区的国际交往功能持续增强，全区地区生产总值增长。望京街道、三里屯街道和酒仙桥街道的"
        "老旧小区改造全面完成，朝阳区与北京市其他各区协同发展，全区人民生活更加美好。"
    )
    liaoning = OPEN_CITY + (
        "朝阳的设施农业稳步发展，全市粮食产量创新高。双塔区、龙城区、北票市和凌源市的工业园区"
        "加快建设，朝阳的营商环境持续优化。"
    )
    assert detect_region("", beijing).unit.adcode == "110105"  # type: ignore[union-attr]
    assert detect_region("", liaoning).unit.adcode == "211300"  # type: ignore[union-attr]


def test_county_of_a_municipality_without_a_prefecture_level():
    text = OPEN_COUNTY + (
        "巫山县的脆李产业提质增效，全县旅游综合收入增长。大昌镇、官渡镇和骡坪镇的乡村振兴示范点"
        "建成，巫山县的山水旅游品牌更加响亮，全县人民共享发展成果。"
    )
    assert detect_region("", text).unit.adcode == "500237"  # type: ignore[union-attr]


# -- the command line ----------------------------------------------------------------------------
def test_cli_ingest_json_shows_region_fields_and_takes_an_override(tmp_path, capsys):
    import json

    from atlas.cli import main

    path = tmp_path / "report.txt"
    path.write_text(
        OPEN_COUNTY
        + "伊宁县的林果业提质增效，全县农民增收。墩麻扎镇和巴依托海镇的设施农业铺开，伊宁县更美好。",
        encoding="utf-8",
    )
    assert main(["ingest", str(path), "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["region"]["adcode"] == "654021"
    assert (record["region_level"], record["region_source"]) == ("county", "detected")
    assert 0 < record["region_confidence"] <= 1 and "伊宁" in record["region_evidence"]

    assert main(["ingest", str(path), "--json", "--region", "650000"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert (record["region"]["name"], record["region_source"]) == ("新疆维吾尔自治区", "user")


def test_cli_rejects_a_bad_region_code_with_a_message(tmp_path, capsys):
    from atlas.cli import main

    path = tmp_path / "report.txt"
    path.write_text("今年的工作任务很重。", encoding="utf-8")
    assert main(["ingest", str(path), "--region", "65"]) == 2
    assert "not a 6-digit adcode" in capsys.readouterr().err


def test_cli_build_with_a_regions_csv_and_an_unknown_region(tmp_path, capsys):
    import json

    from atlas.cli import main

    (tmp_path / "a.txt").write_text("今年的工作任务很重，我们要把工作做得更好。", encoding="utf-8")
    (tmp_path / "b.txt").write_text("今年的工作任务很重，群众更加满意。", encoding="utf-8")
    csv_path = tmp_path / "regions.csv"
    csv_path.write_text("file,adcode\na.txt,530700\n", encoding="utf-8")
    out = tmp_path / "atlas"
    args = ["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(out), "-q"]
    assert main([*args, "--regions", str(csv_path), "--workers", "1", "--no-cache"]) == 0
    err = capsys.readouterr().err
    assert "region unknown for 1 of 2 documents" in err and "b.txt" in err
    props = {
        f["properties"]["source_file"]: f["properties"]
        for f in json.loads((out / "documents.geojson").read_text("utf-8"))["features"]
    }
    assert (props["a.txt"]["region_code"], props["a.txt"]["region_source"]) == ("530700", "user")
    assert props["b.txt"]["region_code"] is None and props["b.txt"]["region_level"] is None
    report = json.loads((out / "report.json").read_text("utf-8"))
    assert [u["source_file"] for u in report["unknown_regions"]] == ["b.txt"]


# -- year and kind of a work report --------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("——2023年1月9日在昭通市第五届人民代表大会第三次会议上\n各位代表：", 2023),
        ("各位代表：\n一、2019年工作回顾\n2019年是极不平凡的一年。\n二、2020年工作安排\n", 2020),
        ("各位代表：\n过去一年，面对复杂形势，2016年全市生产总值增长百分之七。", 2017),
        ("各位代表：\n现在我代表县人民政府报告工作。\n今年是关键之年。2024年主要任务是稳增长。", 2024),
    ],
)
def test_work_report_year_is_the_year_it_was_delivered(text, year):
    from atlas.ingest import work_report_year

    assert work_report_year(text) == year


def test_national_report_filed_under_a_city_is_a_work_report_of_the_country():
    from atlas.ingest import documents_from_text

    text = (
        "各位代表：\n现在，我代表国务院，向大会报告政府工作，请予审议。\n一、2022年工作回顾\n"
        "全国粮食产量稳定，我国经济回升向好，全国城镇新增就业一千二百万人。\n"
    )
    (doc,) = documents_from_text(text, source_file="haikou_2023_report.txt")
    assert (doc.kind, doc.year, doc.region_level) == ("work_report", 2023, "country")


def test_a_conjunction_before_a_county_word_is_not_a_county():
    assert "和县" not in names("在市委、市政府和县委的坚强领导下，全县经济稳步增长。")
    assert "和县" in names("马鞍山市和县的长江岸线整治完成；和县的稻虾共作面积扩大。")


def test_a_county_made_a_district_since_speaks_as_the_county_it_was():
    # 呈贡县 became 昆明市呈贡区 in 2011; an older report speaks as the 县 and names its city often
    body = (
        "政府工作报告\n各位代表：现在，我代表呈贡县人民政府向大会报告工作。\n"
        "过去一年，在昆明市委、市政府领导下，全县上下共同努力，呈贡新城建设加快，县城道路改造完成。\n"
        "今年我县将融入昆明主城，推进滇池东岸湿地保护，呈贡的花卉产业继续壮大，呈贡大学城加快建设。\n"
        "全县财政收入稳步增长，呈贡农民收入提高。昆明地铁延伸至呈贡。\n"
    )
    guess = detect_region("政府工作报告", body)
    assert guess.unit is not None and guess.unit.adcode == "530114"  # 呈贡区, not 昆明市


def test_a_report_whose_line_breaks_became_spaces_is_still_placed():
    """Flattened to one line per paragraph, the report's wrap points fall inside names (汕 尾)."""
    text = (
        "各位代表：\n现在，我代表市人民政府向大会报告 工作，请予审议。过去一年，汕 尾的海洋渔业和风电产业齐头并 "
        "进，红海湾旅游人数大幅增长， 全市地区生产总值增长百分之六。我们推进汕 尾港区建设，陆 丰市和海 丰县的乡村振兴"
        "示范带初具规模，汕 尾的城市面貌明显改善。全 市新增城镇就业一万二千人，汕 尾市民的获得感不断增强。"
    )
    guess = detect_region("", text)
    assert guess.unit is not None and guess.unit.name == "汕尾市", guess.evidence
