"""National-scale benchmark: ``python -m bench.scale [--limit N] [--national DIR] [--skip-build]``.

Every number is measured in this one run and printed beside the ratio the issue asks for:

- throughput (characters per second of wall time) of ``atlas build`` on the corpus
  (``../shared/corpus``) against the sample plans (``../shared/plans``), both with ``--workers 1``,
  and of the corpus with ``--workers 2``;
- speed-up of ``--workers 2`` over ``--workers 1`` and CPU time / wall time of ``--workers 2``;
- peak memory of the whole process tree (sum of the resident set sizes of the build and its
  workers, sampled every 0.2 s);
- a rebuild after changing one file against the full build (same cache);
- app page server times (AppTest, median of warm runs) on the national atlas against the sample
  atlas, and the map HTML sizes.

Each build is a separate ``atlas build`` process started from here (``--no-cache`` or a fresh
cache folder), so nothing is warm that a user's first build would not have. ``--limit N`` builds
every k-th corpus file only (N of them, all provinces), for a machine that cannot spare the whole
corpus (without it: every file; ``--no-serial`` skips the ``--workers 1`` corpus build, ``--keep
DIR`` keeps the ``--workers 2`` atlas for ``bench.browser``); the load average is printed with the results, since other work on the machine distorts
every figure. Skips with a reason when ``../shared`` is absent.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from atlas import settings

CORPUS_DIR = settings.SHARED_DIR / "corpus"
SAMPLE_CHAR_RATIO = 0.8  # corpus throughput ≥ 0.8 × sample plans
SPEEDUP_CPU_RATIO = 1.6  # CPU / wall with --workers 2
MEMORY_BYTES = 1.5e9
REBUILD_RATIO = 0.10
APP_RATIO = 3.0
MAP_BYTES = 3e6


@dataclass
class Run:
    wall: float
    cpu: float
    peak_rss: int
    chars: int
    report: dict


def _tree_rss(pid: int) -> int:
    import psutil

    try:
        proc = psutil.Process(pid)
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    total = 0
    for p in procs:
        with contextlib.suppress(psutil.NoSuchProcess):
            total += p.memory_info().rss
    return total


def build(paths: list[Path], out: Path, *, workers: int, cache: Path | None) -> Run:
    """One ``atlas build`` process: wall, CPU of the tree, peak tree RSS, characters built."""
    atlas = Path(sys.executable).with_name("atlas")
    cmd = [str(atlas), "build", *map(str, paths), "--out", str(out), "-q", "--workers", str(workers)]
    cmd += ["--cache", str(cache)] if cache else ["--no-cache"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            stop.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    wall = time.perf_counter() - t
    stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if code not in (0, 2):
        msg = f"bench.scale: `{' '.join(cmd)}` failed with exit status {code}"
        raise SystemExit(msg)
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    docs = json.loads((out / "documents.geojson").read_text(encoding="utf-8"))["features"]
    chars = sum(int(f["properties"].get("char_count") or 0) for f in docs)
    return Run(wall, cpu, peak, chars, report)


def _subset(corpus: Path, limit: int | None, folder: Path) -> Path:
    """A folder of symbolic links to the corpus files (every k-th one with ``limit``)."""
    from atlas.ingest import iter_input_files

    files = list(iter_input_files([corpus]))
    if limit and limit < len(files):
        step = len(files) / limit
        files = [files[int(i * step)] for i in range(limit)]
    for f in files:
        link = folder / f.relative_to(corpus)
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(f.resolve())
    return folder


def _touch_one(folder: Path) -> Path:
    """Replace the first file's link by a copy with one more sentence: a changed document."""
    first = sorted(p for p in folder.rglob("*") if p.is_symlink())[0]
    text = first.read_text(encoding="utf-8")
    first.unlink()
    first.write_text(text + "\n今年新建一处湿地公园。\n", encoding="utf-8")
    return first


def _app_times(
    layers_dir: Path, *, repeat: int, regions: int, spread: dict[str, list[float]]
) -> dict[str, tuple[float, int]]:
    """Page → (median warm server seconds, map HTML bytes) under AppTest; every run's seconds
    go to ``spread`` (page → runs)."""
    import logging

    from streamlit.testing.v1 import AppTest

    from atlas.store import AtlasStore

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    settings.LAYERS_DIR = layers_dir
    app = str(settings.PROJECT_ROOT / "streamlit_app.py")
    region_rows = AtlasStore(layers_dir).read("regions", geometry=False)
    # the regions with the most features: the heaviest county pages
    counts = region_rows[[c for c in region_rows.columns if c.startswith("n_")]].sum(axis=1)
    codes = list(region_rows.assign(n=counts).sort_values("n", ascending=False)["region_code"].astype(str))
    out: dict[str, tuple[float, int]] = {}
    page_name = ["overview"]

    def timed(at: AppTest) -> float:
        runs = []
        for _ in range(repeat):
            t = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - t)
            if at.exception:
                msg = f"page failed on {layers_dir}: {[e.value for e in at.exception]}"
                raise SystemExit(msg)
        spread.setdefault(page_name[0], []).extend(runs)
        return statistics.median(runs)

    def map_bytes(at: AppTest) -> int:
        total = 0
        for comp in at.get("component_instance"):
            args = json.loads(comp.proto.json_args)
            total += sum(len(str(args.get(k) or "").encode("utf-8")) for k in ("script", "header", "html"))
        return total

    at = AppTest.from_file(app, default_timeout=600)
    at.run()  # cold
    out["overview"] = (timed(at), map_bytes(at))
    page_name[0] = "county (worst)"
    worst = (0.0, 0)
    for code in codes[:regions]:
        at.session_state["region"] = code
        at.switch_page("app_pages/county.py")
        at.run()  # warm this region
        s = timed(at)
        worst = max(worst, (s, map_bytes(at)))
    out["county (worst)"] = worst
    at.switch_page("app_pages/export.py")
    at.run()
    page_name[0] = "export"
    out["export"] = (timed(at), 0)
    at.session_state["compare_regions"] = codes[:2]
    at.switch_page("app_pages/compare.py")
    at.run()
    page_name[0] = "compare"
    out["compare"] = (timed(at), map_bytes(at))
    return out


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=CORPUS_DIR, help="folder of corpus documents")
    ap.add_argument("--limit", type=int, default=None, help="build every k-th file only, N in all")
    ap.add_argument(
        "--national", type=Path, default=None, help="an existing national atlas for the app times"
    )
    ap.add_argument("--skip-build", action="store_true", help="only the app page times")
    ap.add_argument(
        "--no-serial",
        action="store_true",
        help="skip the corpus build with --workers 1 (and the speed-up it gives): halves a whole-corpus run",
    )
    ap.add_argument(
        "--keep", type=Path, default=None, help="keep the corpus atlas built with --workers 2 in this folder"
    )
    ap.add_argument("--repeat", type=int, default=5, help="warm runs per page (median)")
    ap.add_argument("--regions", type=int, default=3, help="county pages timed (the largest regions)")
    a = ap.parse_args(argv)
    if not a.corpus.is_dir() or not settings.PLANS_DIR.is_dir():
        print(f"bench.scale: skipped: {a.corpus} or {settings.PLANS_DIR} not found (set ATLAS_SHARED)")
        return 0
    out = sys.stdout
    work = Path(tempfile.mkdtemp(prefix="atlas-bench-scale-"))
    try:
        load0 = os.getloadavg()
        out.write(
            f"load average at start: {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f} on {os.cpu_count()} cores\n"
        )
        national = a.national
        if not a.skip_build:
            corpus = _subset(a.corpus, a.limit, work / "corpus")
            n_files = sum(1 for p in corpus.rglob("*") if p.is_symlink())
            sample = build([settings.PLANS_DIR], work / "sample", workers=1, cache=None)
            one = None if a.no_serial else build([corpus], work / "w1", workers=1, cache=None)
            w2 = a.keep or work / "w2"
            two = build([corpus], w2, workers=2, cache=work / "cache")
            out.write(f"load average after the full build: {_load()}\n")
            changed = _touch_one(corpus)
            again = build([corpus], work / "w2b", workers=2, cache=work / "cache")
            rate = {"sample": sample.chars / sample.wall, "w2": two.chars / two.wall}
            rows = [("sample plans, --workers 1", sample, rate["sample"])]
            if one is not None:
                rate["w1"] = one.chars / one.wall
                rows.append((f"corpus ({n_files} files), --workers 1", one, rate["w1"]))
            rows += [
                (f"corpus ({n_files} files), --workers 2", two, rate["w2"]),
                (f"rebuild after changing {changed.name}", again, again.chars / again.wall),
            ]
            out.write(
                f"\n{'build':<44}{'wall s':>9}{'CPU s':>9}{'CPU/wall':>9}{'peak tree MB':>13}{'chars/s':>11}\n"
            )
            for name, r, cps in rows:
                out.write(
                    f"{name:<44}{r.wall:>9.1f}{r.cpu:>9.1f}{r.cpu / r.wall:>9.2f}{r.peak_rss / 1e6:>13.0f}{cps:>11,.0f}\n"
                )
            checks: list[tuple[str, float, float | None, str]] = []
            if one is not None:
                checks += [
                    (
                        "corpus/sample throughput, --workers 1",
                        rate["w1"] / rate["sample"],
                        SAMPLE_CHAR_RATIO,
                        ">=",
                    ),
                ]
            checks.append(
                (
                    "corpus/sample throughput, --workers 2",
                    rate["w2"] / rate["sample"],
                    SAMPLE_CHAR_RATIO,
                    ">=",
                )
            )
            if one is not None:
                checks.append(("speed-up --workers 2 over 1 (wall)", one.wall / two.wall, None, ""))
            checks += [
                ("CPU/wall with --workers 2", two.cpu / two.wall, SPEEDUP_CPU_RATIO, ">="),
                ("peak tree memory GB, --workers 2", two.peak_rss / 1e9, MEMORY_BYTES / 1e9, "<="),
                ("rebuild after one change / full build", again.wall / two.wall, REBUILD_RATIO, "<="),
            ]
            out.write(f"\n{'ratio':<44}{'value':>9}{'bar':>9}\n")
            for name, value, bar, op in checks:
                verdict = ""
                if bar is not None:
                    ok = value >= bar if op == ">=" else value <= bar
                    verdict = "  ok" if ok else "  NOT MET"
                bar_text = f"{op}{bar:g}" if bar is not None else ""
                out.write(f"{name:<44}{value:>9.2f}{bar_text:>9}{verdict}\n")
            national = national or w2
        if national is not None:
            runs: dict[str, dict[str, list[float]]] = {"sample": {}, "national": {}}
            sample_times = _app_times(
                settings.LAYERS_DIR, repeat=a.repeat, regions=a.regions, spread=runs["sample"]
            )
            nat_times = _app_times(national, repeat=a.repeat, regions=a.regions, spread=runs["national"])
            out.write(f"\napp pages (AppTest, median of {a.repeat} warm runs): national atlas {national}\n")
            out.write(
                f"{'page':<16}{'sample ms':>10}{'national ms':>12}{'ratio':>7}{'bar':>6}{'map MB':>8}\n"
            )
            for page, (s, _) in sample_times.items():
                n, size = nat_times[page]
                verdict = "ok" if n <= APP_RATIO * s else "NOT MET"
                size_text = f"{size / 1e6:>8.2f}" if size else f"{'':>8}"
                out.write(
                    f"{page:<16}{s * 1000:>10.0f}{n * 1000:>12.0f}{n / s:>7.2f}{'≤3':>6}{size_text}  {verdict}\n"
                )
            for which, pages in runs.items():
                text = "; ".join(
                    f"{p} {min(r) * 1000:.0f}–{max(r) * 1000:.0f}" for p, r in pages.items() if r
                )
                out.write(f"every warm run, {which} (ms, min–max): {text}\n")
            worst_map = max(size for _, size in nat_times.values())
            out.write(
                f"largest national map HTML {worst_map / 1e6:.2f} MB (bar ≤ {MAP_BYTES / 1e6:.0f} MB)\n"
            )
        load1 = os.getloadavg()
        out.write(f"load average at end: {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
