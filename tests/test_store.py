"""The indexed store the app reads through: per region, per theme, per year, no whole-atlas load."""

from __future__ import annotations

import sqlite3

import pytest
from app_fixtures import CHANGZHI, HUOZHOU, build_fixture_atlas

from atlas import app_data, store
from atlas.layers import read_layer
from atlas.store import AtlasStore


@pytest.fixture(scope="module")
def atlas_dir(tmp_path_factory):
    return build_fixture_atlas(tmp_path_factory.mktemp("store"))


def test_the_geopackage_is_indexed_by_region_document_and_year(atlas_dir):
    with sqlite3.connect(atlas_dir / "atlas.gpkg") as con:
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        plan = " ".join(
            str(r) for r in con.execute("EXPLAIN QUERY PLAN SELECT * FROM parks WHERE region_code = '141082'")
        )
    assert {
        "idx_parks_region_code",
        "idx_parks_doc_id",
        "idx_documents_year",
        "idx_regions_region_code",
    } <= names
    assert "idx_parks_region_code" in plan


def test_one_region_reads_the_same_features_as_the_geojson_layer(atlas_dir):
    s = AtlasStore(atlas_dir)
    assert s.uses_gpkg
    parks = s.read("parks", region_codes=[HUOZHOU])
    whole = read_layer(atlas_dir / "parks.geojson")
    want = whole[whole["region_code"] == HUOZHOU]
    assert list(parks["id"]) == list(want["id"]) and len(parks) == 3
    assert list(parks["name"]) == list(want["name"])
    corridors = s.read("corridors", region_codes=[HUOZHOU])
    assert all(isinstance(v, list) for v in corridors["endpoints"])  # JSON text back to lists
    assert s.count("parks", region_codes=[HUOZHOU]) == 3 and s.count("parks") == 4
    assert s.count("parks", region_codes=[]) == 0 and len(s.read("parks", region_codes=[])) == 0
    assert len(s.read("parks", region_codes=["650100"])) == 0  # 乌鲁木齐: not in this atlas


def test_a_folder_without_geopackage_is_read_from_geojson(atlas_dir, tmp_path):
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(atlas_dir, copy)
    (copy / "atlas.gpkg").unlink()
    s = AtlasStore(copy)
    assert not s.uses_gpkg
    assert len(s.read("parks", region_codes=[HUOZHOU])) == 3
    assert s.count("parks", region_codes=[CHANGZHI]) == 1
    assert "region_code" in s.columns("parks")


def test_feature_index_carries_the_document_year(atlas_dir):
    index = AtlasStore(atlas_dir).feature_index()
    assert set(index.columns) >= {"theme", "id", "doc_id", "region_code", "precision", "year"}
    assert set(index.loc[index["region_code"] == HUOZHOU, "year"]) == {2021.0}
    assert set(index.loc[index["region_code"] == CHANGZHI, "year"]) == {2022.0}


def test_counts_follow_the_chosen_years_and_missing_years_are_no_data(atlas_dir):
    s = AtlasStore(atlas_dir)
    index, docs = s.feature_index(), s.documents()
    regions = s.regions()
    both = app_data.metric_values_in_years(regions, "n_parks", index=index, docs=docs, years=(2021, 2022))
    only_2022 = app_data.metric_values_in_years(
        regions, "n_parks", index=index, docs=docs, years=(2022, 2022)
    )
    by_code = dict(zip(regions["region_code"], both, strict=True))
    assert by_code == {HUOZHOU: 3.0, CHANGZHI: 1.0}
    later = dict(zip(regions["region_code"], only_2022, strict=True))
    assert later[CHANGZHI] == 1.0 and later[HUOZHOU] != later[HUOZHOU]  # NaN: no document that year
    assert store.year_range(docs) == (2021, 2022)


def test_levels_and_simplified_outlines(atlas_dir):
    s = AtlasStore(atlas_dir)
    assert app_data.level_options(s.read("regions", geometry=False)) == {"prefecture": 1, "county": 1}
    assert app_data.default_level({"prefecture": 1, "county": 1}) is None  # a small atlas: all together
    assert app_data.default_level({"prefecture": 300, "county": 250}) == "prefecture"
    full = s.regions(level="prefecture")
    rough = s.regions(level="prefecture", simplify=0.02)
    assert list(full["region_code"]) == [CHANGZHI]
    assert len(
        rough.geometry.iloc[0].exterior.coords if rough.geometry.iloc[0].geom_type == "Polygon" else [0]
    ) <= len(full.geometry.iloc[0].exterior.coords if full.geometry.iloc[0].geom_type == "Polygon" else [0])
    assert rough.geometry.iloc[0].area == pytest.approx(full.geometry.iloc[0].area, rel=0.05)


def test_timeline_and_documents_by_year(atlas_dir):
    s = AtlasStore(atlas_dir)
    index, docs = s.feature_index(), s.documents()
    line = app_data.timeline(index, docs, HUOZHOU)
    assert set(line["year"]) == {2021}
    assert line.set_index("theme")["n"].to_dict()["parks"] == 3
    table = app_data.documents_by_year(docs, index, HUOZHOU)
    assert table["doc_id"].tolist() == ["fx-1"] and table["n_parks"].tolist() == [3]
    assert app_data.timeline_chart(line) is not None


def test_layers_for_years_keeps_each_regions_chosen_year(atlas_dir):
    s = AtlasStore(atlas_dir)
    layers = s.region_layers([HUOZHOU, CHANGZHI])
    docs = s.documents()
    years = dict(zip(docs["doc_id"], docs["year"], strict=True))
    cut = app_data.layers_for_years(layers, {HUOZHOU: 2020, CHANGZHI: None}, years)
    assert set(cut["parks"]["region_code"]) == {CHANGZHI}  # 霍州市 has no document of 2020
    assert len(cut["regions"]) == 2
    assert app_data.year_options(docs, HUOZHOU) == [2021]


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_export_file_is_written_once_per_selection(atlas_dir, tmp_path, fmt):
    s = AtlasStore(atlas_dir)
    path = app_data.export_file(s, ["parks"], [HUOZHOU], fmt=fmt, folder=tmp_path)
    assert path.name == f"plan-atlas_{HUOZHOU}-霍州市_parks.{'gpkg' if fmt == 'gpkg' else fmt}"
    back = app_data.read_export(path.read_bytes(), fmt, layer="parks")
    assert sorted(back["id"]) == sorted(s.read("parks", region_codes=[HUOZHOU])["id"])
    mtime = path.stat().st_mtime_ns
    assert app_data.export_file(s, ["parks"], [HUOZHOU], fmt=fmt, folder=tmp_path).stat().st_mtime_ns == mtime


def test_geojson_export_is_the_layer_lines_of_the_region(atlas_dir, tmp_path):
    s = AtlasStore(atlas_dir)
    path = app_data.export_file(s, ["parks"], [HUOZHOU], fmt="geojson", folder=tmp_path)
    layer = (atlas_dir / "parks.geojson").read_text(encoding="utf-8").splitlines()
    want = [line.rstrip(",") for line in layer if f'"region_code":"{HUOZHOU}"' in line]
    got = path.read_text(encoding="utf-8").splitlines()[1:-1]
    assert [line.rstrip(",") for line in got] == want
    zipped = app_data.export_file(s, ["parks", "corridors"], None, fmt="geojson", folder=tmp_path)
    assert zipped.suffix == ".zip"
    with pytest.raises(app_data.InputError, match="pick at least one layer"):
        app_data.export_file(s, [], None, folder=tmp_path)


def test_a_region_page_opens_on_its_latest_year_when_it_has_several():
    assert app_data.default_year([None, 2023, 2021, 2019]) == 2023
    assert app_data.default_year([None, 2021]) is None  # one year: everything is that year anyway
    assert app_data.default_year([None]) is None
