from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely

from atlas._errors import LayerError
from atlas.layers import (
    COMMON_FIELDS,
    area_km2,
    geojson_bytes,
    geometry_to_geojson,
    length_km,
    read_layer,
    write_atlas,
)


def _frame(rows):
    base = dict.fromkeys(COMMON_FIELDS)
    return gpd.GeoDataFrame([{**base, **r} for r in rows], geometry="geometry", crs="EPSG:4326")


def test_polygons_follow_the_right_hand_rule_and_round_to_6_decimals():
    clockwise = shapely.Polygon([(0, 0), (0, 1.123456789), (1, 1), (1, 0)])
    gj = geometry_to_geojson(clockwise)
    ring = gj["coordinates"][0]
    assert shapely.LinearRing(ring).is_ccw
    assert [0, 1.123457] in ring


def test_geojson_is_sorted_deterministic_and_has_no_crs():
    frame = _frame(
        [
            {"id": "b", "name": "乙", "geometry": shapely.Point(112.1234567, 36.5)},
            {"id": "a", "name": "<甲>", "geometry": shapely.Point(111.0, 36.0)},
        ]
    )
    raw = geojson_bytes(frame)
    assert raw == geojson_bytes(frame.iloc[::-1])
    data = json.loads(raw)
    assert "crs" not in data
    assert [f["id"] for f in data["features"]] == ["a", "b"]
    assert data["features"][1]["geometry"]["coordinates"] == [112.123457, 36.5]
    assert "<甲>" in raw.decode("utf-8")  # UTF-8, not \\u escapes


def test_write_is_atomic_on_failure(tmp_path):
    out = tmp_path / "atlas"
    good = _frame([{"id": "a", "name": "x", "geometry": shapely.Point(1, 1)}])
    write_atlas({"parks": good}, out, report={"ok": True})
    before = (out / "parks.geojson").read_bytes()

    bad = _frame([{"id": "b", "name": "y", "geometry": shapely.Point(2, 2)}])
    bad["oops"] = [object()]  # cannot be serialised
    with pytest.raises(TypeError):
        write_atlas({"parks": bad}, out)
    assert (out / "parks.geojson").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".atlas.tmp-")]


def test_round_trip_and_gpkg_layers(tmp_path):
    frame = _frame(
        [
            {"id": "a", "name": "线", "geometry": shapely.LineString([(111, 36), (112, 37)])},
            {"id": "b", "name": "点", "geometry": shapely.Point(111.5, 36.5)},
        ]
    )
    frame["endpoints"] = [["甲县", "乙市"], None]
    write_atlas({"corridors": frame}, tmp_path)
    back = read_layer(tmp_path / "corridors.geojson")
    assert list(back["name"]) == ["线", "点"]
    assert back.loc[0, "endpoints"] == ["甲县", "乙市"]
    import pyogrio

    # a line and a point: one GeoPackage table per geometry dimension, each of one Multi* type
    assert [tuple(x) for x in pyogrio.list_layers(tmp_path / "atlas.gpkg")] == [
        ("corridors_points", "MultiPoint"),
        ("corridors_lines", "MultiLineString"),
    ]
    from atlas.store import AtlasStore

    store = AtlasStore(tmp_path)
    assert store.layer_names() == ["corridors"] and store.count("corridors") == 2
    back = store.read("corridors")
    assert list(back["id"]) == ["a", "b"] and list(back.geom_type) == ["LineString", "Point"]


def test_read_layer_explains_problems(tmp_path):
    with pytest.raises(LayerError, match="run `atlas build"):
        read_layer(tmp_path / "missing.geojson")
    bad = tmp_path / "parks.geojson"
    bad.write_text('{"type": "FeatureCollection", "crs": {}, "features": []}', encoding="utf-8")
    with pytest.raises(LayerError, match="'crs' member"):
        read_layer(bad)
    bad.write_bytes(b"\xff\xfe garbage")
    with pytest.raises(LayerError, match="not a valid UTF-8 GeoJSON"):
        read_layer(bad)


def test_measures_are_metric_not_degrees():
    one_degree = shapely.Polygon([(111, 36), (112, 36), (112, 37), (111, 37)])
    assert 9_900 < area_km2(one_degree) < 10_000  # ~ 90 km x 111 km at 36.5°N
    assert 110 < length_km(shapely.LineString([(111, 36), (111, 37)])) < 112


def test_streamed_geojson_is_the_feature_collection_text_with_typed_values():
    """The file is written feature by feature; its text is json.dumps of each feature dict, with
    every cell of its field's type whatever pandas stored (NaN, numpy numbers, lists, missing)."""
    import numpy as np

    from atlas.layers import to_feature_collection

    county = shapely.Polygon([(100, 30), (101, 30), (101, 31), (100, 31)])  # shared by two rows
    frame = _frame(
        [
            {"id": "z2", "name": "拉萨河谷", "geometry": county, "char_start": np.int64(7), "area_km2": 12},
            {
                "id": "a1",
                "name": "漓江",
                "geometry": county,
                "char_start": float("nan"),
                "area_km2": np.float32(2.5),
            },
            {"id": "m0", "name": "无处", "geometry": None, "places": ["桂林市", "阳朔县"]},
        ]
    )
    raw = geojson_bytes(frame)
    lines = raw.decode("utf-8").split("\n")
    expected = to_feature_collection(frame)["features"]
    assert lines[1:-2] == [
        json.dumps(f, ensure_ascii=False, separators=(",", ":")) + ("," if i < len(expected) - 1 else "")
        for i, f in enumerate(expected)
    ]
    by_id = {f["id"]: f["properties"] for f in json.loads(raw)["features"]}
    assert by_id["z2"]["char_start"] == 7 and by_id["a1"]["char_start"] is None
    assert by_id["z2"]["area_km2"] == 12.0 and isinstance(by_id["z2"]["area_km2"], float)
    assert by_id["m0"]["places"] == ["桂林市", "阳朔县"]
    assert raw.count(b'"type":"Polygon"') == 2


def test_gpkg_fields_keep_their_types_and_single_geometries_become_multi(tmp_path):
    import pyogrio

    frame = _frame(
        [
            {"id": "p", "name": "洱海", "geometry": shapely.Polygon([(100, 25), (100.2, 25), (100.2, 25.8)])},
            {"id": "q", "name": "空", "geometry": shapely.Polygon()},
        ]
    )
    frame["year"] = [2021.0, None]
    frame["places"] = [["大理市"], None]
    write_atlas({"red_lines": frame}, tmp_path)
    back = pyogrio.read_dataframe(tmp_path / "atlas.gpkg", layer="red_lines")
    assert back.geom_type[0] == "MultiPolygon" and back.geometry[1] is None  # empty: no geometry
    assert back["year"].tolist()[0] == 2021 and back["places"][0] == '["大理市"]' and back["places"].isna()[1]
    info = pyogrio.read_info(tmp_path / "atlas.gpkg", layer="red_lines")
    assert dict(zip(info["fields"], info["dtypes"], strict=True))["year"] == "int64"
