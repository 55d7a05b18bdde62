"""Exports that open cleanly in QGIS: one geometry type per GeoPackage table, the same field types in
every build, a GeoPackage version GDAL 3.6 reads without a warning."""

from __future__ import annotations

import sqlite3

import pyogrio
import pytest

from atlas.build import build_atlas
from atlas.layers import LAYERS

PLAN_A = (
    "2024年海口市秀英区政府工作报告\n现在我代表区人民政府报告工作。建设西海岸森林公园，"
    "推进海口至三亚高速公路改造。划定生态保护红线面积120平方公里。\n"
)
PLAN_B = "2023年东港区政府工作报告\n现在我代表区人民政府报告工作。今年加快发展现代服务业。\n"


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    out = {}
    for key, text in (("a", PLAN_A), ("b", PLAN_B)):
        root = tmp_path_factory.mktemp(key)
        (root / "in").mkdir()
        (root / "in" / "plan.txt").write_text(text, encoding="utf-8")
        build_atlas([root / "in"], root / "atlas", workers=1, cache=False)
        out[key] = root / "atlas" / "atlas.gpkg"
    return out


def _fields(path, layer) -> dict[str, str]:
    info = pyogrio.read_info(path, layer=layer)
    return dict(zip(info["fields"], info["dtypes"], strict=True))


def test_one_geometry_type_per_table_and_the_same_fields_in_both_builds(two_builds):
    a, b = two_builds["a"], two_builds["b"]
    for path in (a, b):
        for name, kind in pyogrio.list_layers(path):
            assert kind in ("MultiPoint", "MultiLineString", "MultiPolygon"), (path, name, kind)

    def tables(path, name):
        return [t for t, _ in pyogrio.list_layers(path) if t == name or t.startswith(f"{name}_")]

    compared = 0
    for name in LAYERS:
        for ta in tables(a, name):
            for tb in tables(b, name):
                assert _fields(a, ta) == _fields(b, tb), (ta, tb)
                compared += 1
    assert compared >= len(LAYERS)


def test_empty_numeric_columns_stay_numeric(two_builds):
    fields = _fields(two_builds["b"], "red_lines")  # plan B states no red line: the layer is empty
    assert fields["area_km2"] == "float64" and fields["share_pct"] == "float64"
    assert fields["char_start"] == "int64"
    regions = _fields(two_builds["b"], "regions")
    assert regions["forest_cover_target"] == "float64" and regions["n_parks"] == "int64"


def test_geopackage_version_that_gdal_3_6_reads_without_warning(two_builds):
    with sqlite3.connect(two_builds["a"]) as con:
        application_id = con.execute("PRAGMA application_id").fetchone()[0]
        user_version = con.execute("PRAGMA user_version").fetchone()[0]
    assert application_id == 0x47504B47  # "GPKG"
    assert user_version == 10200  # GeoPackage 1.2 (GDAL 3.6 warns about 1.4 = 10400)
