"""Data behind the app: load the atlas, tables and filters, evidence sentences, exports.

Nothing here imports Streamlit. The app caches :func:`load_atlas` with ``st.cache_data`` keyed
on :func:`atlas_signature` (file names, sizes and modification times), so a rebuilt atlas is
seen at the next rerun without restarting the server.

Evidence sentences are not stored in the layers (they hold offsets, see DESIGN.md): they are
looked up at display time from the source files, searched by file name in
:func:`source_dirs`.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Mapping, Sequence
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
from atlas.layers import LAYERS, REGION_INDICATOR_KEYS, geojson_bytes, read_atlas, write_gpkg
from atlas.maps import THEME_STYLES, Evidence
from atlas.models import PRECISIONS, THEMES

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
LAYER_LABELS: dict[str, str] = {
    "documents": "文件 Documents",
    "regions": "地区 Regions",
    **{theme: label for theme, (label, _) in THEME_STYLES.items()},
    "indicators": "规划指标 Indicator tables",
    "facts": "数值事实 Numeric facts",
}

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
            out[f"n_{theme}"] = f"{THEME_STYLES[theme][0]} 数量 count"
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
    "source_file", "char_start", "char_end", "id",
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
    for col in ("kind", "level", "status", "precision"):
        table[col] = table[col].map(lambda v: MISSING if _missing(v) else str(v))
    return table


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


_SENTENCE_END = re.compile(r"[。！？!?；;\n]")


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


def evidence_for(
    frame: pd.DataFrame, *, dirs: Sequence[str | Path] | None = None, max_chars: int = 220
) -> dict[str, Evidence]:
    """Feature id → the sentence of its source document holding the mention.

    Features whose source file is not found (or whose offsets fall outside it) get no entry;
    the popup then shows the layer's facts only.
    """
    out: dict[str, Evidence] = {}
    if frame is None or not len(frame) or "source_file" not in frame:
        return out
    for name, group in frame.groupby("source_file", sort=False):
        path = find_source(str(name), dirs=dirs)
        text = _read_source(path) if path is not None else None
        if text is None:
            continue
        for fid, cs, ce in zip(group["id"], group["char_start"], group["char_end"], strict=True):
            if _missing(cs) or _missing(ce):
                continue
            ev = sentence_around(text, int(cs), int(ce), max_chars=max_chars)
            if ev is not None:
                out[str(fid)] = Evidence(ev.text, ev.start, ev.end, source_file=str(name))
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
    if not layer_names:
        msg = "no layer chosen to export; pick at least one layer"
        raise InputError(msg)
    unknown = [n for n in layer_names if n not in layers]
    if unknown:
        msg = f"unknown layers {unknown}; the atlas has {sorted(layers)}"
        raise InputError(msg)
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
        with tempfile.TemporaryDirectory(prefix="atlas-read-") as tmp:
            path = Path(tmp) / "export.gpkg"
            path.write_bytes(data)
            return gpd.read_file(path, layer=layer)
    return gpd.read_file(io.BytesIO(data))
