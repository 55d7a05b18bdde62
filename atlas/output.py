"""The atlas folder on disk: written whole beside the old one, swapped in only when complete.

A build never harms what exists:

- the new atlas is written into a sibling folder ``.NAME.building-PID-XXXX``; only when every file
  is complete is the old folder renamed aside (``.NAME.old-PID-XXXX``), the new one renamed into
  place and the old one removed. Until the first rename the old atlas is untouched; between the two
  renames (microseconds) a kill leaves the old atlas beside its name, and the next build (or
  :func:`recover`) puts it back;
- every atlas folder holds a manifest (``.atlas-manifest.json``: the files the atlas wrote and
  their SHA-256). A folder holding files the atlas did not write, or atlas files edited by hand
  since, is refused with a message listing them (``force=True`` overwrites the edited files and
  keeps the others);
- a ``sources/`` sub-folder (source documents the app quotes evidence from) is always kept.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from atlas import __version__
from atlas._errors import OutputError

log = logging.getLogger("atlas")

MANIFEST_NAME = ".atlas-manifest.json"

#: Entries of an atlas folder that belong to the user and are carried into every new atlas.
KEPT_ENTRIES: frozenset[str] = frozenset({"sources"})

#: Operating-system clutter that is neither refused nor carried over.
CLUTTER: frozenset[str] = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})

_BUILDING = ".building-"
_OLD = ".old-"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> dict[str, str] | None:
    """``{file name: sha256}`` of the files the atlas wrote into ``folder``, or None without one."""
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(files, dict):
        return None
    return {str(k): str(v) for k, v in files.items()}


def write_manifest(folder: Path) -> None:
    """Record every file now in ``folder`` (except kept entries) as written by the atlas."""
    files = {
        p.name: _sha256(p)
        for p in sorted(folder.iterdir())
        if p.is_file() and p.name != MANIFEST_NAME and p.name not in KEPT_ENTRIES
    }
    body = {"written_by": f"plan-atlas {__version__}", "files": files}
    text = json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / MANIFEST_NAME).write_text(text, encoding="utf-8")


def foreign_entries(folder: Path) -> tuple[list[str], list[str]]:
    """``(not written by the atlas, written by it but changed since)`` entry names in ``folder``."""
    if not folder.is_dir():
        return [], []
    manifest = read_manifest(folder) or {}
    foreign, edited = [], []
    for p in sorted(folder.iterdir()):
        name = p.name
        if name in (MANIFEST_NAME, *KEPT_ENTRIES, *CLUTTER):
            continue
        if name not in manifest or not p.is_file() or p.is_symlink():
            foreign.append(name + ("/" if p.is_dir() else ""))
        elif _sha256(p) != manifest[name]:
            edited.append(name)
    return foreign, edited


def check_output(out: str | Path, *, force: bool = False) -> Path:
    """Refuse an output path the atlas must not write over (``OutputError`` says why and what to do).

    Returns the folder that will be written (a symbolic link is followed to its target).
    """
    out = Path(out)
    if out.is_symlink():
        out = out.resolve()
    recover(out)
    if out.exists() and not out.is_dir():
        msg = f"{out}: this is a file, not a folder; give --out a folder name for the atlas"
        raise OutputError(msg)
    if out.is_dir() and not force:
        foreign, edited = foreign_entries(out)
        problems = []
        if foreign:
            problems.append(f"{len(foreign)} not written by the atlas ({_names(foreign)})")
        if edited:
            problems.append(f"{len(edited)} changed since the atlas wrote them ({_names(edited)})")
        if problems:
            msg = f"{out}: refusing to write the atlas here: the folder holds files " + " and ".join(problems)
            msg += (
                "; give --out a new or empty folder, or add --force to replace the atlas files"
                " (files it did not write are kept)"
            )
            raise OutputError(msg)
    return out


def _names(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _pid_of(name: str, marker: str) -> int | None:
    try:
        return int(name.split(marker, 1)[1].split("-", 1)[0])
    except (IndexError, ValueError):
        return None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover(out: str | Path) -> None:
    """Finish what a killed build left beside ``out``.

    When ``out`` is missing but an old copy renamed aside by a swap exists, it is put back; left-over
    temporary folders of builds that are no longer running are removed.
    """
    out = Path(out)
    parent = out.parent
    if not parent.is_dir():
        return
    olds = sorted(parent.glob(f".{out.name}{_OLD}*"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not out.exists() and olds:
        os.rename(olds[0], out)
        log.warning("%s: put back the previous atlas that an interrupted build had moved aside", out)
        olds = olds[1:]
    for stale in [*olds, *parent.glob(f".{out.name}{_BUILDING}*")]:
        marker = _OLD if _OLD in stale.name else _BUILDING
        if not _alive(_pid_of(stale.name, marker)):
            shutil.rmtree(stale, ignore_errors=True)
            log.info("%s: removed what an interrupted build left", stale)


def _carry(src: Path, dst: Path) -> None:
    """Hard-link (or copy) ``src`` to ``dst``: the original stays where it is until the swap."""
    if src.is_dir() and not src.is_symlink():
        shutil.copytree(src, dst, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(src), str(dst))


def _link_or_copy(src: str, dst: str) -> None:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def replace_folder(out: str | Path, write: Callable[[Path], None], *, force: bool = False) -> Path:
    """Write a new atlas with ``write(folder)`` and swap it in for ``out`` once it is complete.

    ``write`` receives an empty sibling folder of ``out``. If it raises (or the process is
    interrupted), the sibling is removed and ``out`` is exactly as it was.
    """
    out = check_output(out, force=force)
    out.parent.mkdir(parents=True, exist_ok=True)
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    tmp = out.parent / f".{out.name}{_BUILDING}{token}"
    try:
        tmp.mkdir()
    except OSError as exc:
        msg = f"{out.parent}: cannot create a folder here ({exc.strerror}); choose another --out"
        raise OutputError(msg) from exc
    try:
        try:
            write(tmp)
            write_manifest(tmp)
        except OSError as exc:
            state = "the atlas there is as it was" if out.is_dir() else "nothing was written"
            msg = f"{out}: could not write the new atlas ({exc.strerror or exc}); {state}"
            raise OutputError(msg) from exc
        if out.is_dir():
            foreign, _ = foreign_entries(out)
            carried = [n.rstrip("/") for n in foreign] if force else []
            for name in [*KEPT_ENTRIES, *carried]:
                src = out / name
                if (src.exists() or src.is_symlink()) and not (tmp / name).exists():
                    _carry(src, tmp / name)
            old = out.parent / f".{out.name}{_OLD}{token}"
            os.rename(out, old)
            try:
                os.rename(tmp, out)
            except BaseException:
                os.rename(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(tmp, out)
    finally:
        if tmp.exists():
            with contextlib.suppress(OSError):
                shutil.rmtree(tmp)
    return out
