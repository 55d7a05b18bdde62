"""The plan period read from the document: 十三五 / 十四五 / 十五五, in text helpers, tables, facts, status."""

from __future__ import annotations

import pytest

from atlas.extract.status import document_period, is_past_review, status_at
from atlas.indicators import indicators_from_document
from atlas.models import AdminUnit, Document
from atlas.text import PlanPeriod, period_mentions, plan_period

REGION = AdminUnit("460000", "海南省", "province", "海南省")


def _doc(text: str, *, title: str = "", year: int | None = None, kind: str = "fyp_outline") -> Document:
    return Document("p", title, kind, year, REGION, text, "p.txt", 0, len(text))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("number", "name", "base", "target"),
    [(13, "十三五", 2015, 2020), (14, "十四五", 2020, 2025), (15, "十五五", 2025, 2030)],
)
def test_periods_and_their_years(number: int, name: str, base: int, target: int) -> None:
    p = PlanPeriod(number)
    assert (p.name, p.base_year, p.target_year) == (name, base, target)
    assert PlanPeriod.containing(base + 1) == p and PlanPeriod.containing(target) == p
    assert period_mentions(f"回顾“{name}”，迈向新阶段") == [p]


def test_period_from_title_then_year_then_text() -> None:
    assert plan_period("", title="三亚市国民经济和社会发展第十五个五年规划纲要") == PlanPeriod(15)
    assert plan_period("十三五成绩显著，十四五开好局", year=2027) == PlanPeriod(15)
    assert plan_period("“十三五”已收官。“十四五”时期要……“十四五”末实现") == PlanPeriod(14)
    assert plan_period("没有写明时期。") is None


# -- indicator tables ----------------------------------------------------------------------------
FIFTEENTH = """“十四五”规划主要指标实现情况
指标 | 2020年 | 2025年目标 | 2025年实际 | 属性 |
1.森林覆盖率(%) | 57 | 58 | 58.2 | 约束性 |
“十五五”时期主要指标
指标 | 2025年 | 2030年 | 属性 |
1.森林覆盖率(%) | 58.2 | 60 | 约束性 |
2.地表水优良比例(%) | 95 | >96 | 约束性 |
正文。
"""


def test_a_fifteenth_plan_table_keeps_its_2025_base_and_2030_target() -> None:
    doc = _doc(FIFTEENTH, title="某县第十五个五年规划纲要", year=2026)
    rows = [(i.name, i.base, i.target) for i in indicators_from_document(doc) if i.source == "table"]
    assert rows == [("森林覆盖率", "58.2", "60"), ("地表水优良比例", "95", ">96")]


def test_the_period_comes_from_the_column_years_when_the_document_says_nothing() -> None:
    review = "上期主要指标实现情况\n指标 | 2020年 | 2025年目标 | 2025年实际 | 属性 |\n1.森林覆盖率(%) | 57 | 58 | 58.2 | 约束性 |\n"
    plan = "本期主要指标\n指标 | 2025年 | 2030年 | 属性 |\n1.森林覆盖率(%) | 58.2 | 61 | 约束性 |\n"
    rows = [
        (i.name, i.base, i.target)
        for i in indicators_from_document(_doc(review + plan))
        if i.source == "table"
    ]
    assert rows == [("森林覆盖率", "58.2", "61")]


def test_a_fourteenth_plan_table_is_read_as_before() -> None:
    text = "“十三五”主要指标完成情况\n指标 | 2015年 | 2020年 | 属性 |\n1.森林覆盖率(%) | 50 | 55 | 约束性 |\n“十四五”主要指标\n指标 | 2020年 | 2025年 | 属性 |\n1.森林覆盖率(%) | 55 | 57 | 约束性 |\n"
    rows = [
        (i.name, i.base, i.target)
        for i in indicators_from_document(_doc(text, year=2021))
        if i.source == "table"
    ]
    assert rows == [("森林覆盖率", "55", "57")]


def test_end_of_period_in_prose_is_its_target_year() -> None:
    doc = _doc("到“十五五”末，全县森林覆盖率达到62%。", year=2026)
    facts = [(i.key, i.target, i.year) for i in indicators_from_document(doc) if i.source == "prose"]
    assert facts == [("forest_cover", "62", 2030)]


# -- status sections -----------------------------------------------------------------------------
def test_review_and_plan_sections_of_a_fifteenth_plan() -> None:
    text = "第一章 “十四五”发展回顾\n建成甲乙高速。\n第二章 “十五五”发展目标\n建设丙丁铁路。\n"
    doc = _doc(text, year=2026)
    assert document_period(doc) == PlanPeriod(15)
    assert is_past_review(doc, text.index("甲乙")) and not is_past_review(doc, text.index("丙丁"))
    assert status_at(doc, text.index("甲乙"), text.index("甲乙") + 4) == "built"
    assert status_at(doc, text.index("丙丁"), text.index("丙丁") + 4) == "planned"


def test_in_a_fourteenth_plan_the_fourteenth_period_is_the_plan() -> None:
    text = "“十三五”以来\n建成甲乙高速。\n“十四五”时期\n建成丙丁铁路。\n"
    doc = _doc(text, year=2021)
    assert is_past_review(doc, text.index("甲乙")) and not is_past_review(doc, text.index("丙丁"))
    # 建成 in a sentence of the plan period's section naming the period is a plan
    assert status_at(doc, text.index("丙丁"), text.index("丙丁") + 4) != "existing"


def test_a_change_from_the_end_of_a_period_keeps_the_year_of_the_value_reached() -> None:
    doc = _doc(
        "森林覆盖率由“十三五”末的38%提高到41%，湿地保护率由2020年的50%提高到2023年的56%。",
        year=2024,
        kind="work_report",
    )
    facts = {
        i.key: (i.base or i.target, i.year) for i in indicators_from_document(doc) if i.source == "prose"
    }
    assert facts == {"forest_cover": ("41", None), "wetland_protection": ("56", 2023)}
