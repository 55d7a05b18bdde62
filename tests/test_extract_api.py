"""Tests of the atlas.extract entry point, and of the extractors on the sample plans."""

from __future__ import annotations

import pytest

from atlas._errors import InputError
from atlas.boundaries import load_boundaries
from atlas.extract import mentions_from_document, mentions_from_documents
from atlas.models import Document
from atlas.settings import PLANS_DIR


def _doc(text: str, *, start: int = 0) -> Document:
    return Document("t", "", "fyp_outline", 2021, None, text, "t.txt", start, start + len(text))


TEXT = "划定并严守生态保护红线。投资建设青石湿地公园,加强青溪河流域生态保护。"


def test_all_themes_sorted_by_offset() -> None:
    got = mentions_from_document(_doc(TEXT), themes=["parks", "red_lines", "eco_zones", "structure"])
    assert [(m.theme, m.name, m.char_start) for m in got] == [
        ("red_lines", "生态保护红线", 0),
        ("parks", "青石湿地公园", 16),
        ("eco_zones", "青溪河流域", 25),
    ]
    assert got == sorted(got, key=lambda m: (m.char_start, m.theme, m.name))


def test_theme_filter_and_many_documents() -> None:
    docs = [_doc(TEXT), _doc(TEXT, start=100)]
    got = mentions_from_documents(docs, themes=["parks"])
    assert [(m.name, m.char_start) for m in got] == [("青石湿地公园", 16), ("青石湿地公园", 116)]


def test_unknown_theme_is_refused() -> None:
    with pytest.raises(InputError, match="unknown theme"):
        mentions_from_document(_doc(TEXT), themes=["roads"])


def _plan(prefix: str) -> Document:
    from atlas.ingest import documents_from_paths

    paths = sorted(PLANS_DIR.glob(f"{prefix}_*.txt"))
    if not paths:
        pytest.skip(f"sample plans not found in {PLANS_DIR}")
    return documents_from_paths(paths)[0]


@pytest.mark.skipif(not PLANS_DIR.exists(), reason="sample plans (../shared/plans) are absent")
def test_sample_plan_names_and_offsets() -> None:
    doc = _plan("001")
    got = mentions_from_document(doc, themes=["parks", "red_lines", "eco_zones"])
    names = {(m.theme, m.name) for m in got}
    for expected in [
        ("parks", "太行洪谷国家森林公园"),
        ("parks", "历山国家级自然保护区"),
        ("eco_zones", "沁河流域"),
        ("eco_zones", "张峰水库"),
    ]:
        assert expected in names
    source = (PLANS_DIR / doc.source_file).read_bytes().decode("utf-8")
    for m in got:
        if m.theme == "parks" and m.name.isalpha():
            assert source[m.char_start : m.char_end] == m.name


def test_one_feature_per_entity_with_every_mention() -> None:
    text = "新建红柳湿地公园。红柳湿地公园年内开放。扩建 红柳湿地公园 停车场。严守生态保护红线。守住生态保护红线。"
    got = mentions_from_document(_doc(text, start=5), themes=["parks", "red_lines"])
    parks = [m for m in got if m.theme == "parks"]
    assert len(parks) == 1
    (park,) = parks
    first = text.index("红柳")
    assert (park.name, park.char_start, park.char_end) == ("红柳湿地公园", first + 5, first + 11)
    spans = [[text.index("红柳", k) + 5, text.index("红柳", k) + 11] for k in (0, first + 1, first + 10)]
    assert park.get("mentions") == spans
    assert park.get("status") == "planned"  # the first mention's status
    # statements are not entities: each red-line statement stays a feature of its own
    assert len([m for m in got if m.theme == "red_lines"]) == 2


def test_a_route_code_written_two_ways_is_one_corridor() -> None:
    got = mentions_from_document(_doc("改造国道G318。完成318国道拓宽。"), themes=["corridors"])
    assert [(m.name, m.get("code"), len(m.get("mentions"))) for m in got] == [("国道G318", "G318", 2)]


def test_a_coded_road_written_with_its_ends_is_named_by_its_code() -> None:
    text = "改造G214西宁-景洪公路。G214城区段改线,G214西宁-景洪公路全线贯通。"
    unit = load_boundaries().get("530800")  # 普洱市, 云南
    doc = Document("t", "", "work_report", 2021, unit, text, "t.txt", 0, len(text))
    got = mentions_from_document(doc, themes=["corridors"])
    assert [(m.name, m.get("code"), m.get("endpoints"), len(m.get("mentions"))) for m in got] == [
        ("G214", "G214", ["西宁市", "景洪市"], 3)
    ]
    assert (got[0].char_start, got[0].char_end) == (2, 13)  # the first mention, as written


def test_a_road_leading_off_a_coded_road_stays_its_own_corridor() -> None:
    text = "新建G219-喀纳斯公路,G219路面改造。"
    got = mentions_from_document(_doc(text), themes=["corridors"])
    assert sorted(m.name for m in got) == ["G219", "G219-喀纳斯公路"]


def test_expressway_with_a_code_keeps_its_own_name() -> None:
    text = "G75兰海高速公路扩容。"
    got = mentions_from_document(_doc(text), themes=["corridors"])
    assert [(m.name, m.get("code")) for m in got] == [("G75兰海高速公路", "G75")]


def test_a_national_document_is_read_with_the_names_of_all_of_china() -> None:
    from atlas.boundaries import COUNTRY

    text = "支持海南热带雨林国家公园建设,加强雅鲁藏布江流域保护。"
    doc = Document("t", "", "work_report", 2021, COUNTRY, text, "t.txt", 0, len(text))
    got = mentions_from_document(doc, themes=["parks", "eco_zones"])
    assert [m.name for m in got] == ["海南热带雨林国家公园", "雅鲁藏布江流域"]


def test_a_coded_road_continued_to_a_written_end_is_its_own_corridor() -> None:
    text = "改造省道203线,新建省道203线至乌什塔拉公路。"
    got = mentions_from_document(_doc(text), themes=["corridors"])
    assert sorted(m.name for m in got) == ["省道203线", "省道203线至乌什塔拉公路"]


def test_a_route_written_out_and_abbreviated_is_one_corridor() -> None:
    # 昆明至大理: 昆大高速 abbreviates it, and the same road read from the other end is 大昆
    text = "昆大高速扩容。建成昆明至大理高速公路复线。大昆高速改造。加快昆大铁路建设。"
    unit = load_boundaries().get("530100")  # 昆明市, 云南
    doc = Document("t", "", "work_report", 2021, unit, text, "t.txt", 0, len(text))
    got = mentions_from_document(doc, themes=["corridors"])
    assert [(m.name, m.kind, len(m.get("mentions"))) for m in got] == [
        ("昆大高速", "expressway", 3),
        ("昆大铁路", "railway", 1),  # a railway between the same cities is another corridor
    ]
