"""Data behind the app: load the atlas, tables and filters, evidence sentences, exports.

Nothing here imports Streamlit. The app caches :func:`load_atlas` with ``st.cache_data`` keyed
on :func:`atlas_signature` (file names, sizes and modification times), so a rebuilt atlas is
seen at the next rerun without restarting the server.

Evidence sentences are not stored in the layers (they hold offsets, see DESIGN.md): they are
looked up at display time from the source files, searched by file name in
:func:`source_dirs`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from atlas import settings
from atlas._errors import AtlasError, InputError, LayerError
from atlas.labels import THEME_LABELS, THEME_STYLES, Evidence
from atlas.layers import LAYERS, REGION_INDICATOR_KEYS, geojson_bytes, read_atlas, write_gpkg
from atlas.models import PRECISIONS, THEMES
from atlas.store import AtlasStore
from atlas.text import SENTENCE_END_RE

log = logging.getLogger("atlas")

#: Precision tiers that place a feature finer than its county.
FINER_THAN_COUNTY: tuple[str, ...] = ("exact", "town", "schematic")

#: Themes counted as ecological on the overview.
ECOLOGICAL_THEMES: tuple[str, ...] = ("parks", "red_lines", "eco_zones")

#: Export formats: key → (label, file extension, MIME type).
EXPORT_FORMATS: dict[str, tuple[str, str, str]] = {
    "geojson": ("GeoJSON (RFC 7946)", "geojson", "application/geo+json"),
    "gpkg": ("GeoPackage", "gpkg", "application/geopackage+sqlite3"),
    "csv": ("CSV + WKT", "csv", "text/csv"),
}

#: Chinese + English name of every layer, for pickers.
LAYER_LABELS: dict[str, str] = dict(THEME_LABELS)

#: Shown in tables for a missing value (filters use it too).
MISSING = "—"

_INDICATOR_LABELS: dict[str, str] = {
    "forest_cover": "森林覆盖率 Forest cover (%)",
    "pm25": "PM2.5 (μg/m³)",
    "good_air_days": "优良天数 Good-air days",
    "good_air_ratio": "优良天数比例 Good-air ratio (%)",
    "water_quality": "水质达标 Water quality (%)",
    "energy_intensity": "能耗强度 Energy intensity",
    "co2_intensity": "碳排放强度 CO₂ intensity",
    "urbanisation": "城镇化率 Urbanisation (%)",
    "gdp_growth": "GDP 增速 GDP growth (%)",
}


# ---------------------------------------------------------------------------------------------
# loading
# ---------------------------------------------------------------------------------------------
def atlas_signature(layers_dir: str | Path | None = None) -> tuple[tuple[str, int, int], ...]:
    """``(file name, size, mtime_ns)`` of every layer file: the cache key of :func:`load_atlas`."""
    d = Path(layers_dir or settings.LAYERS_DIR)
    out = []
    for name in (*(f"{n}.geojson" for n in LAYERS), "report.json"):
        p = d / name
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((name, st.st_size, st.st_mtime_ns))
    return tuple(out)


def load_atlas(layers_dir: str | Path | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Every layer of the atlas folder, by name, theme layers present even when not built.

    Raises
    ------
    LayerError
        The folder is missing, has no ``regions.geojson``, or a layer breaks the contract.
    """
    d = Path(layers_dir or settings.LAYERS_DIR)
    layers = read_atlas(d)
    if "regions" not in layers:
        msg = f"{d}: no regions.geojson here; build the atlas with `atlas build PATH --out {d}`"
        raise LayerError(msg)
    for name in LAYERS:
        if name not in layers:
            layers[name] = gpd.GeoDataFrame(
                {"id": pd.Series(dtype=str), "region_code": pd.Series(dtype=str)},
                geometry=gpd.GeoSeries([], crs="EPSG:4326"),
            )
    for frame in layers.values():
        if "region_code" in frame:
            frame["region_code"] = frame["region_code"].astype("string").astype(object)
    return layers


def check_atlas(layers_dir: str | Path | None = None) -> None:
    """Raise ``LayerError`` (saying what to do) when the folder holds no built atlas."""
    d = Path(layers_dir or settings.LAYERS_DIR)
    if not d.is_dir():
        msg = f"{d}: no atlas folder here; build one with `atlas build PATH --out {d}`"
        raise LayerError(msg)
    if not (d / "regions.geojson").is_file():
        msg = f"{d}: no regions.geojson here; build the atlas with `atlas build PATH --out {d}`"
        raise LayerError(msg)


class LazyLayers(Mapping[str, gpd.GeoDataFrame]):
    """Every layer name of the atlas, each read whole (once) only when it is asked for.

    For the pages that still need a whole layer; the others read parts through
    :class:`atlas.store.AtlasStore`.
    """

    def __init__(self, store: AtlasStore) -> None:
        self.store = store
        self._frames: dict[str, gpd.GeoDataFrame] = {}

    def __getitem__(self, name: str) -> gpd.GeoDataFrame:
        if name not in LAYERS:
            raise KeyError(name)
        if name not in self._frames:
            frame = self.store.read(name)
            if not isinstance(frame, gpd.GeoDataFrame):
                frame = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([None] * len(frame), crs="EPSG:4326"))
            if "region_code" in frame:
                frame["region_code"] = frame["region_code"].astype("string").astype(object)
            self._frames[name] = frame
        return self._frames[name]

    def __iter__(self) -> Iterator[str]:
        return iter(LAYERS)

    def __len__(self) -> int:
        return len(LAYERS)


def layers_for_years(
    layers: Mapping[str, gpd.GeoDataFrame],
    years: Mapping[str, int | None],
    doc_years: Mapping[str, float],
) -> dict[str, gpd.GeoDataFrame]:
    """The layers with, for each region in ``years``, only the features of its documents of that
    year (``None``: every year). ``doc_years`` maps doc_id → year. Regions not named are kept."""
    chosen = {str(k): v for k, v in years.items() if v is not None}
    if not chosen:
        return dict(layers)
    out: dict[str, gpd.GeoDataFrame] = {}
    for name, frame in layers.items():
        if name == "regions" or frame is None or not len(frame) or "doc_id" not in frame:
            out[name] = frame
            continue
        codes = frame["region_code"].astype(str)
        doc_year = frame["doc_id"].astype(str).map(doc_years)
        want = codes.map(chosen)
        keep = want.isna() | (doc_year == want)
        out[name] = frame[keep.to_numpy()]
    return out


def year_options(docs: pd.DataFrame, region_code: str) -> list[int]:
    """The document years of one region, newest first."""
    sel = docs[docs["region_code"].astype(str) == str(region_code)]
    years = pd.to_numeric(sel["year"], errors="coerce").dropna().astype(int)
    return sorted(set(years), reverse=True)


def default_year(choices: Sequence[int | None]) -> int | None:
    """The year a region page or Compare opens on: the latest when the region has documents of
    several years (twenty years of reports on one map would bury each one), else all (None).
    ``choices`` is ``[None, newest, …, oldest]`` as the pickers list them."""
    years = [y for y in choices if y is not None]
    return years[0] if len(years) > 1 else None


def timeline(index: pd.DataFrame, docs: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """Features per theme per document year of one region (long form: year, theme, n), with a
    zero for each theme in a year that has a document but no feature of that theme."""
    code = str(region_code)
    years = pd.to_numeric(docs.loc[docs["region_code"].astype(str) == code, "year"], errors="coerce")
    years = sorted(set(years.dropna().astype(int)))
    sel = index[(index["region_code"].astype(str) == code) & index["year"].notna()]
    counts = sel.groupby(["year", "theme"]).size()
    rows = [{"year": y, "theme": t, "n": int(counts.get((float(y), t), 0))} for y in years for t in THEMES]
    return pd.DataFrame(rows, columns=["year", "theme", "n"])


def timeline_chart(counts: pd.DataFrame) -> Any:
    """A small line chart of :func:`timeline`: features per theme per document year, theme colours."""
    import altair as alt

    themes = [t for t in THEMES if t in set(counts["theme"])]
    data = counts.assign(label=counts["theme"].map(lambda t: THEME_STYLES.get(t, (t,))[0]))
    labels = [THEME_STYLES.get(t, (t,))[0] for t in themes]
    colors = [THEME_STYLES[t][1] if t in THEME_STYLES else "#888888" for t in themes]
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="年份 Year"),
            y=alt.Y("n:Q", title="要素 Features"),
            color=alt.Color("label:N", title="主题 Theme", scale=alt.Scale(domain=labels, range=colors)),
            tooltip=["year", "label", "n"],
        )
        .properties(height=200)
    )


def documents_by_year(docs: pd.DataFrame, index: pd.DataFrame, region_code: str) -> pd.DataFrame:
    """One region's documents, newest first: year, title, kind, doc_id and features per theme."""
    code = str(region_code)
    sel = docs[docs["region_code"].astype(str) == code]
    cols = ["year", "title", "kind", "doc_id"]
    table = pd.DataFrame({c: sel[c].to_numpy() if c in sel else None for c in cols})
    feats = index[index["region_code"].astype(str) == code]
    counts = feats.groupby(["doc_id", "theme"]).size().unstack(fill_value=0) if len(feats) else None
    for theme in THEMES:
        col = f"n_{theme}"
        if counts is not None and theme in counts:
            table[col] = table["doc_id"].astype(str).map(counts[theme]).fillna(0).astype(int)
        else:
            table[col] = 0
    table["year"] = pd.to_numeric(table["year"], errors="coerce")
    return table.sort_values(["year", "doc_id"], ascending=[False, True], na_position="last").reset_index(
        drop=True
    )


# ---------------------------------------------------------------------------------------------
# regions and metrics
# ---------------------------------------------------------------------------------------------
_LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2}


def region_choices(regions: gpd.GeoDataFrame) -> dict[str, str]:
    """Adcode → label (``霍州市 · 临汾市 (141082)``), prefectures before their counties."""
    rows = []
    for r in regions.itertuples(index=False):
        code = str(r.region_code)
        parent = (
            getattr(r, "prefecture", None)
            if getattr(r, "level", None) == "county"
            else getattr(r, "province", None)
        )
        parent = parent if isinstance(parent, str) and parent and parent != r.name else None
        label = f"{r.name} · {parent} ({code})" if parent else f"{r.name} ({code})"
        rows.append((code[:2], code[:4], _LEVEL_ORDER.get(getattr(r, "level", ""), 3), code, label))
    return {code: label for *_, code, label in sorted(rows)}


def region_names(regions: gpd.GeoDataFrame) -> dict[str, str]:
    """Adcode → name of every region of the atlas."""
    return dict(zip(regions["region_code"].astype(str), regions["name"].astype(str), strict=True))


def metric_options(regions: gpd.GeoDataFrame) -> dict[str, str]:
    """Values the overview can colour regions by: feature counts, then indicators with data."""
    out = {"eco": "生态要素数 Ecological features (parks + red lines + eco zones)"}
    for theme in THEMES:
        if f"n_{theme}" in regions:
            out[f"n_{theme}"] = f"{THEME_LABELS[theme]} 数量 count"
    for key in REGION_INDICATOR_KEYS:
        label = _INDICATOR_LABELS.get(key, key)
        for part, zh in (("target", "目标 target"), ("base", "基期 base")):
            col = f"{key}_{part}"
            if col in regions and pd.to_numeric(regions[col], errors="coerce").notna().any():
                out[col] = f"{label} · {zh}"
    return out


def metric_values(regions: gpd.GeoDataFrame, metric: str) -> pd.Series:
    """The value of ``metric`` (a key of :func:`metric_options`) per region row; NaN = no data."""
    if metric == "eco":
        cols = [f"n_{t}" for t in ECOLOGICAL_THEMES if f"n_{t}" in regions]
        if not cols:
            return pd.Series(np.nan, index=regions.index)
        return regions[cols].apply(pd.to_numeric, errors="coerce").sum(axis=1, min_count=1)
    if metric not in regions:
        msg = f"unknown metric {metric!r}; use one of {sorted(metric_options(regions))}"
        raise InputError(msg)
    return pd.to_numeric(regions[metric], errors="coerce").astype(float)


#: Labels of the administrative levels (overview level picker).
LEVEL_LABELS: dict[str, str] = {
    "province": "省 Provinces",
    "prefecture": "地级市 Prefectures",
    "county": "县区 Counties",
}


def level_options(regions: pd.DataFrame) -> dict[str, int]:
    """Level → number of regions of that level in the atlas, provinces first."""
    if "level" not in regions or not len(regions):
        return {}
    counts = regions["level"].astype(str).value_counts()
    return {lv: int(counts[lv]) for lv in _LEVEL_ORDER if lv in counts}


def default_level(levels: Mapping[str, int], *, mixed_up_to: int = 60) -> str | None:
    """The overview's first level: every level together for a small atlas (None), else the level
    with the most regions (a national atlas would otherwise mix provinces, cities and counties)."""
    if not levels or sum(levels.values()) <= mixed_up_to:
        return None
    return max(levels, key=lambda lv: levels[lv])


def overview_tolerance(n_regions: int) -> float:
    """Simplification (degrees) of region outlines on the overview: finer for a few regions,
    coarser for hundreds (a national map at county detail would be megabytes)."""
    if n_regions <= 40:
        return 0.003
    if n_regions <= 150:
        return 0.008
    return 0.02


def metric_values_in_years(
    regions: gpd.GeoDataFrame,
    metric: str,
    *,
    index: pd.DataFrame,
    docs: pd.DataFrame,
    years: tuple[int, int] | None,
) -> pd.Series:
    """Like :func:`metric_values`, but feature counts come from the documents of ``years`` only
    (a region without a document in those years is NaN: no data, not zero)."""
    themes: tuple[str, ...] | None = None
    if metric == "eco":
        themes = ECOLOGICAL_THEMES
    elif metric.startswith("n_") and metric[2:] in THEMES:
        themes = (metric[2:],)
    if themes is None:
        return metric_values(regions, metric)
    from atlas.store import region_counts, regions_with_documents

    codes = regions["region_code"].astype(str).tolist()
    counts = region_counts(index, codes, themes=themes, years=years)
    have = regions_with_documents(docs, years)
    values = [counts[c] if c in have else np.nan for c in codes]
    return pd.Series(values, index=regions.index, dtype=float)


def documents_table_from_index(docs: pd.DataFrame, index: pd.DataFrame) -> pd.DataFrame:
    """:func:`documents_table` from the documents (no geometry) and the feature index."""
    layers: dict[str, Any] = {"documents": docs}
    for theme in THEMES:
        layers[theme] = index[index["theme"] == theme]
    return documents_table(layers)


def region_at(regions: gpd.GeoDataFrame, lon: float, lat: float) -> str | None:
    """Adcode of the most detailed region containing a point (a click on the overview), or None."""
    pt = shapely.Point(lon, lat)
    hits = [
        (_LEVEL_ORDER.get(str(r.level), 3), str(r.region_code))
        for r in regions.itertuples(index=False)
        if r.geometry is not None and r.geometry.intersects(pt)
    ]
    return max(hits)[1] if hits else None


# ---------------------------------------------------------------------------------------------
# tables and filters
# ---------------------------------------------------------------------------------------------
def documents_table(layers: Mapping[str, gpd.GeoDataFrame]) -> pd.DataFrame:
    """One row per document: title, kind, year, region, counts per theme, share placed finer than county."""
    docs = layers.get("documents")
    cols = ["doc_id", "title", "kind", "year", "region_name", "region_code"]
    if docs is None or not len(docs):
        return pd.DataFrame(columns=[*cols, *(f"n_{t}" for t in THEMES), "n_features", "finer_share"])
    table = pd.DataFrame({c: docs.get(c, None) for c in cols})
    precisions: list[pd.Series] = []
    for theme in THEMES:
        frame = layers.get(theme)
        if frame is None or not len(frame):
            table[f"n_{theme}"] = 0
            continue
        counts = frame.groupby("doc_id").size()
        table[f"n_{theme}"] = table["doc_id"].map(counts).fillna(0).astype(int)
        precisions.append(frame[["doc_id", "precision"]])
    table["n_features"] = table[[f"n_{t}" for t in THEMES]].sum(axis=1)
    if precisions:
        allp = pd.concat(precisions, ignore_index=True)
        finer = allp.assign(f=allp["precision"].isin(FINER_THAN_COUNTY)).groupby("doc_id")["f"].mean()
        table["finer_share"] = table["doc_id"].map(finer).astype(float)
    else:
        table["finer_share"] = np.nan
    return table.sort_values("doc_id", kind="stable").reset_index(drop=True)


TABLE_COLUMNS: tuple[str, ...] = (
    "theme", "name", "kind", "level", "status", "precision", "county_name", "county_code", "doc_id",
    "source_file", "char_start", "char_end", "mentions", "id",
)  # fmt: skip


def feature_table(
    layers: Mapping[str, gpd.GeoDataFrame], region_code: str | None = None, *, themes: Sequence[str] = THEMES
) -> pd.DataFrame:
    """The features of the theme layers (of one region's documents) as one plain table.

    Missing kind/level/status/precision are shown as :data:`MISSING` so they can be filtered.
    """
    parts = []
    for theme in themes:
        frame = layers.get(theme)
        if frame is None or not len(frame):
            continue
        if region_code is not None:
            frame = frame[frame["region_code"].astype(str) == str(region_code)]
        part = pd.DataFrame({c: frame[c].to_numpy() if c in frame else None for c in TABLE_COLUMNS})
        part["theme"] = theme
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(TABLE_COLUMNS))
    table = pd.concat(parts, ignore_index=True)
    table["mentions"] = [
        len(mention_spans(v, cs, ce))
        for v, cs, ce in zip(table["mentions"], table["char_start"], table["char_end"], strict=True)
    ]
    for col in ("kind", "level", "status", "precision"):
        table[col] = table[col].map(lambda v: MISSING if _missing(v) else str(v))
    return table


def _count(value: Any) -> int:
    """A mention count from a table cell (a number) or a layer cell (a list of spans)."""
    if isinstance(value, int | np.integer):
        return int(value)
    return max(1, len(mention_spans(value)))


def _missing(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and not v.strip()


def filter_options(table: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter can take (theme, kind, status, precision), in a stable order."""
    order = {"theme": list(THEMES), "precision": list(PRECISIONS)}
    out: dict[str, list[str]] = {}
    for col in ("theme", "kind", "status", "precision"):
        present = [str(v) for v in table[col].dropna().unique()] if col in table else []
        ranked = order.get(col, [])
        out[col] = sorted(
            present, key=lambda v: (v == MISSING, ranked.index(v) if v in ranked else len(ranked), v)
        )
    return out


def filter_features(
    table: pd.DataFrame,
    *,
    themes: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    statuses: Iterable[str] | None = None,
    precisions: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Rows of a :func:`feature_table` whose values are in every given list (None = no filter)."""
    mask = pd.Series(True, index=table.index)
    for col, allowed in (("theme", themes), ("kind", kinds), ("status", statuses), ("precision", precisions)):
        if allowed is not None:
            mask &= table[col].isin(list(allowed))
    return table[mask]


# ---------------------------------------------------------------------------------------------
# evidence sentences
# ---------------------------------------------------------------------------------------------
def source_dirs() -> list[Path]:
    """Folders searched for source files: ``ATLAS_SOURCES`` (os.pathsep-separated), the layers
    folder's ``sources/``, then the sample plans folder."""
    dirs = [Path(p) for p in os.environ.get("ATLAS_SOURCES", "").split(os.pathsep) if p.strip()]
    dirs += [settings.LAYERS_DIR / "sources", settings.PLANS_DIR]
    return [d for d in dirs if d.is_dir()]


def find_source(name: str, *, dirs: Sequence[str | Path] | None = None) -> Path | None:
    """The source file called ``name`` (a bare file name, never a path) in :func:`source_dirs`."""
    if not name or Path(name).name != name or name in (".", ".."):
        return None
    for d in dirs if dirs is not None else source_dirs():
        p = Path(d) / name
        if p.is_file():
            return p
    return None


@lru_cache(maxsize=16)
def _source_text(path: str, size: int, mtime_ns: int) -> str:
    from atlas.ingest import source_text

    return source_text(path)


def _read_source(path: Path) -> str | None:
    try:
        st = path.stat()
        return _source_text(str(path), st.st_size, st.st_mtime_ns)
    except (OSError, AtlasError) as exc:
        log.warning("evidence: cannot read %s (%s)", path, exc)
        return None


def _text_of(name: str, *, dirs: Sequence[str | Path] | None, texts: Mapping[str, str] | None) -> str | None:
    """The text of source file ``name``: from ``texts`` (the workspace's) first, else the folders."""
    text = (texts or {}).get(name)
    if text is None:
        path = find_source(name, dirs=dirs)
        text = _read_source(path) if path is not None else None
    return text


_SENTENCE_END = SENTENCE_END_RE  # the one definition of a sentence (atlas.text)


def sentence_around(text: str, start: int, end: int, *, max_chars: int = 220) -> Evidence | None:
    """The sentence of ``text`` holding ``text[start:end]``, cut to about ``max_chars`` around it."""
    if not (0 <= start < end <= len(text)):
        return None
    a = max(0, start - max_chars)
    for hit in _SENTENCE_END.finditer(text, a, start):  # the last sentence end before the mention
        a = hit.end()
    after = _SENTENCE_END.search(text, end, min(len(text), end + max_chars))
    b = after.end() if after else min(len(text), end + max_chars)
    if text[b - 1 : b] == "\n":
        b -= 1
    # keep the piece around the mention when the sentence is very long
    if b - a > max_chars:
        room = max(max_chars - (end - start), 0)
        a = max(a, start - room // 2)
        b = min(b, end + (room - (start - a)))
    raw = text[a:b]
    lead = len(raw) - len(raw.lstrip())
    piece = raw.strip()
    if not piece:
        return None
    prefix = "…" if a > 0 and text[a - 1] not in "。！？!?；;\n" else ""
    suffix = "…" if b < len(text) and text[b - 1] not in "。！？!?；;" and text[b : b + 1] != "\n" else ""
    s = start - a - lead + len(prefix)
    e = end - a - lead + len(prefix)
    return Evidence(text=prefix + piece + suffix, start=s, end=e)


def mention_spans(value: Any, start: Any = None, end: Any = None) -> list[tuple[int, int]]:
    """Every ``[start, end]`` of a feature's ``mentions`` (a list, or JSON text as in a GeoPackage).

    A feature without the field (statements, older atlases) has its own ``char_start``/``char_end``
    as its only mention; unreadable values give that too, never an error.
    """
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    spans: list[tuple[int, int]] = []
    if isinstance(value, list | tuple | np.ndarray):
        for pair in value:
            if isinstance(pair, list | tuple | np.ndarray) and len(pair) == 2:
                a, b = pair
                if not (_missing(a) or _missing(b)):
                    spans.append((int(a), int(b)))
    if not spans and not (_missing(start) or _missing(end)):
        spans.append((int(start), int(end)))
    return spans


def feature_row(layers: Mapping[str, gpd.GeoDataFrame], feature_id: str) -> dict[str, Any] | None:
    """The layer row (properties, no geometry) of the feature with ``feature_id``, or None."""
    for theme in THEMES:
        frame = layers.get(theme)
        if frame is None or not len(frame) or "id" not in frame:
            continue
        hit = frame[frame["id"].astype(str) == str(feature_id)]
        if len(hit):
            row = hit.iloc[0]
            return {k: row[k] for k in hit.columns if k != hit.geometry.name}
    return None


def mention_evidence(
    row: Mapping[str, Any],
    *,
    dirs: Sequence[str | Path] | None = None,
    max_chars: int = 220,
    texts: Mapping[str, str] | None = None,
) -> list[Evidence]:
    """The sentence of every mention of one feature (a row of a layer or of :func:`feature_table`
    with ``source_file``, ``char_start``, ``char_end`` and ``mentions``), in text order.

    ``texts`` as in :func:`evidence_for` (the workspace's stored sources come before the source
    folders). Empty when the source text is not found. For :func:`feature_table` rows (where
    ``mentions`` is a count) pass the layer row instead.
    """
    text = _text_of(str(row.get("source_file") or ""), dirs=dirs, texts=texts)
    if text is None:
        return []
    out: list[Evidence] = []
    for a, b in mention_spans(row.get("mentions"), row.get("char_start"), row.get("char_end")):
        ev = sentence_around(text, a, b, max_chars=max_chars)
        if ev is not None:
            out.append(Evidence(ev.text, ev.start, ev.end, source_file=str(row.get("source_file"))))
    return out


def evidence_for(
    frame: pd.DataFrame,
    *,
    dirs: Sequence[str | Path] | None = None,
    max_chars: int = 220,
    texts: Mapping[str, str] | None = None,
) -> dict[str, Evidence]:
    """Feature id → the sentence of its source document holding the (first) mention.

    ``texts`` (file name → decoded text, e.g. the workspace's stored sources) is consulted before
    the source folders. A feature named more than once says how many more mentions it has (see
    :func:`mention_evidence` for all of them). Features whose source file is not found (or whose
    offsets fall outside it) get no entry; the popup then shows the layer's facts only.
    """
    out: dict[str, Evidence] = {}
    if frame is None or not len(frame) or "source_file" not in frame:
        return out
    for name, group in frame.groupby("source_file", sort=False):
        text = _text_of(str(name), dirs=dirs, texts=texts)
        if text is None:
            continue
        counts = group["mentions"] if "mentions" in group else pd.Series(1, index=group.index)
        for fid, cs, ce, n in zip(group["id"], group["char_start"], group["char_end"], counts, strict=True):
            if _missing(cs) or _missing(ce):
                continue
            ev = sentence_around(text, int(cs), int(ce), max_chars=max_chars)
            if ev is not None:
                more = _count(n) - 1
                note = (
                    f" 〔另有{more}处提及 {more} more mention{'s' if more > 1 else ''}〕" if more > 0 else ""
                )
                out[str(fid)] = Evidence(ev.text + note, ev.start, ev.end, source_file=str(name))
    return out


# ---------------------------------------------------------------------------------------------
# export
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Export:
    """A file ready for download."""

    file_name: str
    data: bytes
    mime: str
    feature_counts: Mapping[str, int]


_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|\s]+')


def _name_part(text: str) -> str:
    return _UNSAFE_NAME.sub("-", text).strip("-") or "atlas"


def export_file_name(
    layer_names: Sequence[str], region_codes: Sequence[str] | None, *, names: Mapping[str, str], ext: str
) -> str:
    """``plan-atlas_<region>_<layer>.<ext>``: ``141082-霍州市``, ``all-regions`` or ``3-regions``."""
    if not region_codes:
        region = "all-regions"
    elif len(region_codes) == 1:
        code = str(region_codes[0])
        region = f"{code}-{names[code]}" if names.get(code) else code
    else:
        region = f"{len(region_codes)}-regions"
    layer = layer_names[0] if len(layer_names) == 1 else f"{len(layer_names)}-layers"
    return f"plan-atlas_{_name_part(region)}_{_name_part(layer)}.{ext}"


def _select(frame: gpd.GeoDataFrame, region_codes: Sequence[str] | None) -> gpd.GeoDataFrame:
    if not region_codes:
        return frame
    return frame[frame["region_code"].astype(str).isin([str(c) for c in region_codes])]


def csv_bytes(frame: gpd.GeoDataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read Chinese), geometry as WKT in ``wkt``."""
    out = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    for col in out.columns:
        if out[col].map(lambda v: isinstance(v, list | tuple | dict)).any():
            out[col] = out[col].map(
                lambda v: (
                    json.dumps(list(v) if isinstance(v, tuple) else v, ensure_ascii=False)
                    if isinstance(v, list | tuple | dict)
                    else v
                )
            )
    out["wkt"] = [
        None if g is None or g.is_empty else shapely.to_wkt(g, rounding_precision=6) for g in frame.geometry
    ]
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def gpkg_bytes(frames: Mapping[str, gpd.GeoDataFrame]) -> bytes:
    """The frames as layers of one GeoPackage (lists stored as JSON text)."""
    with tempfile.TemporaryDirectory(prefix="atlas-export-") as tmp:
        path = Path(tmp) / "export.gpkg"
        write_gpkg(dict(frames), path)
        return path.read_bytes()


def _check_layer_choice(layer_names: Sequence[str], available: Sequence[str]) -> None:
    """Raise ``InputError`` when no layer is chosen or a chosen one is not in ``available``."""
    if not layer_names:
        msg = "no layer chosen to export; pick at least one layer"
        raise InputError(msg)
    unknown = [n for n in layer_names if n not in available]
    if unknown:
        msg = f"unknown layers {unknown}; the atlas has {list(available)}"
        raise InputError(msg)


def export_layers(
    layers: Mapping[str, gpd.GeoDataFrame],
    layer_names: Sequence[str],
    *,
    region_codes: Sequence[str] | None = None,
    fmt: str = "geojson",
) -> Export:
    """The chosen layers, cut to the chosen regions, as one downloadable file.

    GeoJSON and CSV give one file per layer (a zip of them for several layers); GeoPackage
    holds every layer in one file. Coordinates are WGS84 whatever basemap was shown.

    Parameters
    ----------
    layers
        Layer frames by name (:func:`load_atlas`).
    layer_names
        Which layers to export (names of :data:`atlas.layers.LAYERS`).
    region_codes
        Keep features of these regions' documents only (None or empty: all regions).
    fmt
        ``geojson`` (default), ``gpkg`` or ``csv``.
    """
    if fmt not in EXPORT_FORMATS:
        msg = f"unknown export format {fmt!r}; use one of {sorted(EXPORT_FORMATS)}"
        raise InputError(msg)
    _check_layer_choice(layer_names, sorted(layers))
    regions = layers.get("regions")
    names = (
        dict(zip(regions["region_code"].astype(str), regions["name"], strict=True))
        if regions is not None
        else {}
    )
    frames = {n: _select(layers[n], region_codes) for n in layer_names}
    counts = {n: len(f) for n, f in frames.items()}
    _, ext, mime = EXPORT_FORMATS[fmt]
    if fmt == "gpkg":
        return Export(
            export_file_name(layer_names, region_codes, names=names, ext=ext),
            gpkg_bytes(frames),
            mime,
            counts,
        )
    encode = geojson_bytes if fmt == "geojson" else csv_bytes
    if len(frames) == 1:
        ((name, frame),) = frames.items()
        return Export(
            export_file_name([name], region_codes, names=names, ext=ext), encode(frame), mime, counts
        )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, frame in frames.items():
            zf.writestr(export_file_name([name], region_codes, names=names, ext=ext), encode(frame))
    return Export(
        export_file_name(layer_names, region_codes, names=names, ext="zip"),
        buf.getvalue(),
        "application/zip",
        counts,
    )


def export_target(
    layer_names: Sequence[str], region_codes: Sequence[str] | None, *, names: Mapping[str, str], fmt: str
) -> tuple[str, str]:
    """File name and MIME type of an export (a zip for several GeoJSON or CSV layers)."""
    if fmt not in EXPORT_FORMATS:
        msg = f"unknown export format {fmt!r}; use one of {sorted(EXPORT_FORMATS)}"
        raise InputError(msg)
    _, ext, mime = EXPORT_FORMATS[fmt]
    if fmt != "gpkg" and len(layer_names) > 1:
        return export_file_name(layer_names, region_codes, names=names, ext="zip"), "application/zip"
    return export_file_name(layer_names, region_codes, names=names, ext=ext), mime


def _geojson_lines(path: Path, region_codes: set[str] | None) -> Iterator[bytes]:
    """Feature lines of a layer file (one feature per line), of the given regions only."""
    with path.open("rb") as fh:
        for line in fh:
            if not line.startswith(b'{"type":"Feature"'):
                continue
            body = line.rstrip(b"\r\n").rstrip(b",")
            if region_codes is not None:
                code = json.loads(body)["properties"].get("region_code")
                if str(code) not in region_codes:
                    continue
            yield body


def _write_geojson_subset(src: Path, region_codes: set[str] | None, out: Any) -> int:
    n = 0
    out.write(b'{"type":"FeatureCollection","features":[\n')
    for line in _geojson_lines(src, region_codes):
        out.write((b",\n" if n else b"") + line)
        n += 1
    out.write(b"\n]}\n")
    return n


def export_file(
    store: AtlasStore,
    layer_names: Sequence[str],
    region_codes: Sequence[str] | None = None,
    *,
    fmt: str = "geojson",
    folder: str | Path | None = None,
) -> Path:
    """Write an export to a file (not into memory) and return its path.

    GeoJSON is copied line by line from the atlas's layer files (the same bytes as the layer,
    cut to the regions); GeoPackage and CSV read the regions' rows through the store's index.
    Files are kept in ``folder`` (default: a ``plan-atlas-export`` folder in the temporary
    directory) under a name made of the atlas version and the selection, so asking again for
    the same selection reuses the file; only the newest few are kept.
    """
    layer_names = list(layer_names)
    _check_layer_choice(layer_names, list(LAYERS))
    names = region_names(store.read("regions", columns=["region_code", "name"], geometry=False))
    file_name, _ = export_target(layer_names, region_codes, names=names, fmt=fmt)
    codes = sorted({str(c) for c in region_codes}) if region_codes else None
    key = hashlib.sha1(
        json.dumps([store.signature(), str(store.dir), layer_names, codes, fmt], default=str).encode()
    ).hexdigest()[:16]
    base = Path(folder) if folder is not None else Path(tempfile.gettempdir()) / "plan-atlas-export"
    target = base / key / file_name
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # hidden and unfinished, but with the format's own suffix (GDAL checks a GeoPackage's name)
    tmp = target.with_name(f".part-{os.getpid()}-{target.name}")
    wanted = set(codes) if codes else None
    try:
        if fmt == "gpkg":
            frames = {n: store.read(n, region_codes=codes) for n in layer_names}
            write_gpkg({n: f for n, f in frames.items() if isinstance(f, gpd.GeoDataFrame)}, tmp)
        elif (
            fmt == "geojson"
            and store.holds_layer_files
            and all((store.dir / f"{n}.geojson").is_file() for n in layer_names)
        ):
            if len(layer_names) == 1:
                with tmp.open("wb") as out:
                    _write_geojson_subset(store.dir / f"{layer_names[0]}.geojson", wanted, out)
            else:
                with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                    for n in layer_names:
                        inner = export_file_name([n], region_codes, names=names, ext="geojson")
                        with zf.open(inner, "w") as out:
                            _write_geojson_subset(store.dir / f"{n}.geojson", wanted, out)
        else:
            encode = geojson_bytes if fmt == "geojson" else csv_bytes
            ext = EXPORT_FORMATS[fmt][1]
            if len(layer_names) == 1:
                frame = store.read(layer_names[0], region_codes=codes)
                tmp.write_bytes(encode(frame))  # type: ignore[arg-type]
            else:
                with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
                    for n in layer_names:
                        inner = export_file_name([n], region_codes, names=names, ext=ext)
                        zf.writestr(inner, encode(store.read(n, region_codes=codes)))  # type: ignore[arg-type]
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    _prune(base, keep=8)
    return target


def _prune(base: Path, *, keep: int) -> None:
    """Remove all but the ``keep`` newest export folders."""
    try:
        folders = sorted((d for d in base.iterdir() if d.is_dir()), key=lambda d: d.stat().st_mtime)
    except OSError:
        return
    for d in folders[:-keep]:
        shutil.rmtree(d, ignore_errors=True)


def read_export(data: bytes, fmt: str, *, layer: str | None = None) -> gpd.GeoDataFrame:
    """Read one exported layer back with geopandas (the round trip the tests check)."""
    if fmt == "csv":
        frame = pd.read_csv(
            io.BytesIO(data), encoding="utf-8-sig", dtype={"region_code": str, "county_code": str}
        )
        wkt = frame.pop("wkt")
        geoms = shapely.from_wkt(wkt.astype(object).where(wkt.notna(), None).to_numpy())
        return gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
    if fmt == "gpkg":
        import pyogrio

        from atlas.store import _PART_SUFFIXES, _single_parts

        with tempfile.TemporaryDirectory(prefix="atlas-read-") as tmp:
            path = Path(tmp) / "export.gpkg"
            path.write_bytes(data)
            tables = [str(n) for n, _ in pyogrio.list_layers(path)]
            base = layer or next(
                (t.removesuffix(s) for t in tables for s in _PART_SUFFIXES if t.endswith(s)), tables[0]
            )
            # a layer of points and lines is stored as base_points / base_lines (one type per table)
            parts = [
                gpd.read_file(path, layer=t)
                for t in tables
                if t == base or t in [base + s for s in _PART_SUFFIXES]
            ]
            frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
            geoms = _single_parts(frame.geometry.to_numpy())
            return gpd.GeoDataFrame(
                frame.drop(columns=frame.geometry.name), geometry=list(geoms), crs="EPSG:4326"
            )
    return gpd.read_file(io.BytesIO(data))
