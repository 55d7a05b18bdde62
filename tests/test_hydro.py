"""atlas.hydro: names and clipped geometry of rivers and lakes.

Unit tests use a tiny GeoPackage written here (two made-up squares in Yunnan and Jilin and a few
rivers); the tests on the national file skip with a reason when it is absent.
"""

from __future__ import annotations

import logging

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Polygon, box

from atlas import settings
from atlas._errors import DataMissingError
from atlas.hydro import LOST_WITHOUT, SOURCE_HYDRO, Hydro, load_hydro, water_names

SOUTH = box(100.0, 25.0, 101.0, 26.0)  # a made-up region
NORTH = box(125.0, 43.0, 126.0, 44.0)  # far away, where a same-name river runs


@pytest.fixture(scope="module")
def tiny_gpkg(tmp_path_factory):
    path = tmp_path_factory.mktemp("hydro") / "tiny.gpkg"
    rivers = gpd.GeoDataFrame(
        {
            "name": ["青石河", "青石河", "青石河", "白沙江", "_ ˮ", "远河"],
            "aliases": ["", "", "", "白沙水、下白沙", "", None],
            "layer": ["river2", "river2", "river5", "river4", "river5", "river1"],
        },
        geometry=[
            LineString([(99.5, 25.5), (100.5, 25.5)]),  # enters the south square
            LineString([(100.5, 25.5), (101.5, 25.6)]),  # leaves it
            LineString([(125.2, 43.5), (125.8, 43.5)]),  # same name, far north
            LineString([(100.2, 25.1), (100.2, 25.9)]),
            LineString([(100.3, 25.1), (100.3, 25.9)]),  # garbled name: dropped
            LineString([(110.0, 30.0), (111.0, 30.0)]),  # misses both squares
        ],
        crs=4326,
    )
    lakes = gpd.GeoDataFrame(
        {"name": ["明镜湖"], "aliases": [""], "layer": ["river_p1"]},
        geometry=[Polygon([(100.6, 25.6), (101.4, 25.6), (101.4, 25.8), (100.6, 25.8)])],
        crs=4326,
    )
    rivers.to_file(path, layer="rivers", driver="GPKG")
    lakes.to_file(path, layer="lakes", driver="GPKG")
    return path


def test_river_clipped_and_dissolved_inside_region(tiny_gpkg):
    hydro = load_hydro(tiny_gpkg)
    line = hydro.geometry_in("青石河", SOUTH)
    assert line.geom_type == "LineString"  # two segments merged into one line
    assert line.within(SOUTH.buffer(1e-9))
    assert line.length == pytest.approx(1.0, abs=0.01)  # 100.0 → 101.0, the far-north part never used


def test_same_name_elsewhere_is_its_own_river(tiny_gpkg):
    hydro = load_hydro(tiny_gpkg)
    north = hydro.geometry_in("青石河", NORTH)
    assert north.within(NORTH)
    assert hydro.geometry_in("远河", SOUTH) is None  # does not pass through: nothing


def test_aliases_name_the_same_segments(tiny_gpkg):
    hydro = load_hydro(tiny_gpkg)
    assert hydro.geometry_in("下白沙", SOUTH).equals(hydro.geometry_in("白沙江", SOUTH))
    names = water_names(tiny_gpkg)
    assert names["白沙水"] == "river" and names["明镜湖"] == "lake"
    assert not any("_" in n for n in names)  # garbled rows dropped
    body = next(b for b in hydro.water_bodies() if b.name == "白沙江")
    assert body.aliases == ("白沙水", "下白沙")


def test_lake_area_clipped(tiny_gpkg):
    hydro = load_hydro(tiny_gpkg)
    lake = hydro.geometry_in("明镜湖", SOUTH, kind="lake")
    assert lake.geom_type == "Polygon"
    assert lake.area == pytest.approx(0.4 * 0.2, rel=1e-6)


def test_rivers_in_region_for_the_overlay(tiny_gpkg):
    hydro = load_hydro(tiny_gpkg)
    names = [n for n, _ in hydro.rivers_in(SOUTH)]
    assert names == ["白沙江", "青石河"]  # river5 segments are not main rivers; 远河 is outside
    assert [n for n, _ in hydro.lakes_in(SOUTH)] == ["明镜湖"]


def test_summary_names_file_and_credit(tiny_gpkg):
    line = load_hydro(tiny_gpkg).summary()
    assert "tiny.gpkg" in line and SOURCE_HYDRO in line and "3 rivers and 1 lakes" in line


def test_absent_file_warns_what_is_lost(monkeypatch, caplog, tmp_path):
    monkeypatch.setattr(settings, "hydro_path", lambda: None)
    from atlas import hydro as hydro_mod

    hydro_mod._load.cache_clear()
    with caplog.at_level(logging.WARNING, logger="atlas"):
        empty = load_hydro()
    assert not empty.available and len(empty) == 0
    assert "county precision" in caplog.text
    assert empty.geometry_in("汾河", SOUTH) is None and empty.names() == {}
    assert LOST_WITHOUT in empty.summary()
    with pytest.raises(DataMissingError, match="does not exist"):
        load_hydro(tmp_path / "missing.gpkg")
    hydro_mod._load.cache_clear()


def test_missing_env_path_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_HYDRO", str(tmp_path / "nope.gpkg"))
    with pytest.raises(DataMissingError, match="ATLAS_HYDRO"):
        load_hydro()


# -- the national file ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def national() -> Hydro:
    path = settings.hydro_path()
    if path is None or not path.exists():
        pytest.skip("hydro_1to4m.gpkg not found (set ATLAS_HYDRO or place it in ../shared/geodata)")
    return load_hydro(path)


def test_national_rivers_inside_their_counties(national):
    from atlas.boundaries import load_boundaries

    b = load_boundaries()
    for county, river in (("霍州市", "汾河"), ("长治市", "浊漳河"), ("大理市", "西洱河")):
        unit = b.find(county)[0]
        polygon = b.geometry(unit.adcode)
        line = national.geometry_in(river, polygon)
        if river == "西洱河" and line is None:
            continue  # small rivers may be absent at 1:4M; the first two are asserted
        assert line is not None, f"{river} should pass through {county}"
        assert line.geom_type in ("LineString", "MultiLineString")
        assert line.within(polygon.buffer(1e-7))
    assert national.names()["浊漳河"] == "river"


def test_national_lake_by_name(national):
    from atlas.boundaries import load_boundaries

    b = load_boundaries()
    province = b.find("江西省")[0]
    lake = national.geometry_in("鄱阳湖", b.geometry(province.adcode), kind="lake")
    assert lake is not None and shapely.get_dimensions(lake) == 2


def test_build_summary_names_the_reference_data(monkeypatch, tmp_path):
    from atlas import hydro as hydro_mod
    from atlas.cli import reference_summary

    monkeypatch.setenv("ATLAS_HYDRO", str(tmp_path / "gone.gpkg"))
    assert "hydro: unusable" in reference_summary() and "gone.gpkg" in reference_summary()
    monkeypatch.delenv("ATLAS_HYDRO")
    monkeypatch.setattr(settings, "hydro_path", lambda: None)
    hydro_mod._load.cache_clear()
    line = reference_summary()
    assert line.startswith("reference data: places: ") and f"hydro: not found — {LOST_WITHOUT}" in line
    hydro_mod._load.cache_clear()
