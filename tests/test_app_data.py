"""atlas.app_data: loading with an mtime cache key, tables and filters, evidence, export round trips."""

from __future__ import annotations

import io
import json
import os
import zipfile

import pandas as pd
import pytest
from app_fixtures import CHANGZHI, HUOZHOU, IMG, OTHER_NAME, SCRIPT, SOURCE_NAME, build_fixture_atlas

from atlas import app_data
from atlas._errors import InputError, LayerError
from atlas.layers import COMMON_FIELDS


@pytest.fixture(scope="module")
def atlas_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("app_data")
    build_fixture_atlas(root)
    return root


@pytest.fixture(scope="module")
def layers(atlas_root):
    return app_data.load_atlas(atlas_root / "layers")


# -- loading ----------------------------------------------------------------------------------
def test_signature_changes_when_a_layer_is_rewritten(tmp_path):
    layers_dir = build_fixture_atlas(tmp_path)
    before = app_data.atlas_signature(layers_dir)
    assert ("parks.geojson", (layers_dir / "parks.geojson").stat().st_size) == before[2][:2]
    assert [name for name, *_ in before][:3] == ["documents.geojson", "regions.geojson", "parks.geojson"]
    st = (layers_dir / "parks.geojson").stat()
    os.utime(layers_dir / "parks.geojson", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    after = app_data.atlas_signature(layers_dir)
    assert after != before
    assert app_data.atlas_signature(layers_dir) == after  # stable while nothing changes


def test_load_atlas_fills_missing_layers_and_explains_a_missing_folder(tmp_path, layers):
    assert len(layers["structure"]) == 0 and len(layers["parks"]) == 4
    with pytest.raises(LayerError, match="atlas build"):
        app_data.load_atlas(tmp_path / "nowhere")


# -- regions and metrics -------------------------------------------------------------------------
def test_region_choices_and_metrics(layers):
    assert app_data.region_choices(layers["regions"]) == {
        CHANGZHI: "长治市 · 山西省 (140400)",
        HUOZHOU: "霍州市 · 临汾市 (141082)",
    }
    options = app_data.metric_options(layers["regions"])
    assert list(options)[:2] == ["eco", "n_parks"]
    assert "forest_cover_target" in options and "pm25_target" not in options  # no data → not offered
    regions = layers["regions"].set_index("region_code")
    eco = app_data.metric_values(layers["regions"], "eco")
    assert dict(zip(regions.index, eco, strict=True)) == {CHANGZHI: 1.0, HUOZHOU: 6.0}
    with pytest.raises(InputError, match="unknown metric"):
        app_data.metric_values(layers["regions"], "nope")


def test_region_at_prefers_the_most_detailed_region(layers):
    from atlas.boundaries import load_boundaries

    p = load_boundaries().label_point(HUOZHOU)
    assert app_data.region_at(layers["regions"], p.x, p.y) == HUOZHOU
    assert app_data.region_at(layers["regions"], 0.0, 0.0) is None


# -- tables and filters ------------------------------------------------------------------------
def test_documents_table_counts_and_finer_share(layers):
    table = app_data.documents_table(layers).set_index("doc_id")
    assert table.loc["fx-1", ["n_parks", "n_red_lines", "n_corridors", "n_eco_zones", "n_structure"]].tolist() == [
        3, 1, 1, 2, 0,
    ]  # fmt: skip
    # exact park + town eco zone + schematic corridor = 3 of 7
    assert table.loc["fx-1", "finer_share"] == pytest.approx(3 / 7)
    assert table.loc["fx-2", "finer_share"] == 0.0
    assert table.loc["fx-2", ["title", "kind", "year", "region_name"]].tolist() == [
        "长治市测试报告", "work_report", 2022, "长治市",
    ]  # fmt: skip


def test_feature_table_and_filters(layers):
    table = app_data.feature_table(layers, HUOZHOU)
    assert len(table) == 7 and set(table["theme"]) == {"parks", "red_lines", "corridors", "eco_zones"}
    options = app_data.filter_options(table)
    assert options["theme"] == ["parks", "red_lines", "corridors", "eco_zones"]
    assert options["precision"] == ["exact", "town", "schematic", "county"]
    assert options["status"] == ["existing", "planned", app_data.MISSING]
    planned_parks = app_data.filter_features(table, themes=["parks"], statuses=["planned"])
    assert planned_parks["name"].tolist() == ["七星湿地公园"]
    vague = app_data.filter_features(table, precisions=["county"], kinds=["other", "other_park"])
    assert sorted(vague["name"]) == sorted([SCRIPT, IMG])
    assert len(app_data.filter_features(table)) == 7
    assert app_data.feature_table(layers, "999999").empty


# -- evidence ----------------------------------------------------------------------------------
def test_evidence_sentences_from_the_source_files(layers, atlas_root, monkeypatch):
    table = app_data.feature_table(layers)
    monkeypatch.setenv("ATLAS_SOURCES", str(atlas_root / "sources"))
    ev = app_data.evidence_for(table)
    by_name = dict(zip(table["name"], table["id"], strict=True))
    park = ev[by_name["北山森林公园"]]
    assert park.text == f"我们将建设七星湿地公园{SCRIPT}，并保护北山森林公园。"
    assert park.text[park.start : park.end] == "北山森林公园" and park.source_file == SOURCE_NAME
    assert ev[by_name["南湖城市公园"]].text == "新建南湖城市公园一处。"
    assert ev[by_name[IMG]].text == f"推进南河生态廊道建设{IMG}，改善水环境。"
    assert len(ev) == len(table)


def test_evidence_missing_sources_and_unsafe_names(layers, tmp_path):
    table = app_data.feature_table(layers)
    assert app_data.evidence_for(table, dirs=[tmp_path]) == {}
    (tmp_path / OTHER_NAME).write_text("x", encoding="utf-8")
    assert app_data.find_source("../" + OTHER_NAME, dirs=[tmp_path / "sub"]) is None
    assert app_data.find_source(OTHER_NAME, dirs=[tmp_path]) == tmp_path / OTHER_NAME


def test_every_mention_of_a_feature_and_the_popup_count(layers, atlas_root):
    from app_fixtures import SOURCE_TEXT

    spans = [[i, i + 2] for i in range(len(SOURCE_TEXT)) if SOURCE_TEXT.startswith("生态", i)]
    assert len(spans) == 3
    row = {"source_file": SOURCE_NAME, "char_start": spans[0][0], "char_end": spans[0][1], "mentions": spans}
    found = app_data.mention_evidence(row, dirs=[atlas_root / "sources"])
    assert [ev.text for ev in found] == [
        "第一章 生态保护",
        f"推进南河生态廊道建设{IMG}，改善水环境。",
        "全市生态保护红线面积不低于120平方公里。",
    ]
    assert all(ev.text[ev.start : ev.end] == "生态" for ev in found)
    # a GeoPackage keeps the list as JSON text; a feature without the field is its own one mention
    assert app_data.mention_spans(json.dumps(spans)) == [tuple(s) for s in spans]
    assert app_data.mention_spans(None, 4, 9) == [(4, 9)] and app_data.mention_spans("not json") == []
    table = pd.DataFrame(
        {
            "id": ["a"],
            "source_file": [SOURCE_NAME],
            "char_start": spans[0][0],
            "char_end": spans[0][1],
            "mentions": [3],
        }
    )
    (ev,) = app_data.evidence_for(table, dirs=[atlas_root / "sources"]).values()
    assert (
        ev.text == "第一章 生态保护 〔另有2处提及 2 more mentions〕" and ev.text[ev.start : ev.end] == "生态"
    )
    assert app_data.feature_table(layers)["mentions"].tolist() == [1] * len(app_data.feature_table(layers))
    some_id = str(layers["parks"]["id"].iloc[0])
    assert (
        app_data.feature_row(layers, some_id)["id"] == some_id
        and app_data.feature_row(layers, "none") is None
    )


def test_sentence_around_long_sentence_is_cut_around_the_mention():
    text = "前言。" + "甲" * 300 + "目标公园" + "乙" * 300 + "。后记"
    start = text.index("目标公园")
    ev = app_data.sentence_around(text, start, start + 4, max_chars=40)
    assert ev.text.startswith("…") and ev.text.endswith("…")
    assert ev.text[ev.start : ev.end] == "目标公园" and len(ev.text) <= 42
    assert app_data.sentence_around(text, 5, 2) is None


# -- export ------------------------------------------------------------------------------------
def _comparable(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name)).sort_values("id").reset_index(drop=True)
    for col in out.columns:
        out[col] = out[col].map(
            lambda v: json.dumps(list(v), ensure_ascii=False) if isinstance(v, list | tuple) else v
        )
        out[col] = out[col].map(lambda v: None if v is None or (isinstance(v, float) and pd.isna(v)) else v)
    return out.astype(object).where(out.notna(), None)


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_export_of_one_region_round_trips_through_geopandas(layers, fmt):
    export = app_data.export_layers(layers, ["parks"], region_codes=[HUOZHOU], fmt=fmt)
    ext = {"geojson": "geojson", "gpkg": "gpkg", "csv": "csv"}[fmt]
    assert export.file_name == f"plan-atlas_141082-霍州市_parks.{ext}"
    assert export.feature_counts == {"parks": 3}
    back = app_data.read_export(export.data, fmt)
    original = layers["parks"][layers["parks"]["region_code"] == HUOZHOU]
    assert sorted(back["id"]) == sorted(original["id"])
    mine = _comparable(original)
    theirs = _comparable(back)[list(mine.columns)]
    for col in mine.columns:
        a = [None if v is None else str(v) if col in ("region_code", "county_code") else v for v in mine[col]]
        b = [
            None if v is None else str(v) if col in ("region_code", "county_code") else v for v in theirs[col]
        ]
        if col in ("char_start", "char_end"):
            a, b = [int(v) for v in a], [int(v) for v in b]
        assert a == b, col
    b_geoms = back.sort_values("id").geometry.reset_index(drop=True)
    o_geoms = original.sort_values("id").geometry.reset_index(drop=True)
    assert all(x.equals_exact(y, 1e-6) for x, y in zip(b_geoms, o_geoms, strict=True))
    assert set(COMMON_FIELDS) <= set(back.columns)


def test_export_geojson_is_rfc7946(layers):
    export = app_data.export_layers(layers, ["corridors"], region_codes=[HUOZHOU])
    data = json.loads(export.data)
    assert data["type"] == "FeatureCollection" and "crs" not in data
    assert export.mime == "application/geo+json"
    assert data["features"][0]["properties"]["endpoints"] == ["甲镇", "乙镇"]


def test_export_several_layers_and_regions(layers):
    export = app_data.export_layers(layers, ["parks", "eco_zones"], fmt="geojson")
    assert export.file_name == "plan-atlas_all-regions_2-layers.zip" and export.mime == "application/zip"
    with zipfile.ZipFile(io.BytesIO(export.data)) as zf:
        assert sorted(zf.namelist()) == [
            "plan-atlas_all-regions_eco_zones.geojson",
            "plan-atlas_all-regions_parks.geojson",
        ]
        assert len(json.loads(zf.read("plan-atlas_all-regions_parks.geojson"))["features"]) == 4
    gpkg = app_data.export_layers(layers, ["parks", "regions"], region_codes=[HUOZHOU, CHANGZHI], fmt="gpkg")
    assert gpkg.file_name == "plan-atlas_2-regions_2-layers.gpkg"
    assert len(app_data.read_export(gpkg.data, "gpkg", layer="parks")) == 4
    assert len(app_data.read_export(gpkg.data, "gpkg", layer="regions")) == 2


def test_csv_export_has_bom_and_wkt(layers):
    export = app_data.export_layers(layers, ["corridors"], region_codes=[HUOZHOU], fmt="csv")
    assert export.data.startswith(b"\xef\xbb\xbf")
    text = export.data.decode("utf-8-sig")
    assert text.splitlines()[0].endswith(",wkt") and "LINESTRING (" in text
    assert '"[""甲镇"", ""乙镇""]"' in text


def test_export_errors_name_the_choices(layers):
    with pytest.raises(InputError, match="unknown export format 'shp'"):
        app_data.export_layers(layers, ["parks"], fmt="shp")
    with pytest.raises(InputError, match="no layer chosen"):
        app_data.export_layers(layers, [])
    with pytest.raises(InputError, match="unknown layers"):
        app_data.export_layers(layers, ["roads"])


def test_every_mention_of_a_workspace_document_comes_from_its_stored_text(tmp_path):
    text = "第一章 总体布局\n建设洱海湿地公园，保护苍山。\n洱海湿地公园周边推行生态农业。"
    spans = [[i, i + 6] for i in range(len(text)) if text.startswith("洱海湿地公园", i)]
    row = {
        "source_file": "大理市报告.txt",
        "char_start": spans[0][0],
        "char_end": spans[0][1],
        "mentions": spans,
    }
    # no source folder holds the file: only the workspace's stored text can give the sentences
    assert app_data.mention_evidence(row, dirs=[tmp_path]) == []
    found = app_data.mention_evidence(row, dirs=[tmp_path], texts={"大理市报告.txt": text})
    assert [ev.text[ev.start : ev.end] for ev in found] == ["洱海湿地公园", "洱海湿地公园"]
    assert found[1].text.startswith("洱海湿地公园周边")
