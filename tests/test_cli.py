from __future__ import annotations

import json

import pytest

from atlas.cli import main
from atlas.layers import LAYERS, read_layer


def test_ingest_json_prints_one_object_per_document(plans_dir, capsys):
    assert main(["ingest", str(plans_dir), "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 14
    first = records[0]
    assert "text" not in first
    assert {"doc_id", "title", "kind", "year", "region", "source_file", "char_start", "char_end"} <= set(
        first
    )
    assert first["region"]["adcode"] == "141082"


def test_bad_file_is_one_line_exit_2_and_others_still_built(tmp_path, capsys):
    good = tmp_path / "in" / "plan.txt"
    good.parent.mkdir()
    good.write_text(
        "2021年盐湖区政府工作报告\n我代表区人民政府向大会报告工作。建设森林公园。\n", encoding="utf-8"
    )
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    (tmp_path / "in" / "photo.txt").write_bytes(bytes(range(256)) * 8)
    out = tmp_path / "out"
    assert main(["build", str(tmp_path / "in"), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "atlas: empty.txt: the file is empty; give a document with text in it",
        "atlas: photo.txt: this looks like a binary file, not text; convert it to .txt, .docx or .pdf",
    ]
    docs = read_layer(out / "documents.geojson")
    assert list(docs["region_name"]) == ["盐湖区"]


def test_missing_path_is_reported_without_traceback(tmp_path, capsys):
    assert main(["ingest", str(tmp_path / "nope.txt")]) == 2
    assert (
        capsys.readouterr().err.strip()
        == f"atlas: {tmp_path / 'nope.txt'}: no such file or folder; check the path"
    )


def test_build_writes_every_layer_and_is_byte_identical(plans_dir, built_atlas, tmp_path):
    again = tmp_path / "again"
    assert main(["build", str(plans_dir), "--out", str(again), "-q"]) == 0
    for name in LAYERS:
        assert (built_atlas / f"{name}.geojson").read_bytes() == (again / f"{name}.geojson").read_bytes(), (
            name
        )
    report = json.loads((again / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["documents"]["total"] == 14
    assert set(report["timings_s"]) >= {"ingest", "extract", "indicators", "geocode", "layers"}


def test_gpkg_lists_every_layer(built_atlas):
    import pyogrio

    tables = [(name, kind) for name, kind in pyogrio.list_layers(built_atlas / "atlas.gpkg")]
    # one geometry type per table (QGIS opens each directly); mixed layers are split by dimension
    assert all(kind in ("MultiPoint", "MultiLineString", "MultiPolygon") for _, kind in tables), tables
    bases = []
    for name, _ in tables:
        base = name if name in LAYERS else name.rsplit("_", 1)[0]  # corridors_lines → corridors
        if base not in bases:
            bases.append(base)
    assert bases == list(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_layers_follow_the_contract(built_atlas, layer):
    raw = json.loads((built_atlas / f"{layer}.geojson").read_text(encoding="utf-8"))
    assert "crs" not in raw
    ids = [f["id"] for f in raw["features"]]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    frame = read_layer(built_atlas / f"{layer}.geojson")
    assert frame.geometry.notna().all()
    bounds = frame.total_bounds
    assert bounds[0] > 73 and bounds[2] < 136 and bounds[1] > 3 and bounds[3] < 54  # lon/lat order, China


def test_offsets_point_at_the_mention(plans_dir, built_atlas):
    texts = {p.name: p.read_bytes().decode("utf-8") for p in plans_dir.glob("0*.txt")}
    docs = read_layer(built_atlas / "documents.geojson").set_index("doc_id")
    for layer in ("parks", "corridors", "eco_zones", "red_lines", "structure"):
        frame = read_layer(built_atlas / f"{layer}.geojson")
        for row in frame.itertuples():
            doc = docs.loc[row.doc_id]
            assert doc.char_start <= row.char_start < row.char_end <= doc.char_end
            quoted = texts[row.source_file][row.char_start : row.char_end]
            # the span holds the mention (a red line: its statement; a shared-suffix list item:
            # its own part), so it shares its characters with the name
            assert set(quoted) & set(row.name), (layer, row.name, quoted)


def test_committed_sample_atlas_is_up_to_date(built_atlas):
    """layers/ is what `make build` gives today: rebuild and commit it when the pipeline changes."""
    from atlas import settings

    committed = settings.PROJECT_ROOT / "layers"
    stale = [
        name
        for name in LAYERS
        if (committed / f"{name}.geojson").read_bytes() != (built_atlas / f"{name}.geojson").read_bytes()
    ]
    assert not stale, f"layers/ is stale for {stale}: run `make build` and commit layers/"
