"""``atlas build``: run every stage over a set of files and write the atlas.

ingest → extract → indicators → geocode → layers, one direction, timings per stage.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

from atlas import layers as L
from atlas.boundaries import load_boundaries
from atlas.ingest import documents_from_paths
from atlas.models import THEMES, Document, Feature, Indicator, Mention

log = logging.getLogger("atlas")

#: progress(stage, done, total, label)
Progress = Callable[[str, int, int, str], None]


@dataclass
class BuildResult:
    """What a build produced: documents, stage outputs, layer frames, problems and timings."""

    documents: list[Document]
    mentions: list[Mention] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    features: list[Feature] = field(default_factory=list)
    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    def report(self) -> dict[str, Any]:
        """The content of report.json."""
        counts: dict[str, dict[str, int]] = {}
        for name, frame in self.layers.items():
            by_precision = Counter(str(p) for p in frame["precision"]) if len(frame) else Counter()
            counts[name] = {"total": len(frame), **dict(sorted(by_precision.items()))}
        unresolved = sorted(
            {
                (f.mention.theme, f.mention.name, f.mention.doc_id)
                for f in self.features
                if f.precision in ("county", "region") and f.mention.theme != "red_lines"
            }
        )
        return {
            "documents": [
                {
                    "doc_id": d.doc_id,
                    "title": d.title,
                    "kind": d.kind,
                    "year": d.year,
                    "region_code": d.region.adcode if d.region else None,
                    "region_name": d.region.name if d.region else None,
                    "source_file": d.source_file,
                }
                for d in self.documents
            ],
            "counts": counts,
            "unresolved": [{"theme": t, "name": n, "doc_id": d} for t, n, d in unresolved],
            "errors": self.errors,
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
        }


def _noop(stage: str, done: int, total: int, label: str) -> None:
    return None


def run_stages(
    paths: Iterable[str | Path], *, progress: Progress | None = None, themes: Sequence[str] = THEMES
) -> BuildResult:
    """Ingest, extract, parse indicators and geocode; no files are written."""
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
    result.documents = documents_from_paths(paths, errors=errors)
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


def build_atlas(
    paths: Iterable[str | Path], out_dir: str | Path, *, progress: Progress | None = None
) -> BuildResult:
    """Build the atlas of every document under ``paths`` into ``out_dir``."""
    t = time.perf_counter()
    result = run_stages(paths, progress=progress)
    result.layers = layers_from_result(result)
    result.timings["total_before_write"] = time.perf_counter() - t
    L.write_atlas(result.layers, out_dir, report=result.report())
    return result
