"""Hostile inputs: every file gets one clear line or is read; no traceback, no partial output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from atlas.cli import main
from atlas.layers import LAYERS, read_layer
from atlas.output import MANIFEST_NAME

from .cases import CASES, PLAN_ZH, Case

BAD = [c for c in CASES if c.expect is not None]
GOOD = [c for c in CASES if c.expect is None]


def test_there_are_enough_cases():
    assert len(CASES) >= 30 and len(BAD) >= 15 and len(GOOD) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_file_alone_gets_an_answer(case: Case, tmp_path, capsys):
    path = tmp_path / case.name
    path.write_bytes(case.make())
    status = main(["ingest", str(path), "--json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if case.expect is None:
        warning = (
            "" if case.warn is None else re.fullmatch(rf"atlas: {re.escape(case.name)}: {case.warn}\n", err)
        )
        assert status == 0 and (err == "" if case.warn is None else warning), (case.about, err)
        records = [json.loads(line) for line in out.splitlines()]
        assert records and all(r["source_file"] == case.name for r in records)
    else:
        assert status == 2 and out == ""
        assert len(err.splitlines()) == 1, err
        assert re.fullmatch(rf"atlas: {re.escape(case.name)}: (?:{case.expect})\n", err), err


def test_encodings_give_the_same_text(tmp_path):
    from atlas.ingest import source_text

    for case in GOOD:
        if case.name.startswith(("gbk", "utf16", "utf8-bom", "crlf")):
            path = tmp_path / case.name
            path.write_bytes(case.make())
            assert source_text(path).lstrip("\ufeff").replace("\r\n", "\n") == PLAN_ZH, case.name


@pytest.mark.slow  # a build of every hostile case at once
def test_one_folder_of_everything_builds_the_good_and_names_the_bad(tmp_path, capsys):
    folder = tmp_path / "inbox"
    (folder / "sub dir").mkdir(parents=True)
    for i, case in enumerate(CASES):
        (folder / ("sub dir" if i % 3 == 0 else "") / case.name).write_bytes(case.make())
    out = tmp_path / "atlas"
    assert main(["build", str(folder), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    warned = [c for c in GOOD if c.warn is not None]
    lines = [
        line
        for line in err.splitlines()
        if not any(re.fullmatch(rf"atlas: {re.escape(c.name)}: {c.warn}", line) for c in warned)
        and not line.startswith(("atlas: region unknown for ", "atlas:   "))  # the unknown-region report
    ]
    # (a worker process's warnings reach its own stderr, not this test's: only errors are counted)
    named = sorted(line.split(": ", 2)[1] for line in lines)
    assert named == sorted(c.name for c in BAD)  # each bad file exactly once, nothing else
    for line in lines:
        case = next(c for c in BAD if line.startswith(f"atlas: {c.name}: "))
        assert re.fullmatch(rf"atlas: {re.escape(case.name)}: (?:{case.expect})", line)
    docs = read_layer(out / "documents.geojson")
    assert set(docs["source_file"]) == {c.name for c in GOOD}
    # a whole atlas, nothing else: no temporary folder beside it, no stray file in it
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*(f"{n}.geojson" for n in LAYERS), "atlas.gpkg", "report.json", MANIFEST_NAME]
    )
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["errors"]) == len(BAD)


def test_hostile_markup_is_dropped_or_kept_as_text(tmp_path):
    from atlas.ingest import documents_from_file

    html = next(c for c in CASES if c.name == "hostile.html")
    path = tmp_path / html.name
    path.write_bytes(html.make())
    (doc,) = documents_from_file(path)
    assert "alert" not in doc.text and "javascript" not in doc.text and "注入" not in doc.text
    assert "西海岸森林公园" in doc.text and "南渡江流域" in doc.text

    template = next(c for c in CASES if c.name == "template.txt")
    path = tmp_path / template.name
    path.write_bytes(template.make())
    (doc,) = documents_from_file(path)
    assert "</script><script>alert(1)</script>" in doc.text and "{{ config.items() }}" in doc.text


def test_hostile_text_builds_and_stays_data(tmp_path):
    """Markup and template syntax in a plan are text: the build reads it, the layers hold it literally."""
    from atlas.build import build_atlas

    template = next(c for c in CASES if c.name == "template.txt")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / template.name).write_bytes(template.make())
    result = build_atlas([tmp_path / "in"], tmp_path / "atlas")
    assert result.errors == [] and result.documents[0].region.name == "秀英区"
    for name, frame in result.layers.items():
        back = read_layer(tmp_path / "atlas" / f"{name}.geojson")
        assert list(back.get("name", [])) == list(frame.get("name", [])), name


@pytest.mark.parametrize("name", ["秀英区 政府工作报告.txt", "a..b.txt", "plan with spaces 2024.txt"])
def test_odd_names_are_kept_as_file_names(name, tmp_path):
    from atlas.build import build_atlas

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / name).write_text(PLAN_ZH, encoding="utf-8")
    result = build_atlas([tmp_path / "in"], tmp_path / "out")
    docs = read_layer(tmp_path / "out" / "documents.geojson")
    assert list(docs["source_file"]) == [name]
    assert result.documents[0].region is not None and result.documents[0].region.name == "秀英区"


def test_control_characters_in_a_file_name_stay_on_one_line(tmp_path, capsys):
    path = tmp_path / "two\nlines.txt"
    path.write_bytes(b"")
    assert main(["ingest", str(path)]) == 2
    err = capsys.readouterr().err
    assert err == "atlas: two\\nlines.txt: the file is empty; give a document with text in it\n"


def test_nothing_of_a_hostile_folder_reaches_an_existing_atlas(tmp_path, capsys):
    from .cases import PLAN_ZH as plan

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "plan.txt").write_text(plan, encoding="utf-8")
    out = tmp_path / "atlas"
    assert main(["build", str(tmp_path / "ok"), "--out", str(out), "-q"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad"
    bad.mkdir()
    for case in BAD:
        (bad / case.name).write_bytes(case.make())
    assert main(["build", str(bad), "--out", str(out), "-q"]) == 2
    assert capsys.readouterr().err.splitlines()[-1].startswith("atlas: nothing was built")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def _path(p: Path) -> str:
    return str(p)
