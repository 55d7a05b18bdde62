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
