"""A build never harms what exists: no implicit output, whole-folder swap, refusals, kills."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from atlas import output, settings
from atlas.cli import main

# a county far from Shanxi, in sentences of our own
PLAN = (
    "2022年临桂区政府工作报告\n"
    "各位代表：现在我代表区人民政府报告工作。今年将推进会仙湿地公园建设，改造桂林至阳朔的公路。\n"
)


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _siblings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("in") / "临桂 2022.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def built_once(plan_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built") / "atlas"
    assert main(["build", str(plan_file), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture
def atlas_dir(built_once, tmp_path) -> Path:
    """A fresh copy of a built atlas (manifest included) for each test."""
    out = tmp_path / "atlas"
    shutil.copytree(built_once, out)
    return out


def test_no_out_says_what_to_add_and_writes_nothing(plan_file, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(settings, "LAYERS_DIR", tmp_path / "layers")
    monkeypatch.chdir(tmp_path)
    assert main(["build", str(tmp_path / "typo.txt")]) == 2
    err = capsys.readouterr().err
    assert "add --out FOLDER" in err
    assert list(tmp_path.iterdir()) == []


def test_nothing_readable_writes_nothing_and_keeps_the_old_atlas(atlas_dir, tmp_path, capsys):
    before = _snapshot(atlas_dir)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(200))
    (bad / "blank.txt").write_text("  \n\t\n", encoding="utf-8")
    for inputs in ([str(tmp_path / "typo.txt")], [str(bad)], [str(bad / "blank.txt")]):
        capsys.readouterr()
        assert main(["build", *inputs, "--out", str(atlas_dir), "-q"]) == 2
        err = capsys.readouterr().err.splitlines()
        assert (
            err[-1]
            == f"atlas: nothing was built: none of the inputs could be read ({len(err) - 1} problem"
            + ("s" if len(err) > 2 else "")
            + f" above); the atlas in {atlas_dir} was left as it was"
        )
        assert _snapshot(atlas_dir) == before
        assert _siblings(atlas_dir) == []


def test_nothing_readable_creates_no_folder(tmp_path, capsys):
    out = tmp_path / "new-atlas"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", str(empty), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"atlas: {empty}: the folder is empty; put the plan documents (.docx, .htm, .html, .markdown, .md,"
        " .pdf, .text, .txt, .xhtml) in it",
        f"atlas: nothing was built: none of the inputs could be read (1 problem above); {out} was not created",
    ]
    assert not out.exists()


def test_a_folder_with_other_files_is_refused(plan_file, tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.docx").write_bytes(b"my own notes")
    assert main(["build", str(plan_file), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"atlas: {out}: refusing to write the atlas here")
    assert "1 not written by the atlas (notes.docx)" in err and "--force" in err
    assert sorted(p.name for p in out.iterdir()) == ["notes.docx"]

    assert main(["build", str(plan_file), "--out", str(out), "-q", "--force"]) == 0
    assert (out / "notes.docx").read_bytes() == b"my own notes"  # kept
    assert (out / "parks.geojson").is_file()
    # the next build keeps the user's file without asking again? No: it is still not the atlas's.
    assert main(["build", str(plan_file), "--out", str(out), "-q"]) == 2


def test_a_hand_edited_layer_is_refused_then_replaced_with_force(plan_file, atlas_dir, capsys):
    parks = atlas_dir / "parks.geojson"
    edited = parks.read_bytes().replace(b"\xe6\xb9\xbf", b"\xe6\xb9\x96")  # 湿 → 湖 in a name
    assert edited != parks.read_bytes()
    parks.write_bytes(edited)
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q"]) == 2
    assert "1 changed since the atlas wrote them (parks.geojson)" in capsys.readouterr().err
    assert parks.read_bytes() == edited
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q", "--force"]) == 0
    assert parks.read_bytes() != edited


def test_an_atlas_folder_without_manifest_needs_force(plan_file, atlas_dir, capsys):
    (atlas_dir / output.MANIFEST_NAME).unlink()
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q"]) == 2
    assert "not written by the atlas (atlas.gpkg, corridors.geojson" in capsys.readouterr().err
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q", "--force"]) == 0
    assert output.foreign_entries(atlas_dir) == ([], [])


def test_sources_folder_is_kept_across_builds(plan_file, atlas_dir):
    (atlas_dir / "sources").mkdir()
    (atlas_dir / "sources" / "plan.txt").write_text(PLAN, encoding="utf-8")
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q"]) == 0
    assert (atlas_dir / "sources" / "plan.txt").read_text(encoding="utf-8") == PLAN


def test_out_that_is_a_file_is_refused(plan_file, tmp_path, capsys):
    target = tmp_path / "atlas.txt"
    target.write_text("keep me", encoding="utf-8")
    assert main(["build", str(plan_file), "--out", str(target), "-q", "--force"]) == 2
    assert "this is a file, not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "keep me"


@pytest.mark.parametrize(
    ("exc", "status"), [(OSError(28, "No space left on device"), 2), (KeyboardInterrupt(), 130)]
)
def test_failure_while_writing_leaves_the_old_atlas(plan_file, atlas_dir, monkeypatch, capsys, exc, status):
    from atlas import layers

    before = _snapshot(atlas_dir)

    def broken(frames, path):
        path.write_bytes(b"half a geopackage")
        raise exc

    monkeypatch.setattr(layers, "write_gpkg", broken)
    capsys.readouterr()
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q"]) == status
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if status == 2:
        assert err.strip() == (
            f"atlas: {atlas_dir}: could not write the new atlas (No space left on device);"
            " the atlas there is as it was"
        )
    assert _snapshot(atlas_dir) == before
    assert _siblings(atlas_dir) == []


# ---------------------------------------------------------------------------------------------
# a real process killed midway: the write is held at a known point by a wrapper around write_gpkg
# ---------------------------------------------------------------------------------------------
_HELD_BUILD = """
import sys, time, pathlib
import atlas.layers as L
flag = pathlib.Path(sys.argv[1])
real = L.write_gpkg
def held(layers, path):
    real(layers, path)
    flag.touch()
    time.sleep(120)
L.write_gpkg = held
from atlas.cli import main
sys.exit(main(sys.argv[2:]))
"""

_DIES_IN_THE_SWAP = """
import os, sys
import atlas.output as O
renames = []
def rename(a, b):
    os.rename(a, b)
    renames.append(b)
    if len(renames) == 1 and ".old-" in str(b):
        os._exit(9)          # killed between moving the old atlas aside and moving the new one in
O.os = type("os", (), {**{k: getattr(os, k) for k in dir(os) if not k.startswith("__")}, "rename": staticmethod(rename)})
from atlas.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _start(code: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(settings.PROJECT_ROOT)}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env, stderr=subprocess.PIPE, text=True)


def _wait_for(flag: Path, proc: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not flag.exists():
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
        assert time.monotonic() < deadline, "the build never reached the write"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killed_build_leaves_the_previous_atlas(plan_file, atlas_dir, tmp_path, sig):
    before = _snapshot(atlas_dir)
    flag = tmp_path / "writing"
    proc = _start(
        _HELD_BUILD, str(flag), "build", str(plan_file), str(plan_file), "--out", str(atlas_dir), "-q"
    )
    _wait_for(flag, proc)
    assert _siblings(atlas_dir), "the new atlas is written beside the old one"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    assert _snapshot(atlas_dir) == before
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        assert _siblings(atlas_dir)  # a kill -9 cannot clean up; the next build does
        output.recover(atlas_dir)
    else:
        assert proc.returncode == 130
        assert "interrupted; nothing was written" in proc.stderr.read()
    assert _siblings(atlas_dir) == []
    assert _snapshot(atlas_dir) == before


@pytest.mark.slow
def test_killed_between_the_two_renames_the_next_build_puts_the_old_atlas_back(plan_file, atlas_dir, capsys):
    before = _snapshot(atlas_dir)
    proc = _start(_DIES_IN_THE_SWAP, "build", str(plan_file), "--out", str(atlas_dir), "-q")
    proc.wait(timeout=120)
    assert proc.returncode == 9
    assert not atlas_dir.exists()  # the old atlas sits aside under a hidden name
    assert main(["build", str(plan_file), "--out", str(atlas_dir), "-q"]) == 0
    assert _siblings(atlas_dir) == []
    assert _snapshot(atlas_dir).keys() == before.keys()


def test_recover_puts_the_old_atlas_back(atlas_dir):
    before = _snapshot(atlas_dir)
    aside = atlas_dir.parent / f".{atlas_dir.name}.old-999999999-abcd"
    os.rename(atlas_dir, aside)
    (atlas_dir.parent / f".{atlas_dir.name}.building-999999999-abcd").mkdir()
    output.recover(atlas_dir)
    assert _snapshot(atlas_dir) == before
    assert _siblings(atlas_dir) == []
