"""Tests of atlas.extract.status: verbs and past-review sections."""

from __future__ import annotations

import pytest

from atlas.extract.status import is_past_review, status_at
from atlas.models import Document


def _doc(text: str) -> Document:
    return Document("t", "", "fyp_outline", 2021, None, text, "t.txt", 0, len(text))


def _status(text: str, name: str) -> str | None:
    i = text.index(name)
    return status_at(_doc(text), i, i + len(name))


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("全力推进甲乙高速建成通车。", "甲乙高速", "built"),
        ("丙丁铁路已于去年开通。", "丙丁铁路", "built"),
        ("加快甲乙高速公路建设。", "甲乙高速公路", "under_construction"),
        ("甲乙高速开工建设。", "甲乙高速", "under_construction"),
        ("谋划丙丁铁路前期工作。", "丙丁铁路", "planned"),
        ("积极争取甲乙通用机场。", "甲乙通用机场", "planned"),
        ("投资建设青山湿地公园。", "青山湿地公园", "planned"),
        ("实施乙丙公路改扩建工程。", "乙丙公路", "upgrade"),
        ("围绕创建国家5A级景区目标,提升青山景区品质。", "青山景区", "upgrade"),
        ("依托青山景区发展康养产业。", "青山景区", "existing"),
        ("青山景区位于城东。", "青山景区", None),
    ],
)
def test_verbs(text: str, name: str, expected: str | None) -> None:
    assert _status(text, name) == expected


def test_future_target_is_planned() -> None:
    assert _status("到2025年建成甲乙高速。", "甲乙高速") == "planned"


def test_past_review_versus_plan_inline_headings() -> None:
    text = "一、2020年工作回顾。建设了青山公园。二、2021年工作安排。建设绿水公园。"
    doc = _doc(text)
    assert is_past_review(doc, text.index("青山"))
    assert not is_past_review(doc, text.index("绿水"))
    assert _status(text, "青山公园") == "built"
    assert _status(text, "绿水公园") == "planned"


def test_past_review_by_chapter_and_paragraph() -> None:
    text = (
        "第一节 “十三五”发展成就\n“十三五”期间,依托青山公园举办活动。\n"
        "第二节 “十四五”发展形势\n依托绿水公园发展旅游。\n"
    )
    assert _status(text, "青山公园") == "existing"
    assert _status(text, "绿水公园") == "existing"
    doc = _doc(text)
    assert is_past_review(doc, text.index("青山"))
    assert not is_past_review(doc, text.index("绿水"))


def test_plain_review_mention_is_existing() -> None:
    text = "“十三五”以来,青山公园等一批民生项目惠及群众。\n“十四五”时期,青山公园提档升级。\n"
    first = text.index("青山公园")
    second = text.index("青山公园", first + 1)
    doc = _doc(text)
    assert status_at(doc, first, first + 4) == "existing"
    assert status_at(doc, second, second + 4) == "upgrade"
