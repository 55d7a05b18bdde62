"""A tiny hand-made atlas for the map/app tests: two regions, every theme, hostile text.

The source document is written here from sentences of our own; two of them carry
``<script>alert(1)</script>`` and ``<img src=x onerror=alert(2)>`` so the tests can check that
popups, tooltips and tables show them as text.
"""

from __future__ import annotations

from pathlib import Path

import shapely

from atlas.boundaries import load_boundaries
from atlas.layers import documents_frame, indicators_frame, regions_frame, theme_frame, write_atlas
from atlas.models import THEMES, Document, Feature, Indicator, Mention

HUOZHOU = "141082"
CHANGZHI = "140400"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"

SOURCE_NAME = "fixture_plan.txt"
SOURCE_TEXT = (
    "霍州市测试规划\n"
    "第一章 生态保护\n"
    f"我们将建设七星湿地公园{SCRIPT}，并保护北山森林公园。\n"
    f"推进南河生态廊道建设{IMG}，改善水环境。\n"
    "规划建设东西快速路，连接甲镇与乙镇。\n"
    "全市生态保护红线面积不低于120平方公里。\n"
    "森林覆盖率达到30%。\n"
)
OTHER_NAME = "fixture_city.txt"
OTHER_TEXT = "长治市测试报告\n新建南湖城市公园一处。\n"


def _mention(doc: Document, theme: str, kind: str, name: str, **attrs) -> Mention:
    start = doc.text.index(name if theme != "red_lines" else "生态保护红线")
    end = start + len(name if theme != "red_lines" else "生态保护红线")
    return Mention(doc.doc_id, theme, kind, name, start, end, start, end, attrs)


def build_fixture_atlas(root: Path) -> Path:
    """Write the fixture atlas into ``root/layers`` and its sources into ``root/sources``.

    Returns the layers folder. Feature counts: parks 4 (3 in 霍州市), red_lines 1, corridors 1,
    eco_zones 2, structure 0; one forest-cover indicator for 霍州市 only.
    """
    b = load_boundaries()
    sources = root / "sources"
    sources.mkdir(parents=True, exist_ok=True)
    (sources / SOURCE_NAME).write_text(SOURCE_TEXT, encoding="utf-8")
    (sources / OTHER_NAME).write_text(OTHER_TEXT, encoding="utf-8")

    hz, cz = b.get(HUOZHOU), b.get(CHANGZHI)
    doc1 = Document(
        "fx-1", "霍州市测试规划", "fyp_outline", 2021, hz, SOURCE_TEXT, SOURCE_NAME, 0, len(SOURCE_TEXT)
    )
    doc2 = Document(
        "fx-2", "长治市测试报告", "work_report", 2022, cz, OTHER_TEXT, OTHER_NAME, 0, len(OTHER_TEXT)
    )
    docs = {d.doc_id: d for d in (doc1, doc2)}

    centre = b.label_point(HUOZHOU)
    exact = shapely.Point(centre.x + 0.03, centre.y + 0.02)
    town = shapely.Point(centre.x - 0.04, centre.y - 0.03)
    line = shapely.LineString([(centre.x - 0.08, centre.y), (centre.x + 0.08, centre.y + 0.01)])
    features = [
        Feature(_mention(doc1, "parks", "wetland_park", "七星湿地公园", level="national", status="planned"),
                exact, "exact", HUOZHOU, "霍州市", "七星湿地公园", "fixture"),
        Feature(_mention(doc1, "parks", "forest_park", "北山森林公园", status="existing"),
                centre, "county", HUOZHOU, "霍州市"),
        Feature(_mention(doc1, "parks", "other_park", SCRIPT, status=None),
                centre, "county", HUOZHOU, "霍州市"),
        Feature(_mention(doc1, "eco_zones", "eco_corridor", "南河生态廊道", places=["南河"]),
                town, "town", HUOZHOU, "霍州市", "甲镇", "fixture"),
        Feature(_mention(doc1, "eco_zones", "other", IMG, places=[]),
                centre, "county", HUOZHOU, "霍州市"),
        Feature(_mention(doc1, "corridors", "expressway", "东西快速路", endpoints=["甲镇", "乙镇"], status="planned"),
                line, "schematic", HUOZHOU, "霍州市"),
        Feature(_mention(doc1, "red_lines", "red_line", "生态保护红线", area_km2=120.0),
                b.geometry(HUOZHOU), "county", HUOZHOU, "霍州市"),
        Feature(_mention(doc2, "parks", "urban_park", "南湖城市公园", status="planned"),
                b.label_point(CHANGZHI), "region", CHANGZHI, "长治市"),
    ]  # fmt: skip
    start = SOURCE_TEXT.index("森林覆盖率")
    indicator = Indicator(
        "fx-1", HUOZHOU, "森林覆盖率", "forest_cover", "%", "25", "30", None, "约束性", True, 25.0, 30.0,
        start, start + 5,
    )  # fmt: skip
    layers = {"documents": documents_frame([doc1, doc2], boundaries=b)}
    for theme in THEMES:
        layers[theme] = theme_frame(theme, features, docs)
    layers["indicators"] = indicators_frame([indicator], docs, source="table", boundaries=b)
    layers["facts"] = indicators_frame([indicator], docs, source="prose", boundaries=b)
    layers["regions"] = regions_frame([doc1, doc2], layers, boundaries=b)
    out = root / "layers"
    write_atlas(layers, out)
    return out
