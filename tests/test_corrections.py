"""User gazetteer CSV: validation messages name the row and the column; CLI import/export/build."""

from __future__ import annotations

from pathlib import Path

import pytest

from atlas._errors import InputError
from atlas.cli import main
from atlas.corrections import USER_COLUMNS, parse_user_csv, read_user_csv, user_csv_text
from atlas.gazetteer import read_curated
from atlas.workspace import Workspace

HEADER = ",".join(USER_COLUMNS)
# 宾川县 (云南) and a point inside it
GOOD = "青梅湾湿地公园,park,532924,,100.58,25.83,user,,exact,parks,2024-05-01T08:00:00Z"


def test_a_good_file_is_read():
    (row,) = parse_user_csv(f"{HEADER}\n{GOOD}\n")
    assert (row["name"], row["adcode"], row["lon"], row["lat"], row["theme"]) == (
        "青梅湾湿地公园",
        "532924",
        100.58,
        25.83,
        "parks",
    )


@pytest.mark.parametrize(
    ("line", "pattern"),
    [
        ("甲公园,park,532924,,abc,25.83,user,,,,", r"row 2, column lon: 'abc' is not a number"),
        ("甲公园,park,532924,,25.83,100.58,user,,,,", r"row 2, columns lon/lat: .* swapped"),
        ("甲公园,park,532924,,-3.7,40.4,user,,,,", r"row 2, columns lon/lat: .* outside China"),
        ("甲公园,park,53292,,100.58,25.83,user,,,,", r"row 2, column adcode: '53292' is not a 6-digit"),
        ("甲公园,park,232701,,100.58,25.83,user,,,,", r"row 2, columns lon/lat: .* not in 漠河市"),
        (",park,532924,,100.58,25.83,user,,,,", r"row 2, column name: empty"),
        ("甲公园,park,532924,,100.58,,user,,,,", r"row 2, column lat: empty"),
        ("甲公园,park,532924,,100.58,25.83,osm,,,,", r"row 2, column source: 'osm'"),
        ("甲公园,park,532924,,100.58,25.83,user,,,,yesterday", r"row 2, column time"),
        ("甲公园,not_a_feature,532924,,100.58,25.83,user,,,,", r"row 2, columns lon/lat/wkt"),
    ],
)
def test_bad_rows_are_named_by_row_and_column(line, pattern):
    with pytest.raises(InputError, match=pattern):
        parse_user_csv(f"{HEADER}\n{line}\n{GOOD}\n")


def test_every_problem_is_reported_at_once():
    text = f"{HEADER}\n甲,park,532924,,x,25.8,user,,,,\n{GOOD}\n乙,park,532924,,25.8,100.5,user,,,,\n"
    with pytest.raises(InputError, match=r"2 bad row\(s\), nothing imported: row 2.*row 4"):
        parse_user_csv(text)


def test_missing_columns_are_named():
    with pytest.raises(InputError, match=r"missing column.*lat"):
        parse_user_csv("name,kind,adcode,lon\n甲,park,532924,100.5\n")


def test_not_utf8_is_refused(tmp_path):
    p = tmp_path / "gbk.csv"
    p.write_bytes(f"{HEADER}\n{GOOD}\n".encode("gb18030"))
    with pytest.raises(InputError, match="not UTF-8"):
        read_user_csv(p)


def test_export_import_round_trip_and_curated_reader(tmp_path):
    ws = Workspace(tmp_path / "a")
    ws.add_correction("青梅湾湿地公园", adcode="532924", lon=100.58, lat=25.83, kind="park", theme="parks")
    ws.mark_not_a_feature("全县公园", adcode="532924", theme="parks")
    out = tmp_path / "mine.csv"
    assert main(["gazetteer", "export", str(out), "--workspace", str(tmp_path / "a")]) == 0
    rows = read_user_csv(out)
    assert [r["kind"] for r in rows] == ["park", "not_a_feature"]
    # the same file works as an ATLAS_GAZETTEER user file (marks are skipped there)
    (feat,) = read_curated(out)
    assert (feat.name, feat.source, feat.geometry.x) == ("青梅湾湿地公园", "user", 100.58)

    assert main(["gazetteer", "import", str(out), "--workspace", str(tmp_path / "b"), "--no-rebuild"]) == 0
    copied = Workspace(tmp_path / "b").corrections()
    assert [(c.name, c.kind, c.lon, c.created_at) for c in copied] == [
        (c.name, c.kind, c.lon, c.created_at) for c in ws.corrections()
    ]
    assert user_csv_text(copied) == user_csv_text(ws.corrections())


def test_import_of_a_bad_file_changes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(f"{HEADER}\n{GOOD}\n乙,park,532924,,25.8,100.5,user,,,,\n", encoding="utf-8")
    assert main(["gazetteer", "import", str(bad), "--workspace", str(tmp_path / "w")]) == 2
    err = capsys.readouterr().err
    assert "row 3, columns lon/lat" in err and "Traceback" not in err
    assert Workspace(tmp_path / "w").corrections() == []


def test_build_into_a_workspace_applies_imported_corrections(tmp_path, capsys):
    text = "宾川县2023年政府工作报告\n宾川县人民政府\n今年我们将推进青梅湾湿地公园建设。\n"
    src = tmp_path / "binchuan.txt"
    src.write_text(text, encoding="utf-8")
    bad = tmp_path / "photo.png"
    bad.write_bytes(b"\x89PNG\r\n")
    csv = tmp_path / "fix.csv"
    csv.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    folder = tmp_path / "w"
    assert main(["gazetteer", "import", str(csv), "--workspace", str(folder), "--no-rebuild"]) == 0
    assert main(["build", str(src), str(bad), "--workspace", str(folder), "-q"]) == 2
    assert "photo.png: unsupported file type" in capsys.readouterr().err
    ws = Workspace(folder)
    assert [d.doc_id for d in ws.documents()] == ["binchuan"]
    parks = ws.layers()["parks"]
    assert list(parks["precision"]) == ["exact"]
    # adding it again is idempotent
    assert main(["build", str(src), "--workspace", str(folder), "-q"]) == 0
    assert [d.doc_id for d in ws.documents()] == ["binchuan"]
    assert not Path(folder / "layers").exists()


def test_a_plain_build_uses_an_exported_user_gazetteer(tmp_path, monkeypatch):
    from atlas.build import build_atlas

    text = "宾川县2023年政府工作报告\n宾川县人民政府\n今年我们将推进青梅湾湿地公园建设。\n"
    src = tmp_path / "binchuan.txt"
    src.write_text(text, encoding="utf-8")
    before = build_atlas([src], tmp_path / "before", cache=False, workers=1).layers["parks"]
    assert list(before["precision"]) == ["county"]
    fixes = tmp_path / "fixes.csv"
    fixes.write_text(f"{HEADER}\n{GOOD}\n", encoding="utf-8")
    monkeypatch.setenv("ATLAS_GAZETTEER", str(fixes))
    # (a new process would see the new ATLAS_GAZETTEER in its cache key; this one has no cache)
    after = build_atlas([src], tmp_path / "after", cache=False, workers=1).layers["parks"]
    assert list(after["precision"]) == ["exact"]
    assert list(after["place_source"]) == ["user"]


def test_markdown_in_user_text_is_made_literal():
    from app_pages import _ui

    assert _ui.md("![x](http://example.org/a.png) **b** <i>") == (
        "\\!\\[x\\]\\(http://example\\.org/a\\.png\\) \\*\\*b\\*\\* \\<i\\>"
    )
