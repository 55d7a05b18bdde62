"""Tests of atlas.indicators: table layouts, value forms, keys and prose facts.

Every table here is made up for the tests (regions, numbers and row texts are invented).
"""

from __future__ import annotations

import pytest

from atlas.indicators import indicator_key, indicators_from_document, is_empty_cell, value_of
from atlas.models import AdminUnit, Document, Indicator
from atlas.settings import PLANS_DIR

REGION = AdminUnit("140000", "测试省", "province", "测试省")


def _doc(text: str, *, offset: int = 0, kind: str = "fyp_outline", year: int = 2021) -> Document:
    return Document("t", "", kind, year, REGION, text, "t.txt", offset, offset + len(text))  # type: ignore[arg-type]


def _table(text: str, **kw) -> list[Indicator]:
    return [i for i in indicators_from_document(_doc(text, **kw)) if i.source == "table"]


def _rows(inds: list[Indicator]) -> list[tuple]:
    return [(i.name, i.unit, i.base, i.target, i.growth, i.attribute) for i in inds]


# -- layout 1: pipe-delimited rows, a separate number column, review table first -----------------
PIPE = """专栏一 “十三五”主要指标完成情况
指标名称 | 2015年 | 规划目标 | 完成情况 | 属性 |
1.果园面积(万亩) | 3 | 4 | 4.2 | 预期性 |
“十四五”主要指标
序 号 | 指标名称 | 2020年 | 2025年 | 年均增速 [累计] | 属性 |
一、经济(2个) | |||||
1 | 地区生产总值(GDP)增长率(%) | 4.2 | ﹣ | >7 | 预期性 |
2 | 常住人口城镇化率(%) | *51.3 | 60 | [8.7] | 预期性 |
二、生态(2个) | |||||
3 | 森林覆盖率(%) | 22.5 | 完成上级 考核任务 | ﹣ | 约束性 |
4 | 粮食综合生产能力(产量)(万吨) | 10.2 | 11 | - | 约束性 |
三、其他(1个) | |||||
5 | 示范园区(市级)数量(个) | 0 | 2 |  | 预期性 |
注:[ ]为累计数。 |
正文继续。
"""


def test_pipe_rows_skip_the_review_table() -> None:
    inds = _table(PIPE)
    assert _rows(inds) == [
        ("地区生产总值(GDP)增长率", "%", "4.2", None, ">7", "预期性"),
        ("常住人口城镇化率", "%", "*51.3", "60", "[8.7]", "预期性"),
        ("森林覆盖率", "%", "22.5", "完成上级 考核任务", None, "约束性"),
        ("粮食综合生产能力(产量)", "万吨", "10.2", "11", None, "约束性"),
        ("示范园区(市级)数量", "个", "0", "2", None, "预期性"),
    ]
    assert [i.key for i in inds] == ["gdp_growth", "urbanisation", "forest_cover", "grain_output", None]
    assert [i.ecological for i in inds] == [False, False, True, True, False]  # 二、生态 category
    assert [(i.base_value, i.target_value) for i in inds] == [
        (4.2, None),
        (51.3, 60.0),
        (22.5, None),
        (10.2, 11.0),
        (0.0, 2.0),
    ]
    assert {i.year for i in inds} == {2025}
    assert {i.region_code for i in inds} == {"140000"}


def test_offsets_are_source_offsets_of_the_row() -> None:
    offset = 1000
    inds = _table(PIPE, offset=offset)
    first = inds[0]
    local = PIPE[first.char_start - offset : first.char_end - offset]
    assert local == "1 | 地区生产总值(GDP)增长率(%) | 4.2 | ﹣ | >7 | 预期性"


# -- layout 2: one cell per line, blank lines between, wraps and a dropped cell -------------------
CELLS = """专栏1 “十三五”规划主要指标

指标名称

2015年

规划目标

实现情况

属性

1、耕地面积(万亩)

10

10

——

10.1

约束性

专栏2 “十四五”主要指标

指标名称

2020年

2025年目标

累计或年均增长

属性

一、经济发展(3项)

1.地区生产总值增长(%)

6.1

——

>7.5

预期性

2.每千名老年人拥有养老床

位数(张)

30

40

——

预期性

3.城镇化率

常住人口城镇化率(%)

**48.2

控制在55

以内

——

预期性

二、绿色生态(2项)

4.城市空气质量优良天数(天)

300

310

约束性

5.细颗粒物(PM2.5)年均浓度(微克/立方米)

40

35

[12.5]

约束性

注:①[ ]内为五年累计数。
"""


def test_one_cell_per_line() -> None:
    inds = _table(CELLS)
    assert _rows(inds) == [
        ("地区生产总值增长", "%", "6.1", None, ">7.5", "预期性"),
        ("每千名老年人拥有养老床位数", "张", "30", "40", None, "预期性"),
        ("常住人口城镇化率", "%", "**48.2", "控制在55以内", None, "预期性"),
        ("城市空气质量优良天数", "天", "300", "310", None, "约束性"),
        ("细颗粒物(PM2.5)年均浓度", "微克/立方米", "40", "35", "[12.5]", "约束性"),
    ]
    assert [i.key for i in inds] == ["gdp_growth", "elderly_beds", "urbanisation", "good_air_days", "pm25"]
    assert [i.ecological for i in inds] == [False, False, False, True, True]
    assert [i.base_value for i in inds] == [6.1, 30.0, 48.2, 300.0, 40.0]
    assert [i.target_value for i in inds] == [None, 40.0, 55.0, 310.0, 35.0]
    wrapped = inds[1]
    assert CELLS[wrapped.char_start : wrapped.char_end].startswith("2.每千名老年人拥有养老床\n\n位数(张)")
    assert CELLS[wrapped.char_start : wrapped.char_end].endswith("预期性")


# -- layout 3: header words with spaces, (n) row numbers, ▶ categories ----------------------------
SPACED = """专栏1 “十四五”经济社会发展主要指标 | ||||
指 标 | 2020 年 | 2025 年 | 年均/累计 | 属 性 |
▶ 经济发展 | ||||
(1)地区生产总值增长(%) | -0.8 | — | 6 | 预期性 |
(2)5G用户普及率(%) | 20 | 70 | — | 预期性 |
▶ 绿色生态 | ||||
(3)单位地区生产总值能源消耗降低(%) | — | — | 达到上级要求 | 约束性 |
(4)地表水达到或好于Ⅲ类水体比例(%) | 90 | 100 | — | 约束性 |
"""


def test_spaced_header_and_parenthesised_numbers() -> None:
    inds = _table(SPACED)
    assert _rows(inds) == [
        ("地区生产总值增长", "%", "-0.8", None, "6", "预期性"),
        ("5G用户普及率", "%", "20", "70", None, "预期性"),
        ("单位地区生产总值能源消耗降低", "%", None, None, "达到上级要求", "约束性"),
        ("地表水达到或好于Ⅲ类水体比例", "%", "90", "100", None, "约束性"),
    ]
    assert [i.key for i in inds] == ["gdp_growth", "broadband_5g", "energy_intensity", "water_quality"]
    assert inds[0].base_value == -0.8
    assert [i.ecological for i in inds] == [False, False, True, True]


def test_tab_delimited_rows() -> None:
    text = (
        "指标\t2020年\t2025年\t属性\n1.森林覆盖率(%)\t18\t20\t约束性\n2.人均预期寿命(岁)\t76\t77.5\t预期性\n"
    )
    assert _rows(_table(text)) == [
        ("森林覆盖率", "%", "18", "20", None, "约束性"),
        ("人均预期寿命", "岁", "76", "77.5", None, "预期性"),
    ]


def test_row_number_glued_to_a_name_starting_with_a_digit() -> None:
    text = "指标名称\n\n2020年\n\n2025年\n\n属性\n\n9.甲(%)\n\n1\n\n2\n\n预期性\n\n10.5G基站数(个)【新基建】\n\n3\n\n4\n\n预期性\n"
    assert _rows(_table(text)) == [
        ("甲", "%", "1", "2", None, "预期性"),
        ("5G基站数", "个", "3", "4", None, "预期性"),
    ]


def test_group_heading_is_not_an_indicator() -> None:
    text = "指标 | 2020年 | 2025年 | 属性\n3.城镇化率 | | |\n常住人口城镇化率(%) | 50 | 56 | 预期性\n户籍人口城镇化率(%) | 40 | 45 | 预期性\n"
    inds = _table(text)
    assert [(i.name, i.key) for i in inds] == [
        ("常住人口城镇化率", "urbanisation"),
        ("户籍人口城镇化率", "urbanisation_registered"),
    ]


def test_only_review_table_gives_no_rows() -> None:
    text = "指标名称 | 2015年 | 2020年规划目标 | 2020年实际 | 属性\n1.甲(%) | 1 | 2 | 3 | 预期性\n"
    assert _table(text) == []


def test_boxes_with_bars_are_not_tables() -> None:
    text = "专栏3 生态修复工程 |\n实施荒山造林工程。 |\n"
    assert _table(text) == []


def test_pipe_row_wrapped_onto_two_lines() -> None:
    text = "序号 | 指标 | 2020年 | 2025年 | 属性 |\n7 | 每万名老年人拥有社区养 |\n老床位(张) | 12 | 20 | 预期性 |\n"
    inds = _table(text)
    assert _rows(inds) == [("每万名老年人拥有社区养老床位", "张", "12", "20", None, "预期性")]
    assert text[inds[0].char_start : inds[0].char_end].startswith("7 | 每万名")


def test_markdown_table_with_rule_and_unit_column() -> None:
    text = (
        "| 指标 | 单位 | 2020年 | 2025年 | 属性 |\n"
        "|---|---|---|---|---|\n"
        "| 湿地保护率 | % | 50 | 55 | 约束性 |\n"
        "| 耕地保有量 | 万亩 | 80 | 完成上级下达任务 | 约束性 |\n"
    )
    assert _rows(_table(text)) == [
        ("湿地保护率", "%", "50", "55", None, "约束性"),
        ("耕地保有量", "万亩", "80", "完成上级下达任务", None, "约束性"),
    ]


def test_word_table_with_merged_category_cells_and_category_column() -> None:
    text = (
        "| 类别 | 指标 | 2020年 | 2025年 | 属性 |\n"
        "| 经济发展 | 经济发展 | 经济发展 | 经济发展 | 经济发展 |\n"
        "| 资源环境 | 1.农田灌溉水有效利用系数 | 0.5 | 0.55 | 约束性 |\n"
        "| 民生福祉 | 2.城镇新增就业人数(万人) | 1 | [5] | 预期性 |\n"
    )
    inds = _table(text)
    assert _rows(inds) == [
        ("农田灌溉水有效利用系数", None, "0.5", "0.55", None, "约束性"),
        ("城镇新增就业人数", "万人", "1", "[5]", None, "预期性"),
    ]
    assert [i.ecological for i in inds] == [True, False]  # from the 类别 column


def test_one_cell_per_line_with_dropped_cells() -> None:
    text = (
        "指标\n2020年\n2025年\n年均增长[累计]\n属性\n"
        "1.新增城镇就业(万人)\n[3]\n预期性\n"
        "2.农村贫困人口(人)\n0\n保持动态清零\n约束性\n"
        "3.甲乙丙丁指标(%)\n4\n5\n预期性\n"
    )
    assert _rows(_table(text)) == [
        ("新增城镇就业", "万人", None, None, "[3]", "预期性"),
        ("农村贫困人口", "人", "0", "保持动态清零", None, "约束性"),
        ("甲乙丙丁指标", "%", "4", "5", None, "预期性"),
    ]


def test_latest_year_before_2025_is_the_base() -> None:
    text = "指标 | 2015年 | 2020年 | 2025年 | 属性\n森林覆盖率(%) | 15 | 17 | 19 | 约束性\n"
    assert _rows(_table(text)) == [("森林覆盖率", "%", "17", "19", None, "约束性")]
    text = "指标 | 2022年 | 2025年目标 | 2035年 | 属性\n森林覆盖率(%) | 18 | 19 | 25 | 约束性\n"
    assert _rows(_table(text)) == [("森林覆盖率", "%", "18", "19", None, "约束性")]


def test_two_line_header_with_the_target_year_below() -> None:
    text = "指标 | 现状 | 规划目标 | 属性\n| 2020年 | 2025年 | |\n人均预期寿命(岁) | 77 | 78 | 预期性\n"
    inds = _table(text)
    assert _rows(inds) == [("人均预期寿命", "岁", "77", "78", None, "预期性")]
    assert inds[0].year == 2025


SPACED_PDF = """表1 “十四五”时期主要指标
序号 指 标 2020 年 2025 年 年均增长 属 性
一、经济发展
1 地区生产总值增长率(%) 5.5 — 6 左右 预期性
2 单位 GDP 能耗降低(%) — — 完成省定 任务 约束性
二、生态环境
3 森林覆盖率(%) 23.1 25 — 约束性
4 城市空气质量优良天数比率(%) 80 >82 — 约束性
第二章 构建新发展格局
"""


def test_single_space_separated_rows_from_pdf_text() -> None:
    inds = _table(SPACED_PDF)
    assert _rows(inds) == [
        ("地区生产总值增长率", "%", "5.5", None, "6左右", "预期性"),
        ("单位 GDP 能耗降低", "%", None, None, "完成省定任务", "约束性"),  # spaces end cells here
        ("森林覆盖率", "%", "23.1", "25", None, "约束性"),
        ("城市空气质量优良天数比率", "%", "80", ">82", None, "约束性"),
    ]
    assert [i.key for i in inds] == ["gdp_growth", "energy_intensity", "forest_cover", "good_air_ratio"]
    assert [i.ecological for i in inds] == [False, True, True, True]
    assert SPACED_PDF[inds[2].char_start : inds[2].char_end] == "3 森林覆盖率(%) 23.1 25 — 约束性"


def test_project_tables_are_not_indicator_tables() -> None:
    text = "“十四五”重大项目\n序号 | 项目 | 建设内容 | 总投资(亿元) | 属性\n1 | 甲乙公路 | 新建 | 12 | 新建\n"
    assert _table(text) == []


def test_tab_rows_with_bare_category_lines() -> None:
    text = "序号\t指标\t2020年\t2025年\t属性\n一、生态(1个)\n1\t森林覆盖率(%)\t18\t20\t约束性\n"
    inds = _table(text)
    assert _rows(inds) == [("森林覆盖率", "%", "18", "20", None, "约束性")]


def test_one_cell_per_line_with_a_number_column() -> None:
    text = (
        "序 号\n\n指标名称\n\n2020年\n\n2025年\n\n属性\n\n一、民生(2个)\n\n"
        "1\n\n人均预期寿命(岁)\n\n76\n\n完成上级 下达任务\n\n预期性\n\n"
        "2\n\n5G用户普及率(%)\n\n30\n\n60\n\n预期性\n"
    )
    assert _rows(_table(text)) == [
        ("人均预期寿命", "岁", "76", "完成上级 下达任务", None, "预期性"),
        ("5G用户普及率", "%", "30", "60", None, "预期性"),
    ]


def test_html_table_through_ingest() -> None:
    from atlas.ingest import html_to_text

    html = (
        "<html><body><p>“十四五”主要指标</p><table>"
        "<tr><th>指标</th><th>2020年</th><th>2025年</th><th>属性</th></tr>"
        "<tr><td>1.森林覆盖率(%)</td><td>18</td><td>&gt;20</td><td>约束性</td></tr>"
        "</table></body></html>"
    )
    assert _rows(_table(html_to_text(html))) == [("森林覆盖率", "%", "18", ">20", None, "约束性")]


# -- values and keys ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("cell", "value"),
    [
        (">8", 8.0),
        ("≥5", 5.0),
        ("<5.5", 5.5),
        ("[5.75]", 5.75),
        ("[-0.4]", -0.4),
        ("*54.9", 54.9),
        ("**75.28", 75.28),
        ("-2.3", -2.3),
        ("12%", 12.0),
        ("3.76(户籍人口)", 3.76),
        ("完成省定 考核目标", None),
        ("2/0/29", None),
        ("——", None),
        ("﹣", None),
        ("-", None),
        ("空", None),
        ("", None),
    ],
)
def test_value_of(cell: str, value: float | None) -> None:
    assert value_of(cell) == value


@pytest.mark.parametrize(
    ("cell", "empty"), [("—", True), ("——", True), ("﹣", True), (" - ", True), ("0", False)]
)
def test_is_empty_cell(cell: str, empty: bool) -> None:
    assert is_empty_cell(cell) is empty


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("林木覆盖率", "forest_cover"),
        ("森林蓄积量", "forest_stock"),
        ("城区空气质量二级以上天数", "good_air_days"),
        ("空气质量优良天数比率", "good_air_ratio"),
        ("PM2.5平均浓度", "pm25"),
        ("万元GDP能耗下降", "energy_intensity"),
        ("单位GDP二氧化碳排放降幅", "co2_intensity"),
        ("国考断面水质优良(达到或好于Ⅲ类)比例", "water_quality"),
        ("劣Ⅴ类水体比例", "water_poor"),
        ("地区生产总值", "gdp"),
        ("地区生产总值(GDP)年均增速", "gdp_growth"),
        ("工业增加值占GDP比重", "industry_share"),
        ("人均预期寿命", "life_expectancy"),
        ("不相干的东西", None),
    ],
)
def test_indicator_key(name: str, key: str | None) -> None:
    assert indicator_key(name) == key


# -- the sample documents ---------------------------------------------------------------------------
needs_plans = pytest.mark.skipif(not PLANS_DIR.is_dir(), reason=f"sample plans not found in {PLANS_DIR}")


def _sample(prefix: str) -> Document:
    path = next(PLANS_DIR.glob(f"{prefix}_*.txt"))
    text = path.read_bytes().decode("utf-8")
    return Document(prefix, "", "fyp_outline", 2021, REGION, text, path.name, 0, len(text))


@needs_plans
@pytest.mark.parametrize(("prefix", "rows"), [("000", 32), ("001", 0), ("002", 33), ("004", 20)])
def test_sample_tables(prefix: str, rows: int) -> None:
    inds = _table_of(_sample(prefix))
    assert len(inds) == rows
    assert all(i.attribute in ("预期性", "约束性") for i in inds)


def _table_of(doc: Document) -> list[Indicator]:
    return [i for i in indicators_from_document(doc) if i.source == "table"]


@needs_plans
def test_sample_rows_point_at_their_text() -> None:
    doc = _sample("000")
    for ind in _table_of(doc):
        assert doc.text[ind.char_start : ind.char_end].endswith(ind.attribute or "")
        assert ind.name in doc.text[ind.char_start : ind.char_end]


# -- prose facts ------------------------------------------------------------------------------------
def _facts(text: str, *, kind: str = "work_report", year: int = 2021) -> list[tuple]:
    doc = _doc(text, kind=kind, year=year)
    inds = [i for i in indicators_from_document(doc) if i.source == "prose"]
    assert all(i.ecological and i.attribute is None for i in inds)
    return [(i.name, i.key, i.unit, i.base, i.target, i.base_value or i.target_value, i.year) for i in inds]


def test_prose_levels_with_year() -> None:
    text = "2020年全县空气质量优良天数达到280天,森林覆盖率达到21.5%。"
    assert _facts(text) == [
        ("空气质量优良天数", "good_air_days", "天", "280", None, 280.0, 2020),
        ("森林覆盖率", "forest_cover", "%", "21.5", None, 21.5, 2020),
    ]


def test_prose_amounts_in_both_orders() -> None:
    text = "去年完成人工造林3.2万亩,治理水土流失面积12平方公里,实施800亩矿山修复。"
    assert _facts(text) == [
        ("人工造林", "afforestation", "万亩", "3.2", None, 3.2, 2020),
        ("治理水土流失面积", "soil_erosion", "平方公里", "12", None, 12.0, 2020),
        ("矿山修复", "restoration", "亩", "800", None, 800.0, 2020),
    ]


def test_prose_changes_are_not_levels() -> None:
    assert _facts("全年优良天数同比增加15天,森林覆盖率提高1.2个百分点,PM2.5浓度下降9%。") == []


def test_prose_targets() -> None:
    text = "到2025年,森林覆盖率达到25%,城市污水处理率达到98%以上。"
    assert _facts(text, kind="fyp_outline") == [
        ("森林覆盖率", "forest_cover", "%", None, "25", 25.0, 2025),
        ("城市污水处理率", "sewage_treatment", "%", None, "98", 98.0, 2025),
    ]


def test_prose_respectively() -> None:
    text = "今年森林覆盖率、林木绿化率要分别达到20%、31.5%。"
    assert _facts(text) == [
        ("森林覆盖率", "forest_cover", "%", None, "20", 20.0, 2021),
        ("林木绿化率", "tree_cover", "%", None, "31.5", 31.5, 2021),
    ]


def test_prose_from_to_keeps_the_value_reached() -> None:
    text = "五年来,森林覆盖率由2015年的18%提高到2020年的22%。"
    assert _facts(text) == [("森林覆盖率", "forest_cover", "%", "22", None, 22.0, 2020)]


def test_prose_offsets_and_tables_are_skipped() -> None:
    text = "指标 | 2020年 | 2025年 | 属性\n1.森林覆盖率(%) | 20% | 22% | 约束性\n全市森林覆盖率达到20%。\n"
    inds = indicators_from_document(_doc(text, offset=50))
    prose = [i for i in inds if i.source == "prose"]
    assert [i.source for i in inds] == ["table", "prose"]
    assert text[prose[0].char_start - 50 : prose[0].char_end - 50] == "森林覆盖率达到20%"
