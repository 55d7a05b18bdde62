"""The workspace store: documents, region overrides, corrections, layers; concurrency and crashes.

The documents are written here, about counties far from Shanxi (云南 宾川县, 黑龙江 漠河市).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import shapely

from atlas._errors import InputError
from atlas.workspace import (
    STORE_NAME,
    Workspace,
    WorkspaceError,
    default_folder,
    geometry_from_gpkg,
    gpkg_blob,
)

BINCHUAN = "532924"  # 宾川县, 大理白族自治州, 云南省
MOHE = "232701"  # 漠河市, 大兴安岭地区, 黑龙江省
# a point inside 宾川县 (WGS84)
PARK_LON, PARK_LAT = 100.58, 25.83

REPORT_TEXT = (
    "宾川县2023年政府工作报告\n"
    "宾川县人民政府\n"
    "过去一年，全县经济稳步回升。\n"
    "今年我们将重点推进青梅湾湿地公园建设，完善桃溪谷森林公园的步道设施。\n"
    "加快建设宾川至祥云高速公路。\n"
    "全县生态保护红线面积达到320平方公里。\n"
)
NORTH_TEXT = (
    "漠河市2024年政府工作报告\n漠河市人民政府\n我们将保护北极村周边的白桦坡湿地公园，建设松苑森林公园。\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def park(layers, name):
    frame = layers["parks"]
    rows = frame[frame["name"] == name]
    assert len(rows) == 1, (name, list(frame["name"]))
    return rows.iloc[0]


def test_geopackage_blob_round_trip():
    for geom in (
        shapely.Point(100.5, 25.8),
        shapely.LineString([(100, 25), (101, 26)]),
        shapely.Polygon([(100, 25), (101, 25), (101, 26), (100, 25)]),
    ):
        blob = gpkg_blob(geom)
        assert blob[:2] == b"GP"
        assert geometry_from_gpkg(blob).equals(geom)
    assert gpkg_blob(None) is None
    assert geometry_from_gpkg(gpkg_blob(shapely.Point())).is_empty


def test_default_folder_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ATLAS_WORKSPACE", str(tmp_path / "mine"))
    assert default_folder() == tmp_path / "mine"
    monkeypatch.delenv("ATLAS_WORKSPACE")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    if sys.platform.startswith("linux"):
        assert default_folder() == tmp_path / "data" / "plan-atlas"


def test_store_is_a_geopackage_in_wal_mode(tmp_path):
    ws = Workspace(tmp_path)
    assert ws.integrity_check() == "ok"
    con = sqlite3.connect(tmp_path / STORE_NAME)
    assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
    assert {"documents", "regions", "parks", "corridors"} <= tables
    con.close()
    pyogrio = pytest.importorskip("pyogrio")
    names = {str(n) for n, _ in pyogrio.list_layers(tmp_path / STORE_NAME)}
    assert {"parks", "regions", "documents"} <= names


def test_a_file_that_is_not_a_workspace_is_refused(tmp_path):
    con = sqlite3.connect(tmp_path / STORE_NAME)
    con.execute("CREATE TABLE other (x)")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="not a Plan Atlas workspace"):
        Workspace(tmp_path).documents()


def test_add_correct_rebuild_keeps_and_applies_the_correction(tmp_path):
    ws = Workspace(tmp_path / "ws")
    assert ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT)) == ["binchuan"]
    (doc,) = ws.documents()
    assert doc.region.adcode == BINCHUAN and doc.kind == "work_report" and doc.year == 2023
    first = ws.rebuild().layers
    assert park(first, "青梅湾湿地公园")["precision"] == "county"

    cid = ws.add_correction("青梅湾湿地公园", adcode=BINCHUAN, lon=PARK_LON, lat=PARK_LAT, theme="parks")
    assert ws.is_stale()
    ws.rebuild()

    again = Workspace(tmp_path / "ws")  # a new process would see the same
    (kept,) = again.corrections()
    assert (kept.id, kept.name, kept.source, kept.lon, kept.lat) == (
        cid,
        "青梅湾湿地公园",
        "user",
        PARK_LON,
        PARK_LAT,
    )
    assert kept.created_at.endswith("Z")
    placed = park(again.layers(), "青梅湾湿地公园")
    assert placed["precision"] == "exact"
    assert placed["place_source"] == "user"
    assert placed["county_code"] == BINCHUAN
    assert placed.geometry.equals(shapely.Point(PARK_LON, PARK_LAT))
    assert park(again.layers(), "桃溪谷森林公园")["precision"] == "county"  # others untouched
    assert not again.is_stale()

    # the same park named by a second document of the county is placed there too
    second = REPORT_TEXT.replace("2023", "2024").replace(
        "宾川县2024年政府工作报告", "宾川县2024年政府工作报告（草案）"
    )
    ws.add_file(write(tmp_path, "binchuan-2024.txt", second))
    layers = ws.rebuild().layers
    rows = layers["parks"][layers["parks"]["name"] == "青梅湾湿地公园"]
    assert sorted(rows["doc_id"]) == ["binchuan", "binchuan-2024"]
    assert set(rows["precision"]) == {"exact"}

    # undo: back to county precision after the rebuild
    undone = ws.undo()
    assert undone is not None and undone.id == cid
    assert ws.corrections() == []
    parks = ws.rebuild().layers["parks"]
    assert set(parks[parks["name"] == "青梅湾湿地公园"]["precision"]) == {"county"}
    assert set(ws.layers()["parks"]["precision"]) == {"county"}
    assert ws.undo() is None


def test_latest_correction_wins_and_undo_brings_back_the_previous(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    ws.add_correction("青梅湾湿地公园", adcode=BINCHUAN, lon=100.58, lat=25.83)
    ws.add_correction("青梅湾湿地公园", adcode=BINCHUAN, lon=100.62, lat=25.90)
    assert park(ws.rebuild().layers, "青梅湾湿地公园").geometry.x == pytest.approx(100.62)
    ws.undo()
    assert park(ws.rebuild().layers, "青梅湾湿地公园").geometry.x == pytest.approx(100.58)


def test_not_a_feature_drops_the_mention_and_undo_restores_it(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    assert "桃溪谷森林公园" in set(ws.rebuild().layers["parks"]["name"])
    ws.mark_not_a_feature("桃溪谷森林公园", adcode=BINCHUAN, theme="parks")
    result = ws.rebuild()
    assert "桃溪谷森林公园" not in set(result.layers["parks"]["name"])
    assert result.report["not_a_feature_dropped"] == 1
    ws.undo()
    assert "桃溪谷森林公园" in set(ws.rebuild().layers["parks"]["name"])


def test_a_correction_does_not_move_a_same_named_place_of_another_prefecture(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    ws.add_file(write(tmp_path, "mohe.txt", NORTH_TEXT.replace("白桦坡湿地公园", "青梅湾湿地公园")))
    ws.add_correction("青梅湾湿地公园", adcode=BINCHUAN, lon=PARK_LON, lat=PARK_LAT)
    parks = ws.rebuild().layers["parks"]
    rows = parks[parks["name"] == "青梅湾湿地公园"].set_index("region_code")["precision"]
    assert rows[BINCHUAN] == "exact"
    assert rows[MOHE] == "county"


def test_region_override_is_kept_and_used(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    ws.set_region("binchuan", "532900")  # the prefecture 大理白族自治州 instead of the county
    (doc,) = ws.documents()
    assert doc.region.adcode == "532900"
    if hasattr(doc, "region_source"):
        assert doc.region_source == "user"
    layers = ws.rebuild().layers
    assert list(layers["regions"]["region_code"]) == ["532900"]
    assert ws.region_overrides() == {"binchuan": "532900"}
    # adding the same file again keeps the override (same document id)
    ws.add_file(tmp_path / "binchuan.txt")
    assert ws.documents()[0].region.adcode == "532900"
    ws.set_region("binchuan", None)
    assert ws.documents()[0].region.adcode == BINCHUAN
    with pytest.raises(InputError, match="not a known adcode"):
        ws.set_region("binchuan", "999999")
    with pytest.raises(InputError, match="no document"):
        ws.set_region("nothing", BINCHUAN)


def test_the_stored_text_gives_the_evidence_offsets(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    layers = ws.rebuild().layers
    text = ws.source_texts()["binchuan.txt"]
    row = park(layers, "青梅湾湿地公园")
    assert text[int(row["char_start"]) : int(row["char_end"])] == "青梅湾湿地公园"


def test_same_file_name_replaces_and_ids_stay_unique(tmp_path):
    ws = Workspace(tmp_path / "ws")
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    assert [d.doc_id for d in ws.documents()] == ["binchuan"]
    other = tmp_path / "other"
    other.mkdir()
    (other / "binchuan.html").write_text(f"<html><body><p>{NORTH_TEXT}</p></body></html>", encoding="utf-8")
    ids = ws.add_file(other / "binchuan.html")
    assert ids == ["binchuan~2"]
    assert ws.remove_file("binchuan.html") == 1
    assert [d.doc_id for d in ws.documents()] == ["binchuan"]


# ---------------------------------------------------------------------------------------------
# two writers at once
# ---------------------------------------------------------------------------------------------
def test_two_threads_adding_and_rebuilding_at_once_keep_both_changes(tmp_path):
    ws = Workspace(tmp_path / "ws")
    a = write(tmp_path, "binchuan.txt", REPORT_TEXT)
    b = write(tmp_path, "mohe.txt", NORTH_TEXT)
    ws.rebuild()  # load the gazetteer once, so both threads race on the store, not the loading
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(path: Path, name: str, code: str, lon: float, lat: float) -> None:
        try:
            mine = Workspace(tmp_path / "ws")  # like a second browser tab: its own object
            barrier.wait()
            mine.add_file(path)
            mine.add_correction(name, adcode=code, lon=lon, lat=lat)
            mine.rebuild()
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(a, "青梅湾湿地公园", BINCHUAN, PARK_LON, PARK_LAT)),
        threading.Thread(target=work, args=(b, "松苑森林公园", MOHE, 122.53, 52.97)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert ws.integrity_check() == "ok"
    assert sorted(d.doc_id for d in ws.documents()) == ["binchuan", "mohe"]
    assert sorted(c.name for c in ws.corrections()) == ["松苑森林公园", "青梅湾湿地公园"]
    assert not ws.is_stale()  # the last rebuild saw both changes
    layers = ws.layers()
    assert park(layers, "青梅湾湿地公园")["precision"] == "exact"
    assert park(layers, "松苑森林公园")["precision"] == "exact"
    assert sorted(layers["regions"]["region_code"]) == [MOHE, BINCHUAN]


def _process_writer(folder: str, tag: str, n: int, text: str, start_at: float) -> None:
    ws = Workspace(folder)
    src = Path(folder).parent / f"{tag}.txt"
    src.write_text(text, encoding="utf-8")
    while time.time() < start_at:
        time.sleep(0.005)
    ws.add_file(src)
    for i in range(n):
        ws.add_correction(f"{tag}测试公园{i}", adcode=BINCHUAN, lon=PARK_LON, lat=PARK_LAT)


@pytest.mark.slow  # two fresh interpreters racing for the workspace
def test_two_processes_writing_at_once_keep_every_change(tmp_path):
    folder = tmp_path / "ws"
    Workspace(folder).generation()  # create the store
    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 4.0
    procs = [
        ctx.Process(target=_process_writer, args=(str(folder), tag, 25, text, start_at))
        for tag, text in (("alpha", REPORT_TEXT), ("beta", NORTH_TEXT))
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    ws = Workspace(folder)
    assert ws.integrity_check() == "ok"
    assert sorted(d.doc_id for d in ws.documents()) == ["alpha", "beta"]
    names = [c.name for c in ws.corrections()]
    assert len(names) == 50
    assert sorted(names) == sorted(f"{t}测试公园{i}" for t in ("alpha", "beta") for i in range(25))
    assert ws.generation() == 52  # every write counted once


# ---------------------------------------------------------------------------------------------
# a write killed midway
# ---------------------------------------------------------------------------------------------
_KILL_SCRIPT = """
import sys, time
from atlas.workspace import Workspace

folder, where, path = sys.argv[1], sys.argv[2], sys.argv[3]
ws = Workspace(folder)
real_store, real_bump = Workspace._store_layers, Workspace._bump

def hang():
    print("inside", flush=True)
    time.sleep(120)

def store(self, con, layers):
    real_store(self, con, layers)  # every layer table emptied and rewritten, not committed
    hang()

def bump(self_or_con, *args):
    con = args[0] if args else self_or_con
    con.execute("DELETE FROM ws_corrections")
    hang()

if where == "rebuild":
    Workspace._store_layers = store
    ws.rebuild()
else:
    Workspace._bump = staticmethod(bump)
    ws.add_file(path)
"""


@pytest.mark.slow
@pytest.mark.parametrize("where", ["rebuild", "add"])
def test_a_write_killed_midway_leaves_the_previous_state(tmp_path, where):
    folder = tmp_path / "ws"
    ws = Workspace(folder)
    ws.add_file(write(tmp_path, "binchuan.txt", REPORT_TEXT))
    ws.add_correction("青梅湾湿地公园", adcode=BINCHUAN, lon=PARK_LON, lat=PARK_LAT)
    before = ws.rebuild().layers
    ws.add_correction("桃溪谷森林公园", adcode=BINCHUAN, lon=100.60, lat=25.85)  # not built yet
    signature = ws.signature()
    new_file = write(tmp_path, "mohe.txt", NORTH_TEXT)

    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_KILL_SCRIPT), str(folder), where, str(new_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        line = child.stdout.readline() if child.stdout else ""
        assert line.strip() == "inside", child.stderr.read() if child.stderr else ""
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(30)
    assert child.returncode == -signal.SIGKILL

    after = Workspace(folder)
    assert after.integrity_check() == "ok"
    assert after.signature() == signature
    assert [d.doc_id for d in after.documents()] == ["binchuan"]
    assert sorted(c.name for c in after.corrections()) == ["桃溪谷森林公园", "青梅湾湿地公园"]
    kept = after.layers()
    for name in ("parks", "regions", "documents", "red_lines"):
        assert sorted(kept[name]["id"]) == sorted(before[name]["id"]), name
    assert park(kept, "桃溪谷森林公园")["precision"] == "county"  # the killed rebuild left no trace
    assert after.is_stale()
    # and the store is still usable
    assert park(after.rebuild().layers, "桃溪谷森林公园")["precision"] == "exact"
