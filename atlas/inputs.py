"""Which files a build reads: every path named gets an answer.

A file named on the command line is read whatever its type (and refused with a reason when it
cannot be); inside folders, supported documents are read, other files are listed one line each
with what to do, folder loops and unreadable folders are named, and an empty folder says so.
Quiet skips: hidden entries (``.git``, ``.DS_Store``), ``README*`` / ``LICENSE*`` files, and data
files that commonly sit beside documents (``.csv``, ``.json``…), which are logged at info level.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger("atlas")

TEXT_SUFFIXES = frozenset({".txt", ".md", ".text", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}

#: Files that sit beside documents without being one: skipped quietly inside folders.
COMPANION_SUFFIXES = frozenset(
    {".csv", ".tsv", ".json", ".jsonl", ".geojson", ".gpkg", ".yaml", ".yml", ".toml", ".log", ".sha256",
     ".md5", ".py", ".ipynb"}
)  # fmt: skip

#: What to say about document types people commonly have but that are not read directly.
_CONVERT_HINTS = {
    ".doc": "an old Word file; open it in Word or LibreOffice and save it as .docx",
    ".wps": "a WPS file; save it as .docx from WPS",
    ".rtf": "save it as .docx or .txt",
    ".odt": "save it as .docx from LibreOffice",
    ".xls": "a spreadsheet; copy the indicator table into a .docx or .txt",
    ".xlsx": "a spreadsheet; copy the indicator table into a .docx or .txt",
    ".ppt": "a slide deck; export it as .pdf",
    ".pptx": "a slide deck; export it as .pdf",
    ".caj": "a CNKI file; export it as .pdf",
    ".ofd": "an OFD file; print it to .pdf",
    ".zip": "an archive; unpack it and give the folder",
    ".rar": "an archive; unpack it and give the folder",
    ".7z": "an archive; unpack it and give the folder",
    ".png": "an image; run OCR and save the text as .txt",
    ".jpg": "an image; run OCR and save the text as .txt",
    ".jpeg": "an image; run OCR and save the text as .txt",
    ".tif": "an image; run OCR and save the text as .txt",
    ".tiff": "an image; run OCR and save the text as .txt",
}


def supported_list() -> str:
    return ", ".join(sorted(SUPPORTED_SUFFIXES))


def unsupported_message(path: Path) -> str:
    """One line for a file of a type the atlas does not read."""
    suffix = path.suffix.lower()
    hint = _CONVERT_HINTS.get(suffix, f"convert it to one of {supported_list()}")
    return f"{path.name}: unsupported file type {suffix or '(none)'!r} ({hint})"


def _quiet_skip(name: str) -> bool:
    stem = name.split(".", 1)[0].upper()
    return name.startswith(".") or stem in ("README", "LICENSE", "LICENCE", "COPYING")


def _walk(folder: Path, errors: list[str] | None) -> Iterator[Path]:
    """Documents under ``folder`` (sorted, following links once, loops named)."""
    seen: set[tuple[int, int]] = set()
    found_any = False
    documents = 0

    def problem(msg: str) -> None:
        if errors is None:
            from atlas._errors import InputError

            raise InputError(msg)
        errors.append(msg)

    def onerror(exc: OSError) -> None:
        problem(f"{exc.filename}: cannot open the folder ({exc.strerror}); check its permissions")

    for root, dirs, files in os.walk(folder, followlinks=True, onerror=onerror):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        key = (st.st_dev, st.st_ino)
        if key in seen:
            problem(
                f"{root}: a link back to a folder already read (a folder loop); skipped — remove the"
                " link or give the folder it points to"
            )
            dirs[:] = []
            continue
        seen.add(key)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            found_any = True
            path = Path(root) / name
            if _quiet_skip(name):
                continue
            suffix = path.suffix.lower()
            if suffix in SUPPORTED_SUFFIXES:
                documents += 1
                yield path
            elif suffix in COMPANION_SUFFIXES:
                log.info("%s: not a document (%s); skipped", path, suffix)
            else:
                problem(unsupported_message(path))
    if not found_any:
        problem(f"{folder}: the folder is empty; put the plan documents ({supported_list()}) in it")
    elif not documents:
        problem(f"{folder}: no documents in this folder; the atlas reads {supported_list()}")


def iter_input_files(paths: Iterable[str | Path], *, errors: list[str] | None = None) -> Iterator[Path]:
    """Files named, and documents inside folders named (sorted, each file once).

    Problems (missing path, empty folder, unsupported file in a folder, folder loop, a path that is
    not a regular file) are appended to ``errors`` one line each; with ``errors=None`` the first
    one raises ``InputError``. Files named directly are yielded for the reader to accept or refuse.
    """
    from atlas._errors import InputError

    def problem(msg: str) -> None:
        if errors is None:
            raise InputError(msg)
        errors.append(msg)

    seen: set[str] = set()
    for p in map(Path, paths):
        candidates: Iterable[Path]
        if p.is_dir():
            candidates = _walk(p, errors)
        elif not p.exists():
            hint = "a broken link" if p.is_symlink() else "no such file or folder"
            problem(f"{p}: {hint}; check the path")
            continue
        else:
            candidates = [p]
        for f in candidates:
            try:
                real = os.path.realpath(f)
                mode = os.stat(f).st_mode
            except OSError as exc:
                problem(f"{f}: cannot read the file ({exc.strerror}); check the path and its permissions")
                continue
            if not stat.S_ISREG(mode):
                problem(f"{f.name}: not a regular file (a pipe or device?); give a saved document")
                continue
            if real in seen:
                continue
            seen.add(real)
            yield f


def human_size(n: int) -> str:
    """``52.4 MB`` / ``812.0 KB`` (decimal units, as file managers show them)."""
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n / 1e3:.1f} KB"


def too_large_message(name: str, size: int, limit: int, what_to_do: str) -> str:
    """One line for a file over the size limit; exact byte counts when the rounded sizes look alike."""
    have, most = human_size(size), human_size(limit)
    if have == most:
        have, most = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{name}: {have} is larger than the {most} limit; {what_to_do}"
