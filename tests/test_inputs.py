"""Every input gets an answer: missing paths, empty folders, unsupported files, loops, unreadable files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from atlas._errors import InputError
from atlas.cli import main
from atlas.inputs import iter_input_files
from atlas.layers import read_layer

GOOD = "2023年东港区政府工作报告\n现在我代表区人民政府向大会报告工作。我们将建设海滨森林公园。\n"


def _errors(paths) -> tuple[list[Path], list[str]]:
    errors: list[str] = []
    files = list(iter_input_files(paths, errors=errors))
    return files, errors


def test_missing_path_and_broken_link(tmp_path):
    (tmp_path / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    files, errors = _errors([tmp_path / "typo.txt", tmp_path / "gone.txt"])
    assert files == []
    assert errors == [
        f"{tmp_path / 'typo.txt'}: no such file or folder; check the path",
        f"{tmp_path / 'gone.txt'}: a broken link; check the path",
    ]


def test_empty_folder_and_folder_without_documents(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "table.csv").write_text("a,b\n", encoding="utf-8")
    (tmp_path / "data" / "README.md").write_text("about\n", encoding="utf-8")
    files, errors = _errors([tmp_path / "empty", tmp_path / "data"])
    assert files == []
    assert errors[0].startswith(f"{tmp_path / 'empty'}: the folder is empty; put the plan documents (")
    assert errors[1].startswith(f"{tmp_path / 'data'}: no documents in this folder; the atlas reads ")


def test_folder_of_unsupported_files_gets_one_line_per_file(tmp_path):
    for name in ("报告.doc", "指标.xlsx", "扫描件.png", "notes"):
        (tmp_path / name).write_bytes(b"\x00\x01")
    files, errors = _errors([tmp_path])
    assert files == []
    assert errors == [
        "notes: unsupported file type '(none)' (convert it to one of .docx, .htm, .html, .markdown, .md,"
        " .pdf, .text, .txt, .xhtml)",
        "扫描件.png: unsupported file type '.png' (an image; run OCR and save the text as .txt)",
        "报告.doc: unsupported file type '.doc' (an old Word file; open it in Word or LibreOffice and save it"
        " as .docx)",
        "指标.xlsx: unsupported file type '.xlsx' (a spreadsheet; copy the indicator table into a .docx or"
        " .txt)",
        f"{tmp_path}: no documents in this folder; the atlas reads .docx, .htm, .html, .markdown, .md, .pdf,"
        " .text, .txt, .xhtml",
    ]


def test_folder_loop_is_named_and_read_once(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "plan.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a")
    files, errors = _errors([tmp_path / "a"])
    assert files == [tmp_path / "a" / "b" / "plan.txt"]
    assert errors == [
        f"{tmp_path / 'a' / 'b' / 'up'}: a link back to a folder already read (a folder loop); skipped —"
        " remove the link or give the folder it points to"
    ]


def test_same_file_twice_is_read_once(tmp_path):
    (tmp_path / "plan.txt").write_text(GOOD, encoding="utf-8")
    files, errors = _errors([tmp_path, tmp_path / "plan.txt", tmp_path / "." / "plan.txt"])
    assert files == [tmp_path / "plan.txt"] and errors == []


def test_pipe_is_not_read(tmp_path):
    os.mkfifo(tmp_path / "stream.txt")  # reading it would block forever
    files, errors = _errors([tmp_path / "stream.txt"])
    assert files == []
    assert errors == ["stream.txt: not a regular file (a pipe or device?); give a saved document"]


def test_unreadable_file_is_named(tmp_path, monkeypatch, capsys):
    (tmp_path / "plan.txt").write_text(GOOD, encoding="utf-8")
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == "locked.txt":  # what a file without read permission gives (tests run as root)
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out = tmp_path / "out"
    # in this process, where the patched read is (worker processes would read the file fine)
    assert main(["build", str(tmp_path), "--out", str(out), "-q", "--workers", "1", "--no-cache"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "atlas: locked.txt: cannot read the file (Permission denied); check its permissions"
    ]
    assert list(read_layer(out / "documents.geojson")["source_file"]) == ["plan.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_by_permissions(tmp_path, capsys):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    assert main(["ingest", str(locked)]) == 2
    assert "locked.txt: cannot read the file (Permission denied)" in capsys.readouterr().err


def test_mixed_good_and_bad_builds_the_good_and_lists_the_bad(tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "东港区.txt").write_text(GOOD, encoding="utf-8")
    (folder / "旧版.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "空.txt").write_bytes(b"")
    (folder / "sub").mkdir()
    out = tmp_path / "out"
    assert main(["build", str(folder), str(tmp_path / "typo"), "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "atlas: 旧版.doc: unsupported file type '.doc' (an old Word file; open it in Word or LibreOffice and"
        " save it as .docx)",
        f"atlas: {tmp_path / 'typo'}: no such file or folder; check the path",
        "atlas: 空.txt: the file is empty; give a document with text in it",
    ]
    assert list(read_layer(out / "documents.geojson")["source_file"]) == ["东港区.txt"]


def test_a_file_just_over_the_size_limit_says_by_how_much(tmp_path, monkeypatch):
    from atlas import settings
    from atlas.ingest import source_text

    monkeypatch.setattr(settings, "MAX_FILE_BYTES", 1_000_000)
    big = tmp_path / "长江经济带.txt"
    big.write_bytes(b"a" * 1_000_004)
    with pytest.raises(InputError) as err:
        source_text(big)
    # rounded to one decimal both sizes read 1.0 MB; the message then gives the exact bytes
    assert str(err.value) == (
        "长江经济带.txt: 1,000,004 bytes is larger than the 1,000,000 bytes limit; "
        "split it or raise ATLAS_MAX_FILE_BYTES"
    )
