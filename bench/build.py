"""Benchmark ``atlas build`` on the sample plans against a single Aho-Corasick scan of the same text.

    python -m bench [--repeat 5] [PATH ...]

The baseline is the cheapest thing any extractor must do: one pass of a prebuilt multi-pattern
automaton (every administrative name plus the feature suffixes) over the decoded text of every
document. Each stage is reported in seconds and as a multiple of that baseline, medians of
``--repeat`` warm runs; the cold first run (data loading) is reported separately.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from atlas import settings

SUFFIXES = (
    "公园",
    "保护区",
    "景区",
    "高速",
    "铁路",
    "国道",
    "省道",
    "机场",
    "水库",
    "流域",
    "廊道",
    "屏障",
    "红线",
)


def _baseline_scan(texts: list[str]) -> float:
    import ahocorasick

    from atlas.boundaries import load_boundaries

    auto = ahocorasick.Automaton()
    for name in load_boundaries().names():
        auto.add_word(name, name)
    for s in SUFFIXES:
        auto.add_word(s, s)
    auto.make_automaton()
    t = time.perf_counter()
    hits = 0
    for text in texts:
        for _ in auto.iter(text):
            hits += 1
    return time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", type=Path, default=[settings.PLANS_DIR])
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args(argv)
    missing = [p for p in a.paths if not p.exists()]
    if missing:
        print(f"bench: {missing[0]} not found; pass a folder of plan documents")
        return 2

    from atlas.build import build_atlas, layers_from_result, run_stages

    t = time.perf_counter()
    cold = run_stages(a.paths)
    cold_s = time.perf_counter() - t
    texts = [d.text for d in cold.documents]
    chars = sum(map(len, texts))

    stage_runs: dict[str, list[float]] = {}
    base_runs, build_runs = [], []
    for _ in range(a.repeat):
        base_runs.append(_baseline_scan(texts))
        result = run_stages(a.paths)
        layers_from_result(result)
        for k, v in result.timings.items():
            stage_runs.setdefault(k, []).append(v)
        with tempfile.TemporaryDirectory() as out:
            t = time.perf_counter()
            build_atlas(a.paths, out, workers=1, cache=False)
            build_runs.append(time.perf_counter() - t)

    base = statistics.median(base_runs)
    print(f"documents {len(texts)}, characters {chars:,}; medians of {a.repeat} warm runs")
    print(f"{'stage':<14}{'seconds':>10}{'x baseline':>12}")
    print(f"{'baseline scan':<14}{base:>10.4f}{1:>12.1f}")
    for k, runs in stage_runs.items():
        if k == "boundaries":
            continue
        m = statistics.median(runs)
        print(f"{k:<14}{m:>10.4f}{m / base:>12.1f}")
    b = statistics.median(build_runs)
    print(f"{'build (all)':<14}{b:>10.4f}{b / base:>12.1f}   (ingest → layers written, incl. GeoPackage)")
    print(f"{'cold start':<14}{cold_s:>10.4f}{'':>12}   (first run in this process: data loading included)")
    return 0
